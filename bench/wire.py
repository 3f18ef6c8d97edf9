"""Bytes on the wire: a TCP pass-through that counts every byte in both directions.

The citizen connects to the relay through a :class:`CountingProxy`, the RFB viewer to
x0vncserver through another, so both stacks are counted the same way: TCP payload
(WebSocket or RFB framing, handshakes, keep-alives and acks included; TCP/IP
headers not).
"""

from __future__ import annotations

import selectors
import socket
import threading
import time


class CountingProxy:
    """Listens on 127.0.0.1:``port`` and forwards each connection to ``target``."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.sent = 0  # client -> target
        self.received = 0  # target -> client
        self.last = 0.0  # time.monotonic() of the last byte either way
        self._lock = threading.Condition()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        self._wake_r, self._wake_w = socket.socketpair()
        self._thread = threading.Thread(target=self._run, name="bench-wire", daemon=True)
        self._thread.start()

    @property
    def total(self) -> int:
        with self._lock:
            return self.sent + self.received

    def _count(self, upstream: bool, n: int) -> None:
        with self._lock:
            if upstream:
                self.sent += n
            else:
                self.received += n
            self.last = time.monotonic()
            self._lock.notify_all()

    def wait_quiet(self, seconds: float, timeout: float) -> bool:
        """Until no byte has crossed for ``seconds``; False if ``timeout`` passes first."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while (quiet_at := self.last + seconds) > (now := time.monotonic()):
                if now >= deadline:
                    return False
                self._lock.wait(min(quiet_at, deadline) - now)
            return True

    def wait_total(self, total: int, timeout: float) -> bool:
        """Until at least ``total`` bytes crossed in all; False if ``timeout`` passes first."""
        with self._lock:
            return self._lock.wait_for(lambda: self.sent + self.received >= total, timeout)

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        sel.register(self._server, selectors.EVENT_READ, None)
        sel.register(self._wake_r, selectors.EVENT_READ, None)
        while True:
            for key, _ in sel.select():
                sock = key.fileobj
                if sock is self._wake_r:
                    sel.close()
                    return
                if sock is self._server:
                    self._accept(sel)
                elif not self._forward(sel, key.fileobj, *key.data):  # type: ignore[arg-type]
                    sel.unregister(sock)

    def _accept(self, sel: selectors.BaseSelector) -> None:
        client, _ = self._server.accept()
        upstream = socket.create_connection(self.target)
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sel.register(client, selectors.EVENT_READ, (upstream, True))
        sel.register(upstream, selectors.EVENT_READ, (client, False))

    def _forward(
        self, sel: selectors.BaseSelector, src: socket.socket, dst: socket.socket, up: bool
    ) -> bool:
        try:
            data = src.recv(1 << 20)
        except OSError:
            data = b""
        if not data:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            return False
        dst.sendall(data)
        self._count(up, len(data))
        return True

    def close(self) -> None:
        self._wake_w.send(b"x")
        self._thread.join(5)
        self._server.close()
