"""The screen-update payload: rectangle encoders and a strict decoder.

One payload is one screen update (see docs/streaming.md)::

    header  u8 version=1 | u8 flags | u16 width | u16 height | u16 rect count
    rect    u16 x | u16 y | u16 w | u16 h | u8 encoding | u32 length | data[length]

All integers are big endian.  ``flags`` bit 0 is KEYFRAME (the update replaces
the whole framebuffer, possibly at a new size); other bits must be zero.

Encodings (pixels are BGR, row-major, top to bottom):

    0 FILL     3 bytes: one colour for the whole rectangle
    1 ZLIB     zlib(w*h*3 bytes of BGR, each byte minus the same channel of the pixel
               to its left, mod 256 -- PNG's "Sub" filter; the first column as is)
    2 PALETTE  u16 n (2..256) | n*3 bytes BGR palette | zlib(w*h u8 indices)
    3 JPEG     a baseline JPEG of exactly w x h pixels (lossy)
    4 COPY     u16 src_x | u16 src_y: the w x h pixels at (src_x, src_y) of the
               framebuffer as it was before this update (scrolling); not in keyframes

The decoder never trusts a size it has not checked: the frame is bounded, every
rectangle lies inside it, the rectangles together cover at most the frame's area,
and zlib output is capped at exactly the expected length.  Anything else raises
:class:`~cobrowse.errors.ProtocolError`.
"""

from __future__ import annotations

import struct
import zlib
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import simplejpeg

from cobrowse.errors import ProtocolError
from cobrowse.screen.diff import Frame, Rect

VERSION = 1
KEYFRAME = 0x01
FILL, ZLIB, PALETTE, JPEG, COPY = 0, 1, 2, 3, 4
NAMES = {FILL: "fill", ZLIB: "zlib", PALETTE: "palette", JPEG: "jpeg", COPY: "copy"}
MAX_SIDE = 8192
MAX_PIXELS = 8192 * 4320
"""Largest frame the decoder accepts: an 8K monitor (about 140 MB as BGRA)."""

_HEADER = struct.Struct(">BBHHH")
_RECT = struct.Struct(">HHHHBI")


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


# --- encoding ------------------------------------------------------------------------


def pack(
    width: int, height: int, rects: list[tuple[Rect, int, bytes]], *, keyframe: bool = False
) -> bytes:
    """Assemble a payload from already-encoded rectangles ``(rect, encoding, data)``."""
    parts = [_HEADER.pack(VERSION, KEYFRAME if keyframe else 0, width, height, len(rects))]
    for rect, encoding, data in rects:
        parts.append(_RECT.pack(*rect, encoding, len(data)))
        parts.append(data)
    return b"".join(parts)


def colors_over(region: Frame, limit: int) -> bool:
    """True if ``region`` has more than ``limit`` distinct colours."""
    flat = np.ascontiguousarray(region).view(np.uint32).ravel()
    runs = flat[np.concatenate(([True], flat[1:] != flat[:-1]))]
    return len(runs) > limit and len(np.unique(runs)) > limit


def encode_lossless(region: Frame, level: int = 6) -> tuple[int, bytes]:
    """Exact encoding of a BGRA region: FILL for one colour, PALETTE for up to 256,
    else filtered ZLIB (measured on the form page's photo banner: 16% smaller than
    unfiltered zlib and 10% smaller than a 16-bit palette)."""
    flat = np.ascontiguousarray(region).view(np.uint32).ravel()
    starts = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1])))
    runs = flat[starts]
    palette = np.unique(runs)
    if len(palette) == 1:
        return FILL, _bgr(palette).tobytes()
    if len(palette) > 256:
        bgr = np.ascontiguousarray(region[..., :3])
        filtered = bgr.copy()
        filtered[:, 1:] -= bgr[:, :-1]
        return ZLIB, zlib.compress(filtered.tobytes(), level)
    run_index = np.searchsorted(palette, runs)
    lengths = np.diff(np.append(starts, len(flat)))
    index = np.repeat(run_index.astype(np.uint8), lengths)
    head = struct.pack(">H", len(palette)) + _bgr(palette).tobytes()
    return PALETTE, head + zlib.compress(index.tobytes(), level)


def encode_jpeg(region: Frame, quality: int) -> tuple[int, bytes]:
    """Lossy encoding of a BGRA region (libjpeg-turbo, 4:2:0)."""
    data = simplejpeg.encode_jpeg(
        np.ascontiguousarray(region), quality=quality, colorspace="BGRA", colorsubsampling="420"
    )
    return JPEG, bytes(data)


def _bgr(colors: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    return colors.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :3]


# --- decoding ------------------------------------------------------------------------


def is_keyframe(payload: bytes) -> bool:
    """Whether ``payload`` claims to be a keyframe (header only; :func:`parse` checks it)."""
    return len(payload) >= 2 and bool(payload[1] & KEYFRAME)


def parse(payload: bytes, *, max_pixels: int = MAX_PIXELS) -> tuple[Header, list[Piece]]:
    """Check and decode a whole payload; raises :class:`ProtocolError` if anything is off."""
    if len(payload) < _HEADER.size:
        raise ProtocolError("screen update: truncated header")
    version, flags, width, height, count = _HEADER.unpack_from(payload)
    if version != VERSION:
        raise ProtocolError(f"screen update: unsupported version {version}")
    if flags & ~KEYFRAME:
        raise ProtocolError("screen update: unknown flags")
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE) or width * height > max_pixels:
        raise ProtocolError("screen update: frame size out of range")
    header = Header(bool(flags & KEYFRAME), width, height)
    pieces, offset, area = [], _HEADER.size, 0
    for _ in range(count):
        rect, encoding, data, offset = _next_rect(payload, offset, width, height)
        area += rect.w * rect.h
        if area > width * height:
            raise ProtocolError("screen update: rectangles cover more than the frame")
        if encoding == COPY:
            pieces.append(_copy_piece(rect, data, header))
        else:
            pieces.append(Piece(rect, _decode_rect(rect, encoding, data)))
    if offset != len(payload):
        raise ProtocolError("screen update: trailing bytes")
    return header, pieces


def _next_rect(
    payload: bytes, offset: int, width: int, height: int
) -> tuple[Rect, int, memoryview, int]:
    if offset + _RECT.size > len(payload):
        raise ProtocolError("screen update: truncated rectangle header")
    x, y, w, h, encoding, length = _RECT.unpack_from(payload, offset)
    offset += _RECT.size
    if w == 0 or h == 0 or x + w > width or y + h > height:
        raise ProtocolError("screen update: rectangle outside the frame")
    if offset + length > len(payload):
        raise ProtocolError("screen update: truncated rectangle data")
    data = memoryview(payload)[offset : offset + length]
    return Rect(x, y, w, h), encoding, data, offset + length


def encode_copy(src_x: int, src_y: int) -> tuple[int, bytes]:
    return COPY, struct.pack(">HH", src_x, src_y)


def _copy_piece(rect: Rect, data: memoryview, header: Header) -> Piece:
    if header.keyframe or len(data) != 4:
        raise ProtocolError("screen update: bad copy")
    sx, sy = struct.unpack(">HH", data)
    if sx + rect.w > header.width or sy + rect.h > header.height:
        raise ProtocolError("screen update: copy source outside the frame")
    return Piece(rect, None, (sx, sy))


def _decode_rect(rect: Rect, encoding: int, data: memoryview) -> npt.NDArray[np.uint32]:
    if encoding == FILL:
        if len(data) != 3:
            raise ProtocolError("screen update: bad fill")
        return np.broadcast_to(_u32(np.frombuffer(data, np.uint8).reshape(1, 3)), (rect.h, rect.w))
    if encoding == ZLIB:
        filtered = np.frombuffer(_inflate(data, rect.w * rect.h * 3), np.uint8)
        bgr = np.cumsum(filtered.reshape(rect.h, rect.w, 3), axis=1, dtype=np.uint8)
        return _u32(bgr.reshape(rect.h * rect.w, 3)).reshape(rect.h, rect.w)
    if encoding == PALETTE:
        return _decode_palette(rect, data)
    if encoding == JPEG:
        return _decode_jpeg(rect, data)
    raise ProtocolError(f"screen update: unknown encoding {encoding}")


def _u32(bgr: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint32]:
    """``(n, 3)`` BGR bytes -> ``(n,)`` uint32 BGRA with alpha 255."""
    bgra = np.full((bgr.shape[0], 4), 255, np.uint8)
    bgra[:, :3] = bgr
    return bgra.view("<u4")[:, 0].astype(np.uint32)


def _decode_palette(rect: Rect, data: memoryview) -> npt.NDArray[np.uint32]:
    if len(data) < 2:
        raise ProtocolError("screen update: truncated palette")
    (n,) = struct.unpack_from(">H", data)
    if not 2 <= n <= 256 or len(data) < 2 + 3 * n:
        raise ProtocolError("screen update: bad palette")
    palette = _u32(np.frombuffer(data[2 : 2 + 3 * n], np.uint8).reshape(n, 3))
    index = np.frombuffer(_inflate(data[2 + 3 * n :], rect.w * rect.h), np.uint8)
    if int(index.max()) >= n:
        raise ProtocolError("screen update: palette index out of range")
    return palette[index].reshape(rect.h, rect.w)


def _decode_jpeg(rect: Rect, data: memoryview) -> npt.NDArray[np.uint32]:
    try:
        h, w, _, _ = simplejpeg.decode_jpeg_header(data)
        if (w, h) != (rect.w, rect.h):
            raise ProtocolError("screen update: JPEG size does not match its rectangle")
        image = simplejpeg.decode_jpeg(data, colorspace="BGRA")
    except ProtocolError:
        raise
    except Exception as exc:  # the JPEG library's own errors (corrupt data)
        raise ProtocolError("screen update: corrupt JPEG") from exc
    pixels: npt.NDArray[np.uint8] = np.ascontiguousarray(image, np.uint8)
    if pixels.shape != (rect.h, rect.w, 4):
        raise ProtocolError("screen update: JPEG size does not match its rectangle")
    pixels[..., 3] = 255
    return pixels.view("<u4")[..., 0].astype(np.uint32, copy=False)


def _inflate(data: memoryview, size: int) -> bytes:
    """Decompress exactly ``size`` bytes; more, fewer or garbage is a ProtocolError."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, size + 1)
    except zlib.error as exc:
        raise ProtocolError("screen update: corrupt zlib data") from exc
    if len(out) != size or inflater.unconsumed_tail or not inflater.eof:
        raise ProtocolError("screen update: wrong decompressed size")
    if inflater.unused_data:
        raise ProtocolError("screen update: trailing compressed bytes")
    return out
