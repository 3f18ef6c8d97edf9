"""The practice form served over HTTP on loopback, so the browser on the citizen's
practice PC shows a web address (``http://selvbetjening.localhost:<port>/ansoeg``)
as a real self-service site would - not a file path on the agent's disk.

Chromium resolves every ``*.localhost`` name to the loopback address itself (no
DNS).  The server is a standard-library ``ThreadingHTTPServer`` on 127.0.0.1 with
a port the system picks; it serves only the files named in :data:`PAGES`.
"""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PRACTICE_DIR = Path(__file__).with_name("practice")
HOST_NAME = "selvbetjening.localhost"
PAGES = {"/ansoeg": "selfservice.html"}  # web path -> file in PRACTICE_DIR


class _Handler(BaseHTTPRequestHandler):
    server_version = "cobrowse-practice"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        name = PAGES.get(self.path.split("?", 1)[0])
        if name is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = (PRACTICE_DIR / name).read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the demo's terminal is for the demo's own lines."""


class PracticeSite:
    """Serves the practice form until :meth:`stop`; :attr:`url` is its address."""

    def __init__(self) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        port = self._server.server_address[1]
        self.url = f"http://{HOST_NAME}:{port}/ansoeg"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="practice-site", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Ends the server (a second call does nothing)."""
        if not self._thread.is_alive():
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
