"""The relay's fast path for session frames (docs/protocol.md §1, docs/scale.md).

After the join nearly every frame a client sends is an opaque binary record for the
other member of its room.  Through websockets each one costs a parser generator, a
message queue, a task wake-up in the hub's read loop and a ``send`` with its lock and
drain.  :class:`ForwardingConnection` is the websockets server connection with a
shortcut in front of its parser: a complete, unfragmented, masked binary frame of at
most ``max_binary`` bytes whose hub names a peer (:attr:`ForwardingConnection.route`,
which also counts it) is unmasked with websockets' C ``apply_mask`` and written as a
server frame straight to the peer's transport; the frames for the peer from one read
go out in one write (one ``send`` system call).

Everything else goes to websockets unchanged, whole frames at a time, so its parser
always starts at a frame boundary and every existing rule applies as before: text
messages, pings, pongs, close frames, fragmented messages, oversized frames (1009),
frames the hub has no peer for (dropped late frames, refusals).  Order is kept: once
a data frame went to websockets, the frames after it do too, until the hub has
handled every queued message (:meth:`ForwardingConnection.caught_up`).

Back-pressure: when the peer's transport holds more than its high-water mark (the
relay's ``write_limit``), the sender stops reading until the peer's buffer drains
(asyncio's ``resume_writing``) or the peer goes: nothing is buffered without bound.
The relay never looks inside a payload; it only unmasks it, as websockets did.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.protocol import State
from websockets.speedups import apply_mask

Route = Callable[[bytes], "ForwardingConnection | None"]
"""Given an unmasked payload: the connection to forward it to (counted), or None."""
_FIN_BINARY = 0x82  # FIN, no extension bits, opcode 2


def server_header(length: int) -> bytes:
    """The header of an unmasked, final binary frame of ``length`` bytes."""
    if length < 126:
        return bytes((_FIN_BINARY, length))
    if length < 65536:
        return struct.pack("!BBH", _FIN_BINARY, 126, length)
    return struct.pack("!BBQ", _FIN_BINARY, 127, length)


def frame_size(data: bytes | bytearray, pos: int, end: int) -> int:
    """Bytes of the whole frame starting at ``pos`` (header, mask and payload), or
    -1 while its header is not all in ``data[pos:end]``."""
    if end - pos < 2:
        return -1
    second = data[pos + 1]
    length, head = second & 0x7F, 2
    if length == 126:
        if end - pos < 4:
            return -1
        length, head = int.from_bytes(data[pos + 2 : pos + 4], "big"), 4
    elif length == 127:
        if end - pos < 10:
            return -1
        length, head = int.from_bytes(data[pos + 2 : pos + 10], "big"), 10
    return head + (4 if second & 0x80 else 0) + length


class ForwardingConnection(ServerConnection):
    """A websockets server connection that forwards session frames itself once the
    hub has set :attr:`route` and called :meth:`caught_up`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.route: Route | None = None
        self.max_binary = 0
        self._buf = bytearray()  # the start of a frame not all received yet
        self._queued = True  # data frames go to websockets until caught_up()
        self._fragmented = False  # websockets holds part of a fragmented message
        self._handed_over = False  # websockets has the stream for good
        self._pauses: set[str] = set()  # why reading is paused: "queue", "peer"
        self._blocked: set[ForwardingConnection] = set()  # senders waiting for us to drain

    def pending_bytes(self) -> int:
        """Bytes of an incomplete frame held for the fast path (diagnostic)."""
        return len(self._buf)

    def caught_up(self) -> None:
        """The hub has handled a message: if none is left queued, the fast path may
        take the frames that come next."""
        if not len(self.recv_messages.frames) and not self._fragmented:
            self._queued = False

    # --- asyncio.Protocol -----------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self.recv_messages.pause = lambda: self._pause("queue")
        self.recv_messages.resume = lambda: self._resume("queue")

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._buf.clear()
        self._release_senders()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._release_senders()

    def data_received(self, data: bytes) -> None:
        if self._handed_over or self.protocol.state is State.CONNECTING:
            super().data_received(data)  # the HTTP upgrade, or no fast path any more
            return
        if self._buf:
            self._buf += data
            data, self._buf = bytes(self._buf), bytearray()
        self._frames(data)

    # --- the fast path ----------------------------------------------------------------

    def _frames(self, data: bytes) -> None:
        pos, end, limit = 0, len(data), self.protocol.max_message_size
        view, out = memoryview(data), list[bytes]()
        peer: ForwardingConnection | None = None
        while pos < end:
            size = frame_size(data, pos, end)
            if limit is not None and size > limit + 14:  # websockets refuses it (1009)
                self._flush(peer, out)
                self._handed_over = True
                super().data_received(data[pos:])
                return
            if size < 0 or pos + size > end:
                self._buf += data[pos:]
                break
            target = self._fast(view, pos, size, out)
            if target is None:
                self._flush(peer, out)
                self._slow(data, pos, size)
            elif target is not peer:
                self._flush(peer, out)
                peer = target
            pos += size
        self._flush(peer, out)

    def _fast(
        self, data: memoryview, pos: int, size: int, out: list[bytes]
    ) -> ForwardingConnection | None:
        """Unmask and route the frame at ``pos``; None if it is not for the fast path."""
        second = data[pos + 1]
        if self._queued or self.route is None or data[pos] != _FIN_BINARY or not second & 0x80:
            return None
        head = {126: 8, 127: 14}.get(second & 0x7F, 6)  # with the masking key
        if size - head > self.max_binary or self.protocol.state is not State.OPEN:
            return None
        payload = apply_mask(
            data[pos + head : pos + size], bytes(data[pos + head - 4 : pos + head])
        )
        peer = self.route(payload)
        if peer is not None:
            out.append(server_header(len(payload)))
            out.append(payload)
        return peer

    def _slow(self, data: bytes, pos: int, size: int) -> None:
        """Hand one whole frame to websockets; after a data frame, the ones that follow
        go the same way until the hub has caught up."""
        first = data[pos]
        opcode = first & 0x0F
        if opcode in (0, 1, 2):
            self._queued = True
            if opcode != 0 or first & 0x80:
                self._fragmented = not first & 0x80
        elif opcode == 8:
            self._handed_over = True
        super().data_received(data[pos : pos + size])

    def _flush(self, peer: ForwardingConnection | None, out: list[bytes]) -> None:
        """Write the frames gathered for ``peer`` in one go; stop reading while the
        peer's buffer is above its high-water mark.  A peer that is closing drops
        them, as websockets' ``send`` did (its own handler reports that it left)."""
        if peer is None or not out:
            return
        data = b"".join(out)
        out.clear()
        transport = peer.transport
        if peer.protocol.state is not State.OPEN or transport.is_closing():
            return
        transport.write(data)
        if peer.paused:  # asyncio called pause_writing(): above the high-water mark
            peer._blocked.add(self)
            self._pause("peer")

    # --- reading paused for the peer or for websockets' queue --------------------------

    def _pause(self, why: str) -> None:
        if not self._pauses:
            self.transport.pause_reading()
        self._pauses.add(why)

    def _resume(self, why: str) -> None:
        if why in self._pauses:
            self._pauses.discard(why)
            if not self._pauses and not self.transport.is_closing():
                self.transport.resume_reading()

    def _release_senders(self) -> None:
        senders, self._blocked = self._blocked, set()
        for sender in senders:
            sender._resume("peer")


def forwarding(base: type[ServerConnection]) -> type[ServerConnection]:
    """``base`` (e.g. the guarded connection class) with the fast path in front."""
    return type("RelayConnection", (base, ForwardingConnection), {})
