"""tests/qt_form.py running as its own process on a real X server, and what it reports.

The form prints one JSON line per thing that reaches it (``ready`` with the
screen positions of its widgets, ``text``, ``key``, ``clicked``).  Tests that block
use :meth:`QtFormProcess.wait_for`; Qt tests poll :meth:`QtFormProcess.has` from
``qtbot.waitUntil`` so their event loop keeps running.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("qt_form.py")


class QtFormProcess:
    def __init__(self, display: str, timeout: float = 10.0) -> None:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT)],
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.timeout = timeout
        self.history: list[list[Any]] = []
        self._lines: queue.Queue[list[Any]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(json.loads(line))

    def wait_for(self, kind: str, value: Any = None) -> list[Any]:
        """Block for the next line of ``kind`` (and ``value``); queue.Empty on time-out."""
        while True:
            item = self._lines.get(timeout=self.timeout)
            self.history.append(item)
            if item[0] == kind and (value is None or item[1] == value):
                return item

    def seen(self) -> list[list[Any]]:
        """The lines that arrived since the last wait_for/seen/has."""
        out = []
        while not self._lines.empty():
            out.append(self._lines.get_nowait())
        self.history.extend(out)
        return out

    def has(self, kind: str, value: Any = None) -> bool:
        """Whether such a line ever arrived (does not block)."""
        self.seen()
        return any(s[0] == kind and (value is None or s[1] == value) for s in self.history)

    @property
    def where(self) -> dict[str, tuple[int, int]]:
        """Screen centres of the widgets: ``edit``, ``Ja``, ``Nej``."""
        ready = next((s for s in self.history if s[0] == "ready"), None) or self.wait_for("ready")
        return {name: (int(x), int(y)) for name, (x, y) in ready[1].items()}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
