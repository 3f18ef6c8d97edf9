"""Unsigned LEB128 varints and a strict reader for the compact binary layouts
(screen-update payloads in :mod:`cobrowse.screen.codec`, frame chunks and acks in
:mod:`cobrowse.session.wire`).

A varint is 7 bits per byte, least significant group first, high bit set on every
byte but the last: 0..127 take one byte, up to 16383 two.  The reader refuses
overlong forms (a final zero byte after the first), values above the caller's
limit and reads past the end, each with a :class:`~cobrowse.errors.ProtocolError`
naming ``what`` was being read.
"""

from __future__ import annotations

from cobrowse.errors import ProtocolError

MAX_BYTES = 10
"""Longest varint read (a 64-bit value)."""


def uint(value: int) -> bytes:
    """The varint for ``value`` (>= 0)."""
    if value < 0:
        raise ValueError("varints are unsigned")
    out = bytearray()
    while value > 0x7F:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


class Reader:
    """Reads fields from ``data`` front to back; ``what`` prefixes every error."""

    def __init__(self, data: bytes | memoryview, what: str) -> None:
        self.data = memoryview(data)
        self.offset = 0
        self.what = what

    def fail(self, problem: str) -> ProtocolError:
        return ProtocolError(f"{self.what}: {problem}")

    @property
    def left(self) -> int:
        return len(self.data) - self.offset

    def u8(self, name: str) -> int:
        if self.offset >= len(self.data):
            raise self.fail(f"truncated {name}")
        self.offset += 1
        return int(self.data[self.offset - 1])

    def uint(self, name: str, maximum: int) -> int:
        """A varint in ``0..maximum``."""
        value = shift = 0
        for i in range(MAX_BYTES):
            byte = self.u8(name)
            if byte == 0 and i > 0:
                raise self.fail(f"overlong {name}")
            value |= (byte & 0x7F) << shift
            if value > maximum:
                raise self.fail(f"{name} out of range")
            if not byte & 0x80:
                return value
            shift += 7
        raise self.fail(f"{name} out of range")

    def take(self, size: int, name: str) -> memoryview:
        if size > self.left:
            raise self.fail(f"truncated {name}")
        self.offset += size
        return self.data[self.offset - size : self.offset]

    def rest(self) -> memoryview:
        return self.take(self.left, "rest")

    def end(self) -> None:
        if self.left:
            raise self.fail("trailing bytes")
