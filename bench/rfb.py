"""The peer: TigerVNC's scraping server (x0vncserver) on the same display, with a
minimal RFB 3.8 viewer of our own that times and counts updates without decoding.

The viewer asks for ZRLE (and CopyRect), SecurityType None, and requests the next
incremental update as soon as one has arrived, as vncviewer does.  ZRLE rectangles
carry a 4-byte length, so an update can be read whole without decoding it; an update
counts as applied when its last byte has arrived (decoding a ZRLE rectangle of a
few characters takes well under a millisecond).  Bytes are counted by a
:class:`~bench.wire.CountingProxy` between the viewer and the server.
"""

from __future__ import annotations

import os
import shutil
import socket
import struct
import subprocess
import threading
import time

from bench.viewer import Update, Viewer
from bench.wire import CountingProxy

RAW, COPYRECT, ZRLE = 0, 1, 16


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Reader:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def exactly(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the VNC server closed the connection")
            buf += chunk
        return bytes(buf)

    def unpack(self, fmt: str) -> tuple[int, ...]:
        return struct.unpack(fmt, self.exactly(struct.calcsize(fmt)))


class TigerVNC(Viewer):
    """x0vncserver on ``display`` and our viewer connected to it through a counter."""

    def __init__(self, display: str, timeout: float = 30.0) -> None:
        # Debian's x0vncserver is a Perl wrapper around X0tigervnc: run the server itself
        # (its CPU time is what we measure)
        binary = shutil.which("X0tigervnc") or shutil.which("x0vncserver")
        if binary is None:
            raise RuntimeError("x0vncserver is not installed (tigervnc-scraping-server)")
        port = _free_port()
        self.server = subprocess.Popen(
            [
                binary,
                "-display",
                display,
                "-rfbport",
                str(port),
                "-localhost",
                "-SecurityTypes",
                "None",
                "-AlwaysShared",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        super().__init__("TigerVNC", CountingProxy(("127.0.0.1", port)))
        self.sock = self._connect(timeout)
        self.bpp = 4
        self._handshake()
        self._thread = threading.Thread(target=self._run, name="bench-rfb", daemon=True)
        self._thread.start()

    def _connect(self, timeout: float) -> socket.socket:
        deadline = time.monotonic() + timeout
        while True:  # the server listens a moment after it starts
            try:
                probe = socket.create_connection(("127.0.0.1", self.wire.target[1]), timeout=1)
                probe.close()
                break
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    raise RuntimeError("x0vncserver did not start") from None
                threading.Event().wait(0.1)
        sock = socket.create_connection(("127.0.0.1", self.wire.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def _handshake(self) -> None:
        r = _Reader(self.sock)
        if not r.exactly(12).startswith(b"RFB 003."):
            raise RuntimeError("not an RFB server")
        self.sock.sendall(b"RFB 003.008\n")
        types = r.exactly(r.unpack("!B")[0])
        if 1 not in types:
            raise RuntimeError(f"the server offers no SecurityType None: {list(types)}")
        self.sock.sendall(b"\x01")
        if r.unpack("!I")[0] != 0:
            raise RuntimeError("VNC security handshake failed")
        self.sock.sendall(b"\x01")  # ClientInit: shared
        self.width, self.height = r.unpack("!HH")
        pixel_format = r.exactly(16)
        self.bpp = pixel_format[0] // 8
        r.exactly(r.unpack("!I")[0])  # desktop name
        encodings = [ZRLE, COPYRECT]
        self.sock.sendall(struct.pack(f"!BxH{len(encodings)}i", 2, len(encodings), *encodings))
        self.sock.settimeout(None)
        self._request(incremental=False)

    def _request(self, incremental: bool) -> None:
        self.sock.sendall(
            struct.pack("!BBHHHH", 3, int(incremental), 0, 0, self.width, self.height)
        )

    def _run(self) -> None:
        r = _Reader(self.sock)
        try:
            while True:
                kind = r.unpack("!B")[0]
                if kind == 0:
                    self._update(r)
                elif kind == 1:  # SetColourMapEntries
                    r.exactly(1)
                    _, n = r.unpack("!HH")
                    r.exactly(6 * n)
                elif kind == 3:  # ServerCutText
                    r.exactly(3)
                    r.exactly(r.unpack("!I")[0])
                elif kind != 2:  # 2 = Bell
                    raise RuntimeError(f"unexpected RFB message {kind}")
        except (OSError, ConnectionError):
            return

    def _update(self, r: _Reader) -> None:
        r.exactly(1)
        rects = []
        for _ in range(r.unpack("!H")[0]):
            x, y, w, h, enc = r.unpack("!HHHHi")
            if enc == ZRLE:
                r.exactly(r.unpack("!I")[0])
            elif enc == COPYRECT:
                r.exactly(4)
            elif enc == RAW:
                r.exactly(w * h * self.bpp)
            else:
                raise RuntimeError(f"unexpected RFB encoding {enc}")
            rects.append((x, y, w, h))
        self._request(incremental=True)
        with self.cond:
            self.updates.append(Update(time.monotonic(), rects))
            self.cond.notify_all()

    def cpu_seconds(self) -> float:
        """CPU time of the x0vncserver process (all its threads)."""
        with open(f"/proc/{self.server.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.sock.close()
        self.server.terminate()
        try:
            self.server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        super().close()
