"""Rectangle encodings of a screen update and the two persistent deflate streams.

Like VNC's ZRLE and Tight, compressed rectangles are not zlib'd one by one: each
connection keeps deflate streams whose history spans updates, so a typed letter's
palette and the glyph shapes already sent compress to a few bytes.  Each
compressed rectangle is one *segment* of a stream: the deflate output up to a
sync flush, without the flush's constant ``00 00 ff ff`` tail (the decoder puts it
back; permessage-deflate does the same).  Two streams, because the content differs:

* ``TEXT`` (level 6, default strategy): palette indices of text and UI.
* ``PHOTO`` (level 1, run-length strategy): prediction residuals of areas with more
  than 256 colours.  On the Chromium bench's photo banner LZ77 matching finds
  nothing in sensor grain; Z_RLE is within 2% of the best deflate output at a tenth
  of level 6's time (see docs/streaming.md).

Both ends reset both streams on every keyframe; a lost or corrupt segment leaves
the decoder unusable until the next keyframe (see :class:`Inflaters`).

Encodings (pixels are BGR; ``seg(S, n)``: a segment of stream S inflating to
exactly n bytes):

    0 FILL     3 bytes BGR
    1 GRAD     seg(PHOTO, 3*w*h): planes B-G, G, R-G (mod 256), each as residuals of
               the gradient predictor left + up - up-left (0 outside the rectangle)
    2 PALETTE  u8 n-1 (n = 2..256) | seg(TEXT, 3*n + w*h): the n colours as planes
               G, B-G, R-G (mod 256) of n bytes each, every byte minus the one before
               it in its plane; then one index byte per pixel
    3 JPEG     a baseline JPEG of exactly w x h pixels (lossy)
    4 COPY     varint src_x | varint src_y: the w x h pixels at that corner of the
               framebuffer as it was before this update (scrolling)
    5 PLANES   seg(TEXT, 3*w*h): planes B-G, G, R-G (mod 256), no prediction (small
               anti-aliased text: grey glyphs are one plane and two of zeros)
    6 CACHED   varint slot: the pixels of a small PALETTE, PLANES or GREY rectangle
               sent before (see :mod:`cobrowse.screen.rectcache`)
    7 GREY     seg(TEXT, w*h): 255 - the grey level of each pixel (B = G = R): grey
               anti-aliased text without PLANES' two planes of zeros
"""

from __future__ import annotations

import zlib

import numpy as np
import numpy.typing as npt
import simplejpeg

from cobrowse import varint
from cobrowse.errors import ProtocolError
from cobrowse.screen.diff import Frame, Rect

FILL, GRAD, PALETTE, JPEG, COPY, PLANES, CACHED, GREY = 0, 1, 2, 3, 4, 5, 6, 7
CACHEABLE = frozenset({PALETTE, PLANES, GREY})
"""Encodings whose small rectangles enter the rectangle cache (both sides)."""
NAMES = {
    FILL: "fill",
    GRAD: "grad",
    PALETTE: "palette",
    JPEG: "jpeg",
    COPY: "copy",
    PLANES: "planes",
    CACHED: "cached",
    GREY: "grey",
}
TRY_PLANES = 64 * 64
"""Rectangles up to this many pixels with <= 256 colours are compressed both as
PALETTE and as PLANES, and the shorter is sent: a typed letter's ~50 greys cost more
as a palette than as plain planes (23% on the Chromium bench's typing)."""
TEXT, PHOTO = 0, 1
_SYNC = b"\x00\x00\xff\xff"
_STREAMS = {TEXT: (6, zlib.Z_DEFAULT_STRATEGY), PHOTO: (1, zlib.Z_RLE)}

Pixels = npt.NDArray[np.uint32]


class Deflaters:
    """The encoder's streams; :meth:`reset` on every keyframe."""

    def __init__(self) -> None:
        self._streams: dict[int, zlib._Compress] = {}
        self.reset()

    def reset(self) -> None:
        self._streams = {
            s: zlib.compressobj(level, zlib.DEFLATED, 15, 9, strategy)
            for s, (level, strategy) in _STREAMS.items()
        }

    def segment(self, stream: int, data: bytes) -> bytes:
        return self.smallest(stream, [data])[1]

    def smallest(self, stream: int, choices: list[bytes]) -> tuple[int, bytes]:
        """Compress each choice on a copy of the stream; keep the shortest segment
        (and the stream state that made it).  Returns its index and the segment."""
        best: tuple[int, bytes, zlib._Compress] | None = None
        for i, data in enumerate(choices):
            z = self._streams[stream].copy() if len(choices) > 1 else self._streams[stream]
            out = z.compress(data) + z.flush(zlib.Z_SYNC_FLUSH)
            assert out.endswith(_SYNC)
            if best is None or len(out) < len(best[1]):
                best = (i, out[:-4], z)
        assert best is not None
        self._streams[stream] = best[2]
        return best[0], best[1]


class Inflaters:
    """The decoder's streams.  After any error :attr:`broken` stays True until
    :meth:`reset` (a keyframe): the stream history is no longer the sender's."""

    def __init__(self) -> None:
        self._streams: dict[int, zlib._Decompress] = {}
        self.broken = False
        self.reset()

    def reset(self) -> None:
        self._streams = {s: zlib.decompressobj() for s in _STREAMS}
        self.broken = False

    def segment(self, stream: int, data: memoryview, size: int) -> bytes:
        """Inflate exactly ``size`` bytes; more, fewer or garbage is a ProtocolError."""
        z = self._streams[stream]
        self.broken = True  # until proven otherwise
        try:
            out = z.decompress(bytes(data) + _SYNC, size + 1)
        except zlib.error as exc:
            raise ProtocolError("screen update: corrupt compressed data") from exc
        if len(out) != size or z.unconsumed_tail or z.eof:
            raise ProtocolError("screen update: wrong decompressed size")
        self.broken = False
        return out


# --- encoding ------------------------------------------------------------------------


def colors_over(region: Frame, limit: int) -> bool:
    """True if ``region`` has more than ``limit`` distinct colours."""
    flat = np.ascontiguousarray(region).view(np.uint32).ravel()
    runs = flat[np.concatenate(([True], flat[1:] != flat[:-1]))]
    if len(runs) <= limit:
        return False
    for size in (16 * limit, 256 * limit):  # a photo answers on a prefix already
        if len(runs) > size and len(np.unique(runs[:size])) > limit:
            return True
    return len(np.unique(runs)) > limit


def encode_lossless(
    region: Frame, streams: Deflaters | None = None, *, photo: bool = False
) -> tuple[int, bytes]:
    """Exact encoding of a BGRA region: FILL for one colour, PALETTE for up to 256,
    else GRAD (at once if the caller knows it is a photo: no colour count).
    Without ``streams``, fresh ones: the rectangle decodes first in a keyframe."""
    streams = streams or Deflaters()
    if photo:
        return GRAD, streams.segment(PHOTO, _residuals(region))
    flat = np.ascontiguousarray(region).view(np.uint32).ravel()
    starts = np.flatnonzero(np.concatenate(([True], flat[1:] != flat[:-1])))
    runs = flat[starts]
    palette = np.unique(runs)
    if len(palette) == 1:
        return FILL, _bgr(palette).tobytes()
    if len(palette) > 256:
        return GRAD, streams.segment(PHOTO, _residuals(region))
    run_index = np.searchsorted(palette, runs).astype(np.uint8)
    index = np.repeat(run_index, np.diff(np.append(starts, len(flat))))
    data = _palette_planes(palette) + index.tobytes()
    if len(flat) > TRY_PLANES:
        return PALETTE, bytes([len(palette) - 1]) + streams.segment(TEXT, data)
    choices = [data, _planes(region).tobytes()]
    if _is_grey(region):
        choices.append((255 - region[..., 1]).tobytes())
    which, seg = streams.smallest(TEXT, choices)
    if which == 0:
        return PALETTE, bytes([len(palette) - 1]) + seg
    return (PLANES if which == 1 else GREY), seg


def _is_grey(region: Frame) -> bool:
    """B = G = R everywhere (grey anti-aliased text on white)."""
    g = region[..., 1]
    return bool((region[..., 0] == g).all() and (region[..., 2] == g).all())


def _planes(region: Frame) -> npt.NDArray[np.uint8]:
    """Planes B-G, G, R-G (mod 256) of a BGRA region."""
    # a copy always: for a 1x1 region the transposed view already counts as
    # contiguous, and ascontiguousarray would hand back (and we would modify) the frame
    planes = np.array(region[..., :3].transpose(2, 0, 1), order="C")
    planes[0] -= planes[1]
    planes[2] -= planes[1]
    return planes


def _residuals(region: Frame) -> bytes:
    planes = _planes(region)
    res = planes.copy()
    res[:, :, 1:] -= planes[:, :, :-1]
    res[:, 1:] -= res[:, :-1].copy()
    return res.tobytes()


def _palette_planes(palette: npt.NDArray[np.uint32]) -> bytes:
    """Planes G, B-G, R-G of the (sorted) palette, each entry minus the one before:
    a grey text palette becomes small steps and two runs of zeros."""
    planes = np.ascontiguousarray(_bgr(palette).T)  # B, G, R rows
    planes[0] -= planes[1]
    planes[2] -= planes[1]
    planes = planes[[1, 0, 2]]
    planes[:, 1:] -= planes[:, :-1].copy()
    return planes.tobytes()


def encode_jpeg(region: Frame, quality: int) -> tuple[int, bytes]:
    """Lossy encoding of a BGRA region (libjpeg-turbo, 4:2:0)."""
    data = simplejpeg.encode_jpeg(
        np.ascontiguousarray(region), quality=quality, colorspace="BGRA", colorsubsampling="420"
    )
    return JPEG, bytes(data)


def encode_copy(src_x: int, src_y: int) -> tuple[int, bytes]:
    return COPY, varint.uint(src_x) + varint.uint(src_y)


def _bgr(colors: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint8]:
    return colors.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :3]


# --- decoding ------------------------------------------------------------------------


def decode(rect: Rect, encoding: int, data: memoryview, streams: Inflaters) -> Pixels:
    """``(h, w)`` uint32 BGRA pixels (alpha 255) of one non-COPY rectangle."""
    if encoding == FILL:
        if len(data) != 3:
            raise ProtocolError("screen update: bad fill")
        return np.broadcast_to(_u32(np.frombuffer(data, np.uint8).reshape(1, 3)), (rect.h, rect.w))
    if encoding == GRAD:
        return _decode_grad(rect, streams.segment(PHOTO, data, 3 * rect.w * rect.h))
    if encoding == PALETTE:
        return _decode_palette(rect, data, streams)
    if encoding == PLANES:
        raw = streams.segment(TEXT, data, 3 * rect.w * rect.h)
        planes = np.frombuffer(raw, np.uint8).reshape(3, rect.h, rect.w).copy()
        return _from_planes(planes, rect)
    if encoding == JPEG:
        return _decode_jpeg(rect, data)
    if encoding == GREY:
        level = 255 - np.frombuffer(streams.segment(TEXT, data, rect.w * rect.h), np.uint8)
        return _u32(np.repeat(level[:, None], 3, axis=1)).reshape(rect.h, rect.w)
    raise ProtocolError(f"screen update: unknown encoding {encoding}")


def _decode_grad(rect: Rect, raw: bytes) -> Pixels:
    """Undo the gradient predictor: a running sum along each row, then down the
    columns.  The column sum adds one row to the next (one vectorised add per row):
    numpy's ``cumsum`` along a non-last axis is ~6x slower for a 1920x360 banner."""
    res = np.frombuffer(raw, np.uint8).reshape(3, rect.h, rect.w)
    planes = np.cumsum(res, axis=2, dtype=np.uint8)
    for y in range(1, rect.h):
        np.add(planes[:, y], planes[:, y - 1], out=planes[:, y])
    return _from_planes(planes, rect)


def _from_planes(planes: npt.NDArray[np.uint8], rect: Rect) -> Pixels:
    """Planes B-G, G, R-G (modified in place) -> ``(h, w)`` BGRA pixels, written
    straight into the BGRA layout (no transposed temporary)."""
    planes[0] += planes[1]
    planes[2] += planes[1]
    bgra = np.empty((rect.h, rect.w, 4), np.uint8)
    for i in range(3):
        bgra[..., i] = planes[i]
    bgra[..., 3] = 255
    return bgra.view("<u4")[..., 0]


def _decode_palette(rect: Rect, data: memoryview, streams: Inflaters) -> Pixels:
    if len(data) < 1 or data[0] == 0:
        raise ProtocolError("screen update: bad palette")
    n = data[0] + 1
    raw = streams.segment(TEXT, data[1:], 3 * n + rect.w * rect.h)
    g, b, r = np.cumsum(np.frombuffer(raw, np.uint8, 3 * n).reshape(3, n), axis=1, dtype=np.uint8)
    palette = _u32(np.stack([b + g, g, r + g], axis=1))
    index = np.frombuffer(raw, np.uint8, offset=3 * n)
    if int(index.max()) >= n:
        raise ProtocolError("screen update: palette index out of range")
    return palette[index].reshape(rect.h, rect.w)


def _decode_jpeg(rect: Rect, data: memoryview) -> Pixels:
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


def _u32(bgr: npt.NDArray[np.uint8]) -> Pixels:
    """``(n, 3)`` BGR bytes -> ``(n,)`` uint32 BGRA with alpha 255."""
    bgra = np.full((bgr.shape[0], 4), 255, np.uint8)
    bgra[:, :3] = bgr
    return bgra.view("<u4")[:, 0].astype(np.uint32)
