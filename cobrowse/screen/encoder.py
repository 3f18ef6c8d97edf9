"""Citizen side: turn successive captured frames into screen-update payloads.

:class:`FrameEncoder` keeps its own copy of the screen as the agent will hold it
once every sent payload is applied, finds the dirty tiles - everywhere, or only
inside the damage rectangles the capture passes in - and sends the exact bounding
box of the changed pixels of few-colour areas losslessly.  Photo-like tiles go
losslessly too (GRAD, see :mod:`cobrowse.screen.rects`) while the link is good and
they are not changing update after update; otherwise as JPEG, remembered as only
approximately right on the agent's side and re-sent losslessly once unchanged for
``refresh_after`` encodes, so the agent's picture converges to pixel-exact.
Compressed rectangles share the connection's deflate streams; a keyframe restarts
them.  A big update can go out in several payloads as it is encoded (``emit``): the
lossy first pass of new photos first, then the rest in stretches of about
:data:`EMIT_PIXELS`, so the agent decodes and shows one while the next is encoded.

Not thread-safe: one capture thread owns an encoder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt

from cobrowse.screen import codec, rects, scroll
from cobrowse.screen.diff import (
    TILE,
    Frame,
    Mask,
    Rect,
    as_u32,
    dirty_tiles,
    dirty_tiles_in,
    merge_tiles,
    tile_grid,
)
from cobrowse.screen.rectcache import MAX_PIXELS as MAX_CACHED
from cobrowse.screen.rectcache import EncoderCache, cacheable

DirtyHint = Sequence[tuple[int, int, int, int]]
Part = tuple[Rect, int, bytes]
"""One encoded rectangle: where, encoding id, data."""
HOLD_REFRESH = 16
"""No lossless refresh in an update with this many dirty tiles (a scroll, a page
loading, a video): what moves now would make the refresh wasted bytes."""
EXACT = -1
"""Value in the lossy-age grid for tiles the agent holds exactly."""
JPEG_FIRST_TILES = 96
"""A photo area of at least this many tiles changing at once (a page change brings
a new banner) goes as JPEG first even on a good link, then losslessly: JPEG costs
~4 ms to encode and ~5 ms to decode for a 1920x360 banner, GRAD ~25 and ~20 ms plus
four times the bytes, all of it before the agent sees the new page."""
FIRST_QUALITY = 50
"""JPEG quality of a new banner's first pass on a good link (the exact refresh
follows a few frames later): on the Chromium bench's banner 41 kB at 36.8 dB PSNR
against 72 kB at 38.5 dB for quality 75 - fewer bytes to send and decode before the
agent sees the new page.  On a slow link the flow controller's quality applies."""
EMIT_PIXELS = 1920 * 128
"""With ``emit``, encoded rectangles of at least this many pixels together go out as
a payload of their own before the rest of the update is encoded (a page change: the
JPEG banner, then the page's text in a few stretches; a typed letter never splits)."""
Emit = Callable[[bytes], None]


@dataclass
class EncodeStats:
    """What the last :meth:`FrameEncoder.encode` did (for benchmarks and logs)."""

    dirty_tiles: int = 0
    jpeg_tiles: int = 0
    refresh_tiles: int = 0
    payload_bytes: int = 0
    moves: int = 0
    payloads: int = 0
    """Payloads the update went out in (more than 1: the first ones through ``emit``)."""


Job = tuple[Rect, Callable[[], tuple[int, bytes]]]
"""A rectangle of an update and how to encode it (run in payload order)."""


class _Stretches:
    """Encode the jobs of one update in order, handing finished stretches to ``emit``
    as payloads of their own: the first pass (scroll moves and JPEG) at once, then
    every :data:`EMIT_PIXELS`.  All jobs are planned before any runs, so a stretch
    goes out the moment it is complete and the last payload is never empty; without
    ``emit`` everything stays for the one payload at the end."""

    def __init__(self, width: int, height: int, emit: Emit | None) -> None:
        self.size, self.emit = (width, height), emit
        self.parts: list[Part] = []
        self.pending: list[Part] = []
        self.emitted: list[int] = []  # sizes of the payloads already handed over

    def first(self, jobs: list[Job], *, more: bool) -> None:
        """Encode a first pass (moves, then JPEG); it goes out at once if ``more``
        jobs will follow."""
        parts = [(rect, *make()) for rect, make in jobs]
        self.parts += parts
        self.pending += parts
        if more and parts:
            self._flush()

    def rest(self, jobs: list[Job]) -> None:
        """Encode ``jobs``, cutting a stretch every :data:`EMIT_PIXELS`."""
        area = 0
        for i, (rect, make) in enumerate(jobs):
            part = (rect, *make())
            self.parts.append(part)
            self.pending.append(part)
            area += rect.w * rect.h
            if i + 1 < len(jobs) and area >= EMIT_PIXELS:
                self._flush()
                area = 0

    def _flush(self) -> None:
        if self.emit is not None:
            payload = codec.pack(*self.size, self.pending)
            self.emitted.append(len(payload))
            self.emit(payload)
            self.pending = []


class FrameEncoder:
    """Stateful encoder; ``quality`` may be changed between calls (flow control does)."""

    def __init__(
        self,
        *,
        quality: int = 75,
        max_lossless_colors: int = 256,
        refresh_after: int = 2,
        refresh_tiles: int = 256,
        lossless_from: int = 75,
        jpeg_first_tiles: int = JPEG_FIRST_TILES,
        first_quality: int = FIRST_QUALITY,
        tile: int = TILE,
    ) -> None:
        self.quality = quality
        self.max_lossless_colors = max_lossless_colors
        self.refresh_after = refresh_after
        self.refresh_tiles = refresh_tiles
        self.lossless_from = lossless_from
        self.jpeg_first_tiles = jpeg_first_tiles
        self.first_quality = first_quality
        self.tile = tile
        self.stats = EncodeStats()
        self._reference: Frame | None = None
        self._lossy_age: npt.NDArray[np.int32] = np.zeros((0, 0), np.int32)
        self._last_dirty: Mask = np.zeros((0, 0), np.bool_)
        self._force_keyframe = True
        self._streams = rects.Deflaters()
        self._cache = EncoderCache()

    def request_keyframe(self) -> None:
        """Make the next :meth:`encode` send the whole frame and restart the deflate
        streams (new viewer, resume, resync)."""
        self._force_keyframe = True

    @property
    def refresh_pending(self) -> bool:
        """True while some tiles on the agent's side are still lossy: keep calling
        :meth:`encode` (``dirty=[]`` if nothing changed) so they get refreshed."""
        return bool((self._lossy_age != EXACT).any())

    def assume(self, rect: Rect, pixels: Frame) -> None:
        """The agent holds ``pixels`` in ``rect`` (it animates a blinking caret itself,
        :mod:`cobrowse.screen.blink`); pixels that match no capture (inverted) make the
        next compare covering ``rect`` send all of it."""
        if self._reference is not None:
            self._reference[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = pixels

    def exact(self, rect: Rect, region: Frame) -> tuple[int, bytes]:
        """A lossless ``(encoding, data)`` of ``region`` in the connection's streams
        and cache (a BLINK state); it must go first in the next payload."""
        return self._exact(rect, region)

    def encode(
        self,
        frame: Frame,
        dirty: DirtyHint | None = None,
        emit: Emit | None = None,
        *,
        extra: Sequence[Part] = (),
    ) -> bytes | None:
        """Payload that brings the agent from the previous frame to ``frame``, or None
        when there is nothing to send (unchanged and no refresh due).

        With ``emit``, a big update may hand its first parts to ``emit`` as payloads
        of their own while the rest is encoded (each a complete update, to be applied
        in order, before the returned one); the returned payload is the last part.
        Keyframes always come whole.

        ``frame`` is a ``(height, width, 4)`` uint8 BGRA array; the encoder copies what
        it sends into its own reference (the caller may reuse the buffer, e.g. XShm).
        ``dirty``, if given, lists ``(x, y, w, h)`` rectangles outside which ``frame``
        is known to equal the previous one (X damage): only those areas are compared.
        A change outside them is not lost, only unseen until a later compare covers it
        (the reference keeps the old pixels there).  ``extra`` rectangles (BLINK) go
        first in the update, which is then sent even if nothing else changed; a
        keyframe drops them.
        """
        ref = self._reference
        if self._force_keyframe or ref is None or ref.shape != frame.shape:
            return self._keyframe(frame)
        mask, moves = self._changes(ref, frame, dirty)
        refresh = self._due_for_refresh(mask)
        self.stats = EncodeStats(int(mask.sum()), 0, int(refresh.sum()), 0, len(moves))
        if not mask.any() and not refresh.any() and not moves and not extra:
            self._lossy_age[self._lossy_age != EXACT] += 1
            self._last_dirty[:] = False
            return None
        out = _Stretches(frame.shape[1], frame.shape[0], emit)
        # scroll moves first, before anything paints over their sources (and before
        # the photo test: the agent scrolls its picture meanwhile)
        # (a blinking caret's BLINK ahead of everything: its states are already encoded)
        first = [_done(part) for part in [*extra, *moves]]
        out.first(first, more=bool(mask.any() or refresh.any()))
        photo = self._photo_tiles(frame, mask)
        if photo.any():
            photo = self._demote(ref, frame, photo)
        jpeg = photo & ~self._calm(photo)
        exact, refresh_now = mask & ~photo, refresh | photo & ~jpeg
        # the lossy first pass next; the rest is planned only after that is out (its
        # bounding boxes take time)
        out.first(
            self._jpeg(frame, jpeg, self._first_quality(photo)),
            more=bool(exact.any() or refresh_now.any()),
        )
        out.rest(self._lossless(frame, exact, ref) + self._refresh(frame, refresh_now))
        self._track(mask, jpeg, refresh)
        return self._finish(frame, out.parts, keyframe=False, jpeg_tiles=int(jpeg.sum()), out=out)

    def _changes(
        self, ref: Frame, frame: Frame, dirty: DirtyHint | None
    ) -> tuple[Mask, list[Part]]:
        """The dirty tiles (inside ``dirty`` only, if given) and any scroll moves."""
        if dirty is None:
            mask = dirty_tiles(ref, frame, self.tile)
        else:
            mask = dirty_tiles_in(ref, frame, dirty, self.tile)
        if scroll.worth_looking(ref, frame, mask, self.tile):
            return self._moves(ref, frame, mask)
        return mask, []

    def _calm(self, photo: Mask) -> Mask:
        """Photo tiles worth sending losslessly at once: the link is good (flow control
        keeps ``quality`` at or above ``lossless_from``), they did not change in the
        previous update too (a video would) and there are fewer than
        ``jpeg_first_tiles`` of them (a new page's banner: first pixels fast, the
        refresh follows).  One exact pass costs fewer bytes than JPEG now and a
        lossless refresh later."""
        if self.quality < self.lossless_from or photo.sum() >= self.jpeg_first_tiles:
            return np.zeros_like(photo)
        calm: Mask = photo & ~self._last_dirty
        return calm

    def _first_quality(self, photo: Mask) -> int:
        """JPEG quality of this update: :attr:`first_quality` for a new banner's first
        pass on a good link (the exact refresh follows), else the flow controller's
        (a slow link; a video, which stays JPEG while it plays)."""
        first = self.quality >= self.lossless_from and photo.sum() >= self.jpeg_first_tiles
        return min(self.quality, self.first_quality) if first else self.quality

    def _keyframe(self, frame: Frame) -> bytes:
        self._streams.reset()
        self._cache.reset()
        everything = np.ones(tile_grid(frame.shape[0], frame.shape[1], self.tile), np.bool_)
        self._lossy_age = np.full(everything.shape, EXACT, np.int32)
        self.stats = EncodeStats(int(everything.sum()))
        self._last_dirty = np.zeros_like(everything)
        photo = self._photo_tiles(frame, everything)
        jpeg = photo & ~self._calm(photo)
        jobs = self._lossless(frame, ~photo, None) + self._refresh(frame, photo & ~jpeg)
        parts = [(rect, *make()) for rect, make in jobs + self._jpeg(frame, jpeg, self.quality)]
        self._track(everything, jpeg, np.zeros_like(photo))
        return self._finish(frame, parts, keyframe=True, jpeg_tiles=int(jpeg.sum()))

    def _finish(
        self,
        frame: Frame,
        parts: list[Part],
        *,
        keyframe: bool,
        jpeg_tiles: int,
        out: _Stretches | None = None,
    ) -> bytes:
        """Pack ``parts`` (those not yet emitted, with ``out``); the reference takes
        the pixels of every sent rectangle (all of ``frame`` for a keyframe), and
        they are this update's dirty tiles."""
        if keyframe or self._reference is None:
            self._reference = frame.copy()
        self._force_keyframe = False
        self._last_dirty = np.zeros_like(self._lossy_age, np.bool_)
        ref = self._reference
        for rect, _, _ in parts:
            if not keyframe:
                ref[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = frame[
                    rect.y : rect.y + rect.h, rect.x : rect.x + rect.w
                ]
                self._last_dirty[self._cells(rect)] = True
        last = parts if out is None else out.pending
        payload = codec.pack(frame.shape[1], frame.shape[0], last, keyframe=keyframe)
        emitted = out.emitted if out is not None else []
        self.stats.jpeg_tiles, self.stats.payload_bytes = jpeg_tiles, len(payload) + sum(emitted)
        self.stats.payloads = len(emitted) + 1
        return payload

    def _moves(self, ref: Frame, frame: Frame, dirty: Mask) -> tuple[Mask, list[Part]]:
        """Scrolled areas as COPY rectangles (exact-to-exact moves only, so lossy
        tracking stays per tile), and the dirty mask once they are applied: the
        pixels inside a move equal their source, so only changes outside the moves
        still count.  No copy of the frame is made."""
        moves = [
            (rect, dy)
            for rect, dy in scroll.find_moves(ref, frame, dirty, self.tile)
            if self._all_exact(rect) and self._all_exact(Rect(rect.x, rect.y + dy, rect.w, rect.h))
        ]
        if not moves:
            return dirty, []
        t, (h, w) = self.tile, frame.shape[:2]
        rows, cols = np.flatnonzero(dirty.any(axis=1)), np.flatnonzero(dirty.any(axis=0))
        y0, y1 = int(rows[0]) * t, min(h, (int(rows[-1]) + 1) * t)
        x0, x1 = int(cols[0]) * t, min(w, (int(cols[-1]) + 1) * t)
        changed = as_u32(ref)[y0:y1, x0:x1] != as_u32(frame)[y0:y1, x0:x1]
        for rect, _ in moves:
            changed[rect.y - y0 : rect.y + rect.h - y0, rect.x - x0 : rect.x + rect.w - x0] = False
        mask = np.zeros_like(dirty)
        cells = np.logical_or.reduceat(changed, np.arange(0, y1 - y0, t), axis=0)
        mask[y0 // t : -(-y1 // t), x0 // t : -(-x1 // t)] = np.logical_or.reduceat(
            cells, np.arange(0, x1 - x0, t), axis=1
        )
        parts = [(rect, *rects.encode_copy(rect.x, rect.y + dy)) for rect, dy in moves]
        return mask & dirty, parts

    def _due_for_refresh(self, dirty: Mask) -> Mask:
        """Lossy tiles that stayed unchanged long enough, at most ``refresh_tiles``
        (small changes elsewhere, a caret or a status bubble, do not hold them back)."""
        if dirty.sum() >= HOLD_REFRESH:
            return np.zeros_like(dirty)
        age = self._lossy_age
        due: Mask = (age != EXACT) & (age >= self.refresh_after - 1) & ~dirty
        if due.sum() > self.refresh_tiles:
            keep = np.flatnonzero(due)[: self.refresh_tiles]
            due = np.zeros_like(due)
            due.flat[keep] = True
        return due

    def _track(self, dirty: Mask, photo: Mask, refresh: Mask) -> None:
        age = self._lossy_age
        stale = (age != EXACT) & ~dirty
        age[stale] += 1
        age[dirty | refresh] = EXACT
        age[photo] = 0

    def _photo_tiles(self, frame: Frame, dirty: Mask) -> Mask:
        """Dirty tiles with more distinct colours than ``max_lossless_colors``,
        counted one tile row at a time (no copy or padding of the whole frame)."""
        photo: Mask = np.zeros_like(dirty)
        pixels, t = as_u32(frame), self.tile
        width = frame.shape[1]
        for r in np.flatnonzero(dirty.any(axis=1)).tolist():
            band = pixels[r * t : (r + 1) * t]
            for c0, c1 in _runs(dirty[r]):
                x1 = min(c1 * t, width)
                full = (x1 - c0 * t) // t
                tiles = band[:, c0 * t : c0 * t + full * t].reshape(len(band), full, t)
                flat = [tiles.transpose(1, 0, 2).reshape(full, -1)] if full else []
                if c0 * t + full * t < x1:  # the narrower last tile of the screen
                    flat.append(band[:, c0 * t + full * t : x1].reshape(1, -1))
                photo[r, c0:c1] = np.concatenate(
                    [_colors_over(f, self.max_lossless_colors) for f in flat]
                )
        return photo

    def _demote(self, ref: Frame, frame: Frame, photo: Mask) -> Mask:
        """Photo rectangles whose *changed* pixels are few-colour go lossless after all
        (text scrolled in under a photo shares tiles with it)."""
        h, w = frame.shape[:2]
        photo = photo.copy()
        for rect in merge_tiles(photo, h, w, self.tile):
            if not self._all_exact(rect):
                continue
            box = _changed_box(ref, frame, rect)
            region = frame[box.y : box.y + box.h, box.x : box.x + box.w]
            if not rects.colors_over(region, self.max_lossless_colors):
                photo[self._cells(rect)] = False
        return photo

    def _lossless(self, frame: Frame, mask: Mask, ref: Frame | None) -> list[Job]:
        """Exact bounding boxes of what changed in ``mask``'s rectangles (whole
        rectangles where the agent's tiles are still lossy or ``ref`` is None)."""
        jobs: list[Job] = []
        for rect in merge_tiles(mask, frame.shape[0], frame.shape[1], self.tile):
            if ref is not None and self._all_exact(rect):
                rect = _changed_box(ref, frame, rect)
            for band in self._bands(frame, rect):
                region = frame[band.y : band.y + band.h, band.x : band.x + band.w]
                jobs.append((band, partial(self._exact, band, region)))
        return jobs

    def _exact(self, rect: Rect, region: Frame) -> tuple[int, bytes]:
        """Lossless encoding of a text-like region, or a reference to the same pixels
        sent before (:mod:`cobrowse.screen.rectcache`)."""
        if rect.w * rect.h > MAX_CACHED:
            return rects.encode_lossless(region, self._streams)
        key = self._cache.key(region)
        slot = self._cache.find(key)
        if slot is not None:
            return rects.CACHED, slot
        encoding, data = rects.encode_lossless(region, self._streams)
        if cacheable(rect, encoding, rects.CACHEABLE):
            self._cache.insert(key)
        return encoding, data

    def _refresh(self, frame: Frame, refresh: Mask) -> list[Job]:
        """Lossy areas re-sent exactly; they were photo tiles, so GRAD straight away."""
        return [
            (rect, partial(rects.encode_lossless, _region(frame, rect), self._streams, photo=True))
            for rect in merge_tiles(refresh, frame.shape[0], frame.shape[1], self.tile)
        ]

    def _jpeg(self, frame: Frame, photo: Mask, quality: int) -> list[Job]:
        return [
            (rect, partial(rects.encode_jpeg, _region(frame, rect), quality))
            for rect in merge_tiles(photo, frame.shape[0], frame.shape[1], self.tile)
        ]

    def _cells(self, rect: Rect) -> tuple[slice, slice]:
        """The tiles ``rect`` touches, as a slice of the tile grid."""
        t = self.tile
        return (
            slice(rect.y // t, -(-(rect.y + rect.h) // t)),
            slice(rect.x // t, -(-(rect.x + rect.w) // t)),
        )

    def _all_exact(self, rect: Rect) -> bool:
        return bool((self._lossy_age[self._cells(rect)] == EXACT).all())

    def _bands(self, frame: Frame, rect: Rect) -> list[Rect]:
        """``rect`` itself, or its tile rows when it has more than 256 colours (UI
        text rarely has that many colours within one row, so each band can use the
        compact palette encoding instead of GRAD), or bands of about
        :data:`EMIT_PIXELS` when it is bigger (they can go out as they are encoded)."""
        if rect.h <= self.tile:
            return [rect]
        region = frame[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
        step = self.tile
        if not rects.colors_over(region, 256):
            step = max(self.tile, EMIT_PIXELS // rect.w // self.tile * self.tile)
        return [
            Rect(rect.x, y, rect.w, min(step, rect.y + rect.h - y))
            for y in range(rect.y, rect.y + rect.h, step)
        ]


PREFIX = 1024
"""Pixels of a tile sorted first by :func:`_colors_over`: a photo's grain shows more
than 256 colours in its first 16 rows already."""


def _colors_over(tiles: npt.NDArray[np.uint32], limit: int) -> Mask:
    """Per row of ``tiles`` (one tile's pixels each): more than ``limit`` distinct
    values?  Exact, but cheap for the common cases: a tile with at most ``limit``
    runs of equal pixels cannot have more colours (flat UI, no sort), and a photo
    answers on a sorted prefix; only the rest is sorted whole."""
    runs = (tiles[:, 1:] != tiles[:, :-1]).sum(axis=1) + 1
    over: Mask = np.zeros(len(tiles), np.bool_)
    undecided = np.flatnonzero(runs > limit)
    if len(undecided) and tiles.shape[1] > PREFIX:
        over[undecided] = _distinct(tiles[undecided, :PREFIX]) > limit
        undecided = undecided[~over[undecided]]
    if len(undecided):
        over[undecided] = _distinct(tiles[undecided]) > limit
    return over


def _distinct(rows: npt.NDArray[np.uint32]) -> npt.NDArray[np.intp]:
    flat = np.sort(rows, axis=1)
    counts: npt.NDArray[np.intp] = (flat[:, 1:] != flat[:, :-1]).sum(axis=1) + 1
    return counts


def _runs(row: Mask) -> list[tuple[int, int]]:
    """``(start, stop)`` of the runs of True in one mask row, left to right."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], row.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _region(frame: Frame, rect: Rect) -> Frame:
    return frame[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]


def _done(part: Part) -> Job:
    """An already encoded part (a COPY) as a job."""
    return part[0], lambda: (part[1], part[2])


def _changed_box(ref: Frame, frame: Frame, rect: Rect) -> Rect:
    """Bounding box of the pixels that changed inside ``rect`` (a blinking caret or a
    typed letter is a few hundred pixels of a 64x64 tile)."""
    sl = (slice(rect.y, rect.y + rect.h), slice(rect.x, rect.x + rect.w))
    changed = as_u32(ref)[sl] != as_u32(frame)[sl]
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if len(rows) == 0:
        return rect  # only a lossless refresh of an unchanged area
    return Rect(
        rect.x + int(cols[0]),
        rect.y + int(rows[0]),
        int(cols[-1] - cols[0]) + 1,
        int(rows[-1] - rows[0]) + 1,
    )
