"""A TCP proxy between one app and the relay, for link faults.

It forwards every accepted connection to ``upstream`` on an asyncio loop in a
thread of its own.  Commands (from the test's thread):

* :meth:`TcpProxy.stall` - stop forwarding in both directions but keep every
  socket open (a dead Wi-Fi, a NAT that forgot the flow): nothing is read, so
  nothing moves and no side sees a close;
* :meth:`TcpProxy.cut` - close both sides of every connection abruptly (RST);
* :meth:`TcpProxy.cut_client` - RST only the app's side and leave the relay's
  side open and silent: the relay still holds the old connection (half-open);
* :meth:`TcpProxy.resume` - forward again.

New connections are forwarded normally (unless stalled), so an app that
reconnects after a cut gets through.  ``forwarded`` counts bytes per direction.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from dataclasses import dataclass, field


@dataclass
class _Pair:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close with SO_LINGER 0: the peer gets a RST, not a FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class TcpProxy:
    """Listens on 127.0.0.1:<port>; ``url(path)`` is a ws:// URL through it."""

    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.host, self.upstream_port = host, upstream_port
        self.forwarded = {"up": 0, "down": 0}  # app -> relay, relay -> app
        self.last_forwarded = 0.0  # time.monotonic() of the last byte moved
        self.connections = 0
        self._pairs: list[_Pair] = []
        self._loop = asyncio.new_event_loop()
        self._flowing: asyncio.Event | None = None
        ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the proxy did not start")

    def url(self, path: str = "/v1") -> str:
        return f"ws://{self.host}:{self.port}{path}"

    # --- commands -------------------------------------------------------------------

    def stall(self) -> None:
        self._call(lambda: self._flow(False))

    def resume(self) -> None:
        self._call(lambda: self._flow(True))

    def cut(self) -> None:
        self._call(self._cut, True)

    def cut_client(self) -> None:
        self._call(self._cut, False)

    def close(self) -> None:
        if self._loop.is_running():
            self._call(self._cut, True)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    # --- the loop -------------------------------------------------------------------

    def _call(self, fn: object, *args: object) -> None:
        async def run() -> None:
            fn(*args)  # type: ignore[operator]

        asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._flowing = asyncio.Event()
        self._flowing.set()
        server = self._loop.run_until_complete(asyncio.start_server(self._accept, self.host, 0))
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    def _flow(self, on: bool) -> None:
        assert self._flowing is not None
        if on:
            self._flowing.set()
        else:
            self._flowing.clear()

    def _cut(self, both: bool) -> None:
        for pair in self._pairs:
            for task in pair.tasks:
                task.cancel()
            _rst(pair.client)
            if both:
                _rst(pair.upstream)
        self._pairs = []  # a half-open upstream stays open, unread, until the relay drops it

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(self.host, self.upstream_port)
        except OSError:
            _rst(writer)  # the relay is down: the app sees a refused link
            return
        self.connections += 1
        pair = _Pair(writer, up_writer)
        pair.tasks = [
            asyncio.create_task(self._pump(reader, up_writer, "up", pair)),
            asyncio.create_task(self._pump(up_reader, writer, "down", pair)),
        ]
        self._pairs.append(pair)

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        direction: str,
        pair: _Pair,
    ) -> None:
        assert self._flowing is not None
        try:
            while True:
                await self._flowing.wait()  # a stall: nothing is read, nothing moves
                data = await reader.read(65536)
                await self._flowing.wait()  # stalled while reading: hold it back
                if not data:
                    break
                writer.write(data)
                await writer.drain()
                self.forwarded[direction] += len(data)
                self.last_forwarded = time.monotonic()
        except (ConnectionError, OSError):
            pass
        if pair in self._pairs:  # one side closed: close the other (FIN), as a router would
            self._pairs.remove(pair)
            for w in (pair.client, pair.upstream):
                with contextlib.suppress(Exception):
                    w.close()
            for task in pair.tasks:
                if task is not asyncio.current_task():
                    task.cancel()
