"""The screen-update payload: framing and a strict, stateful decoder.

One payload is one screen update (docs/streaming.md, "Payload format")::

    header  u8 flags | [varint width | varint height] | [varint count]
    rect    varint x | varint y | varint w | varint h | u8 encoding | [varint length]
            | data

Varints are unsigned LEB128 (:mod:`cobrowse.varint`).  No version byte: the session's
Hello fixes the payload version (2).  ``flags`` bit 0 is KEYFRAME (the update
replaces the whole framebuffer, possibly at a new size, and both deflate streams
start afresh); bits 1-7 are the rectangle count, 0-126, or 127: the count follows
as a varint.  Only a keyframe carries the size; the updates after it have that size.
``length`` is left out where the data's size is known without it: FILL (3 bytes),
CACHED and COPY (varints, self-delimiting), and a deflate-stream rectangle (GRAD,
PALETTE, PLANES, GREY) that is the last of the payload (its data runs to the end).
The rectangle encodings and the persistent streams are in :mod:`cobrowse.screen.rects`.

The decoder never trusts a size it has not checked: the frame is bounded, every
rectangle lies inside it, the rectangles together cover at most the frame's area,
and inflated output is capped at exactly the expected length.  Anything else raises
:class:`~cobrowse.errors.ProtocolError`, and after one the decoder takes nothing
but a keyframe (its streams no longer match the sender's).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from cobrowse import varint
from cobrowse.errors import ProtocolError
from cobrowse.screen import rects
from cobrowse.screen.diff import Rect
from cobrowse.screen.rectcache import DecoderCache, cacheable
from cobrowse.screen.rects import (
    CACHEABLE,
    CACHED,
    COPY,
    FILL,
    GRAD,
    GREY,
    JPEG,
    NAMES,
    PALETTE,
    PLANES,
    Deflaters,
    colors_over,
    encode_copy,
    encode_jpeg,
    encode_lossless,
)

__all__ = [
    "CACHED",
    "COPY",
    "FILL",
    "GRAD",
    "GREY",
    "JPEG",
    "KEYFRAME",
    "NAMES",
    "PALETTE",
    "PLANES",
    "VERSION",
    "Decoder",
    "Deflaters",
    "Header",
    "Piece",
    "colors_over",
    "encode_copy",
    "encode_jpeg",
    "encode_lossless",
    "is_keyframe",
    "outline",
    "pack",
]
VERSION = 2
"""The payload version, fixed by the session's Hello (not repeated per update)."""
KEYFRAME = 0x01
_COUNT_FOLLOWS = 127
_SEGMENTS = frozenset({GRAD, PALETTE, PLANES, GREY})
"""Encodings whose data is one deflate segment: exact inflation bounds it, so the
last rectangle's data can run to the end of the payload without a length."""
MAX_SIDE = 8192
MAX_PIXELS = 8192 * 4320
"""Largest frame the decoder accepts: an 8K monitor (about 140 MB as BGRA)."""
_WHAT = "screen update"


class Header(NamedTuple):
    keyframe: bool
    width: int
    height: int


class Piece(NamedTuple):
    """One decoded rectangle: where it goes and either its pixels as ``(h, w)``
    uint32 BGRA (alpha 255) or, for COPY, the top-left corner of its source."""

    rect: Rect
    pixels: npt.NDArray[np.uint32] | None
    source: tuple[int, int] | None = None


def pack(
    width: int, height: int, parts: list[tuple[Rect, int, bytes]], *, keyframe: bool = False
) -> bytes:
    """Assemble a payload from already-encoded rectangles ``(rect, encoding, data)``."""
    count = min(len(parts), _COUNT_FOLLOWS)
    out = [bytes([count << 1 | (KEYFRAME if keyframe else 0)])]
    if keyframe:  # an update keeps the size of the keyframe before it
        out += [varint.uint(width), varint.uint(height)]
    if count == _COUNT_FOLLOWS:
        out.append(varint.uint(len(parts)))
    for i, (rect, encoding, data) in enumerate(parts):
        out += [varint.uint(v) for v in rect]
        out.append(bytes([encoding]))
        if not _sized(encoding, last=i == len(parts) - 1):
            out.append(varint.uint(len(data)))
        out.append(data)
    return b"".join(out)


def _sized(encoding: int, *, last: bool) -> bool:
    """Whether a rectangle's data size is known without a length field."""
    return encoding in (FILL, CACHED, COPY) or (last and encoding in _SEGMENTS)


def is_keyframe(payload: bytes) -> bool:
    """Whether ``payload`` claims to be a keyframe (header only; :meth:`Decoder.parse`
    checks it)."""
    return len(payload) >= 1 and bool(payload[0] & KEYFRAME)


def outline(payload: bytes) -> tuple[Header, list[tuple[Rect, int, int]]]:
    """The header and each rectangle's ``(rect, encoding, data length)``, read from
    the framing alone (nothing decoded; for tests and statistics)."""
    read = varint.Reader(payload, _WHAT)
    flags = read.u8("flags")
    width = height = MAX_SIDE  # an update's size is its keyframe's: not checked here
    if flags & KEYFRAME:
        width, height = read.uint("width", MAX_SIDE), read.uint("height", MAX_SIDE)
    header = Header(bool(flags & KEYFRAME), width, height)
    if not (width and height):
        raise ProtocolError("screen update: bad header")
    out = []
    count = _count(read, flags)
    for i in range(count):
        rect, encoding, data = _next_rect(read, header, last=i == count - 1)
        out.append((rect, encoding, len(data)))
    read.end()
    return header, out


class Decoder:
    """The agent's side of one stream of payloads (one per connection and viewer)."""

    def __init__(self, *, max_pixels: int = MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        self._streams = rects.Inflaters()
        self._cache = DecoderCache()
        self._started = False
        self._size = (0, 0)
        self._flags = 0

    @property
    def needs_keyframe(self) -> bool:
        """True before the first keyframe and after any rejected payload."""
        return not self._started or self._streams.broken

    def desync(self) -> None:
        """Take only a keyframe next (the caller rejected a decoded payload)."""
        self._streams.broken = True

    def parse(self, payload: bytes) -> tuple[Header, list[Piece]]:
        """Check and decode a whole payload; raises :class:`ProtocolError` if anything
        is off (and then wants a keyframe next)."""
        try:
            return self._parse(payload)
        except ProtocolError:
            self._streams.broken = True
            raise

    def _parse(self, payload: bytes) -> tuple[Header, list[Piece]]:
        read = varint.Reader(payload, _WHAT)
        header = self._header(read)
        pieces, area = [], 0
        count = _count(read, self._flags)
        for i in range(count):
            rect, encoding, data = _next_rect(read, header, last=i == count - 1)
            area += rect.w * rect.h
            if area > header.width * header.height:
                raise ProtocolError("screen update: rectangles cover more than the frame")
            if encoding == COPY:
                pieces.append(_copy_piece(rect, data, header))
            elif encoding == CACHED:
                pieces.append(Piece(rect, self._cache.get(rect, data)))
            else:
                pixels = rects.decode(rect, encoding, data, self._streams)
                if cacheable(rect, encoding, CACHEABLE):
                    self._cache.insert(pixels)
                pieces.append(Piece(rect, pixels))
        read.end()
        return header, pieces

    def _header(self, read: varint.Reader) -> Header:
        flags = self._flags = read.u8("flags")
        if not flags & KEYFRAME:
            if self.needs_keyframe:
                raise ProtocolError("screen update: a keyframe must come first")
            return Header(False, *self._size)
        width, height = read.uint("width", MAX_SIDE), read.uint("height", MAX_SIDE)
        if not (width and height) or width * height > self.max_pixels:
            raise ProtocolError("screen update: frame size out of range")
        self._streams.reset()
        self._cache.reset()
        self._started, self._size = True, (width, height)
        return Header(True, width, height)


def _count(read: varint.Reader, flags: int) -> int:
    count = flags >> 1
    if count == _COUNT_FOLLOWS:
        count = read.uint("rectangle count", MAX_PIXELS)
        if count < _COUNT_FOLLOWS:
            raise ProtocolError("screen update: rectangle count not in its shortest form")
    return count


def _next_rect(read: varint.Reader, header: Header, *, last: bool) -> tuple[Rect, int, memoryview]:
    x, y = read.uint("x", MAX_SIDE), read.uint("y", MAX_SIDE)
    w, h = read.uint("width", MAX_SIDE), read.uint("height", MAX_SIDE)
    if w == 0 or h == 0 or x + w > header.width or y + h > header.height:
        raise ProtocolError("screen update: rectangle outside the frame")
    encoding = read.u8("encoding")
    return Rect(x, y, w, h), encoding, _rect_data(read, encoding, last=last)


def _rect_data(read: varint.Reader, encoding: int, *, last: bool) -> memoryview:
    """The rectangle's data span; the decoders check its contents."""
    if encoding == FILL:
        return read.take(3, "fill colour")
    if encoding in (CACHED, COPY):
        start = read.offset
        for _ in range(1 if encoding == CACHED else 2):
            read.uint("rectangle data", MAX_PIXELS)
        return read.data[start : read.offset]
    if last and encoding in _SEGMENTS:
        return read.rest()
    return read.take(read.uint("length", len(read.data)), "rectangle data")


def _copy_piece(rect: Rect, data: memoryview, header: Header) -> Piece:
    if header.keyframe:
        raise ProtocolError("screen update: copy in a keyframe")
    read = varint.Reader(data, "screen update copy")
    sx, sy = read.uint("source x", MAX_SIDE), read.uint("source y", MAX_SIDE)
    read.end()
    if sx + rect.w > header.width or sy + rect.h > header.height:
        raise ProtocolError("screen update: copy source outside the frame")
    return Piece(rect, None, (sx, sy))
