"""A minimal WebSocket client for load generation: one asyncio Protocol per socket.

The websockets library costs a load generator more per frame than the relay it
measures (a parser generator, a message queue and a task wake-up per frame).  This
client does the least RFC 6455 asks of a client and nothing more:

* the HTTP upgrade (no extensions: the relay runs without compression);
* masked frames out, with the all-zero masking key (legal on the wire, and the
  server unmasks every frame whatever the key, so the relay's cost is unchanged);
* server frames in, parsed in place: of a binary frame only the first 8 payload
  bytes (the bench's send time) are read, the rest is skipped without a copy;
  text frames are queued for the set-up, pings answered, a close frame answered.
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

BinaryHandler = Callable[[int, int], None]
"""Called with (the first 8 payload bytes as a big-endian integer, payload length)."""
_ZERO_KEY = bytes(4)


def frame_header(opcode: int, length: int) -> bytes:
    """A client frame's header (FIN set, masked with the zero key)."""
    if length < 126:
        return bytes((0x80 | opcode, 0x80 | length)) + _ZERO_KEY
    if length < 65536:
        return struct.pack("!BBH", 0x80 | opcode, 0xFE, length) + _ZERO_KEY
    return struct.pack("!BBQ", 0x80 | opcode, 0xFF, length) + _ZERO_KEY


class RawWebSocket(asyncio.Protocol):
    """One client connection; ``on_binary`` sees every complete binary frame."""

    def __init__(self, on_binary: BinaryHandler | None = None) -> None:
        self.on_binary = on_binary
        self.transport: asyncio.Transport | None = None
        self.texts: asyncio.Queue[str] = asyncio.Queue()
        self.upgraded = asyncio.get_running_loop().create_future()
        self.closed = asyncio.get_running_loop().create_future()
        self._pending = b""  # an incomplete header (or text/control frame) so far
        self._http = True
        self._skip = 0  # payload bytes of the current binary frame still to come
        self._stamp = self._length = 0
        self.close_reason = ""

    # --- sending ------------------------------------------------------------------

    def send_text(self, text: str) -> None:
        data = text.encode()
        self.write(frame_header(1, len(data)) + data)

    def send_binary(self, data: bytes) -> None:
        self.write(frame_header(2, len(data)) + data)

    def write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    # --- asyncio.Protocol -----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.upgraded.done():
            self.upgraded.set_exception(ConnectionError("closed during the upgrade"))
            self.upgraded.exception()  # retrieved: connect() may not be waiting any more
        if not self.closed.done():
            self.closed.set_result(None)
        self.texts.put_nowait("")  # wakes a set-up waiting for a message

    def data_received(self, data: bytes) -> None:
        if self._skip:  # the middle of a big binary frame: skip it without a copy
            if len(data) < self._skip:
                self._skip -= len(data)
                return
            data, self._skip = data[self._skip :], 0
            self._binary_done()
        if self._pending:
            data = self._pending + data
            self._pending = b""
        if self._http:
            data = self._response(data)
        self._frames(data)

    def _response(self, data: bytes) -> bytes:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            self._pending = data
            return b""
        self._http = False
        if not data.startswith(b"HTTP/1.1 101"):
            status = data.split(b"\r\n", 1)[0].decode(errors="replace")
            self.upgraded.set_exception(ConnectionError(f"upgrade refused: {status}"))
            self.close()
            return b""
        self.upgraded.set_result(None)
        return data[end + 4 :]

    def _frames(self, data: bytes) -> None:
        pos, end = 0, len(data)
        while pos < end:
            used = self._frame(data, pos, end)
            if used == 0:
                self._pending = data[pos:]
                return
            pos += used

    def _frame(self, data: bytes, pos: int, end: int) -> int:
        """Handle the frame at ``pos``; the bytes used, or 0 if more are needed."""
        if end - pos < 2:
            return 0
        opcode, length = data[pos] & 0x0F, data[pos + 1] & 0x7F
        head = 2
        if length == 126:
            if end - pos < 4:
                return 0
            length, head = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
        elif length == 127:
            if end - pos < 10:
                return 0
            length, head = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
        start = pos + head
        if opcode == 2:
            if end - start < min(8, length):
                return 0
            self._stamp = int.from_bytes(data[start : start + 8], "big")
            self._length = length
            have = min(length, end - start)
            self._skip = length - have
            if not self._skip:
                self._binary_done()
            return head + have
        if end - start < length:
            return 0
        self._control(opcode, data[start : start + length])
        return head + length

    def _binary_done(self) -> None:
        if self.on_binary is not None:
            self.on_binary(self._stamp, self._length)

    def _control(self, opcode: int, payload: bytes) -> None:
        if opcode == 1:
            self.texts.put_nowait(payload.decode())
        elif opcode == 9:  # ping: the relay's keep-alive
            self.write(frame_header(10, len(payload)) + payload)
        elif opcode == 8:
            self.close_reason = f"{int.from_bytes(payload[:2], 'big')} {payload[2:].decode()}"
            self.write(frame_header(8, len(payload)) + payload)
            self.close()


async def connect(url: str, on_binary: BinaryHandler | None = None) -> RawWebSocket:
    """Open ``ws://host:port/path`` and return the upgraded connection."""
    parts = urlsplit(url)
    if parts.scheme != "ws" or parts.hostname is None:
        raise ValueError(f"only ws:// URLs: {url}")
    loop = asyncio.get_running_loop()
    port = parts.port or 80
    _, ws = await loop.create_connection(lambda: RawWebSocket(on_binary), parts.hostname, port)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    ws.write(request.encode())
    await ws.upgraded
    return ws
