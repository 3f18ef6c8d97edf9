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
CACHED, COPY and BLINK (self-delimiting), and a deflate-stream rectangle (GRAD,
PALETTE, PLANES, GREY) that is the last of the payload (its data runs to the end).
The rectangle encodings and the persistent streams are in :mod:`cobrowse.screen.rects`.

BLINK (8) is a rectangle the agent animates itself (a blinking caret, see
:mod:`cobrowse.screen.blink`)::

    varint d0_ms | varint d1_ms | varint first_ms | state0 | state1
    state   u8 encoding | [varint length] | data   (lossless encodings only)

state0 is painted now and shown ``first_ms``, then state1 for ``d1_ms``, state0 for
``d0_ms``, and so on, until a later update touches the rectangle (Compositor).

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
    PALETTE,
    PLANES,
    Deflaters,
    colors_over,
    encode_copy,
    encode_jpeg,
    encode_lossless,
)

__all__ = [
    "BLINK",
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
    "BlinkSpec",
    "Decoder",
    "Deflaters",
    "Header",
    "Piece",
    "blink_data",
    "colors_over",
    "copy_source",
    "encode_copy",
    "encode_jpeg",
    "encode_lossless",
    "is_keyframe",
    "outline",
    "pack",
    "walk",
]
VERSION = 2
"""The payload version, fixed by the session's Hello (not repeated per update)."""
KEYFRAME = 0x01
BLINK = 8
"""A rectangle toggling between two states on the agent's own clock (module doc)."""
NAMES = {**rects.NAMES, BLINK: "blink"}
BLINK_STATES = frozenset({FILL, GRAD, PALETTE, PLANES, CACHED, GREY})
"""Encodings a BLINK state may have: lossless, painting, no stream of their own."""
MAX_BLINK_PIXELS = 64 * 64
BLINK_MS = (50, 10_000)
"""Shortest and longest time one BLINK state may show (milliseconds)."""
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


class BlinkSpec(NamedTuple):
    """A BLINK rectangle's animation: its piece's pixels (state0) show ``first_ms``,
    then ``other`` (state1) ``durations_ms[1]``, state0 ``durations_ms[0]``, ..."""

    durations_ms: tuple[int, int]
    first_ms: int
    other: npt.NDArray[np.uint32]


class Piece(NamedTuple):
    """One decoded rectangle: where it goes and either its pixels as ``(h, w)``
    uint32 BGRA (alpha 255) or, for COPY, the top-left corner of its source; a
    BLINK rectangle's pixels are its first state, ``blink`` the animation."""

    rect: Rect
    pixels: npt.NDArray[np.uint32] | None
    source: tuple[int, int] | None = None
    blink: BlinkSpec | None = None


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
    return encoding in (FILL, CACHED, COPY, BLINK) or (last and encoding in _SEGMENTS)


def blink_data(
    durations_ms: tuple[int, int], first_ms: int, states: list[tuple[int, bytes]]
) -> bytes:
    """A BLINK rectangle's data: the two states as ``(encoding, data)``, state0 first."""
    out = [varint.uint(v) for v in (*durations_ms, first_ms)]
    for encoding, data in states:
        out.append(bytes([encoding]))
        if not _sized(encoding, last=False):
            out.append(varint.uint(len(data)))
        out.append(data)
    return b"".join(out)


def walk(payload: bytes) -> tuple[Header, list[tuple[Rect, int, memoryview]]]:
    """The header and each rectangle's ``(rect, encoding, data)``, read from the
    framing alone (nothing decoded)."""
    read = varint.Reader(payload, _WHAT)
    flags = read.u8("flags")
    width = height = MAX_SIDE  # an update's size is its keyframe's: not checked here
    if flags & KEYFRAME:
        width, height = read.uint("width", MAX_SIDE), read.uint("height", MAX_SIDE)
    header = Header(bool(flags & KEYFRAME), width, height)
    if not (width and height):
        raise ProtocolError("screen update: bad header")
    count = _count(read, flags)
    out = [_next_rect(read, header, last=i == count - 1) for i in range(count)]
    read.end()
    return header, out


def copy_source(rect: Rect, data: bytes | memoryview) -> Rect:
    """The source rectangle of a COPY rectangle ``rect`` with ``data``."""
    read = varint.Reader(data, "screen update copy")
    sx, sy = read.uint("source x", MAX_SIDE), read.uint("source y", MAX_SIDE)
    read.end()
    return Rect(sx, sy, rect.w, rect.h)


def is_keyframe(payload: bytes) -> bool:
    """Whether ``payload`` claims to be a keyframe (header only; :meth:`Decoder.parse`
    checks it)."""
    return len(payload) >= 1 and bool(payload[0] & KEYFRAME)


def outline(payload: bytes) -> tuple[Header, list[tuple[Rect, int, int]]]:
    """The header and each rectangle's ``(rect, encoding, data length)``, read from
    the framing alone (nothing decoded; for tests and statistics)."""
    header, parts = walk(payload)
    return header, [(rect, encoding, len(data)) for rect, encoding, data in parts]


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
            elif encoding == BLINK:
                pieces.append(self._blink_piece(rect, data, header))
            else:
                pieces.append(Piece(rect, self._pixels(rect, encoding, data)))
        read.end()
        return header, pieces

    def _pixels(self, rect: Rect, encoding: int, data: memoryview) -> npt.NDArray[np.uint32]:
        """One painting rectangle's pixels (through the cache and the streams)."""
        if encoding == CACHED:
            return self._cache.get(rect, data)
        pixels = rects.decode(rect, encoding, data, self._streams)
        if cacheable(rect, encoding, CACHEABLE):
            self._cache.insert(pixels)
        return pixels

    def _blink_piece(self, rect: Rect, data: memoryview, header: Header) -> Piece:
        if header.keyframe or rect.w * rect.h > MAX_BLINK_PIXELS:
            raise ProtocolError("screen update: blink in a keyframe or too large")
        read = varint.Reader(data, "screen update blink")
        d0, d1, first = (read.uint(n, BLINK_MS[1]) for n in ("on", "off", "first"))
        if min(d0, d1) < BLINK_MS[0] or first > d0:
            raise ProtocolError("screen update: blink timing out of range")
        states = []
        for _ in range(2):
            encoding = read.u8("blink state encoding")
            span = _rect_data(read, encoding, last=False)
            states.append(self._pixels(rect, encoding, span))
        read.end()
        return Piece(rect, states[0], None, BlinkSpec((d0, d1), first, states[1]))

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
    if encoding == BLINK:
        start = read.offset
        for name in ("on", "off", "first"):
            read.uint(name, BLINK_MS[1])
        for _ in range(2):
            state = read.u8("blink state encoding")
            if state not in BLINK_STATES:
                raise ProtocolError("screen update: bad blink state encoding")
            _rect_data(read, state, last=False)
        return read.data[start : read.offset]
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
    source = copy_source(rect, data)
    if source.x + rect.w > header.width or source.y + rect.h > header.height:
        raise ProtocolError("screen update: copy source outside the frame")
    return Piece(rect, None, (source.x, source.y))
