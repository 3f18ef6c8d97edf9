"""Citizen side: turn successive captured frames into screen-update payloads.

:class:`FrameEncoder` keeps the last frame it encoded (what the agent will hold
once every sent payload is applied), finds the dirty tiles, sends few-colour
tiles losslessly and photo-like tiles as JPEG, and remembers which tiles are
only approximately right on the agent's side.  Once such a tile has stayed
unchanged for ``refresh_after`` encodes it is re-sent losslessly, a budget of
tiles per update at a time, so the agent's picture converges to pixel-exact.

Not thread-safe: one capture thread owns an encoder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cobrowse.screen import codec
from cobrowse.screen.diff import TILE, Frame, Mask, Rect, dirty_tiles, merge_tiles, tile_grid
from cobrowse.screen.scroll import find_moves

SCROLL_MIN_TILES = 16
"""Look for scrolled areas only when at least this many tiles changed."""
EXACT = -1
"""Value in the lossy-age grid for tiles the agent holds exactly."""


@dataclass
class EncodeStats:
    """What the last :meth:`FrameEncoder.encode` did (for benchmarks and logs)."""

    dirty_tiles: int = 0
    jpeg_tiles: int = 0
    refresh_tiles: int = 0
    payload_bytes: int = 0


class FrameEncoder:
    """Stateful encoder; ``quality`` may be changed between calls (flow control does)."""

    def __init__(
        self,
        *,
        quality: int = 75,
        max_lossless_colors: int = 256,
        refresh_after: int = 5,
        refresh_tiles: int = 48,
        zlib_level: int = 6,
        tile: int = TILE,
    ) -> None:
        self.quality = quality
        self.max_lossless_colors = max_lossless_colors
        self.refresh_after = refresh_after
        self.refresh_tiles = refresh_tiles
        self.zlib_level = zlib_level
        self.tile = tile
        self.stats = EncodeStats()
        self._reference: Frame | None = None
        self._lossy_age: npt.NDArray[np.int32] = np.zeros((0, 0), np.int32)
        self._force_keyframe = True

    def request_keyframe(self) -> None:
        """Make the next :meth:`encode` send the whole frame (new viewer, resync)."""
        self._force_keyframe = True

    @property
    def refresh_pending(self) -> bool:
        """True while some tiles on the agent's side are still lossy."""
        return bool((self._lossy_age != EXACT).any())

    def encode(
        self, frame: Frame, dirty: Sequence[tuple[int, int, int, int]] | None = None
    ) -> bytes | None:
        """Payload that brings the agent from the previous frame to ``frame``, or None
        when there is nothing to send (unchanged and no refresh due).

        ``frame`` is a ``(height, width, 4)`` uint8 BGRA array; the encoder keeps it
        (the caller must not modify it afterwards).  ``dirty``, if given, lists the
        ``(x, y, w, h)`` rectangles outside which ``frame`` equals the previous one
        (a hint from the capture's damage; not used yet).
        """
        return self._encode(frame)

    def _encode(self, frame: Frame) -> bytes | None:
        height, width = frame.shape[:2]
        ref = self._reference
        keyframe = self._force_keyframe or ref is None or ref.shape != frame.shape
        if keyframe:
            dirty = np.ones(tile_grid(height, width, self.tile), np.bool_)
            self._lossy_age = np.full(dirty.shape, EXACT, np.int32)
        else:
            assert ref is not None
            dirty = dirty_tiles(ref, frame, self.tile)
        moves: list[tuple[Rect, bytes]] = []
        if not keyframe and int(dirty.sum()) >= SCROLL_MIN_TILES:
            assert ref is not None
            ref, moves = self._apply_moves(ref, frame, dirty)
            if moves:
                dirty = dirty_tiles(ref, frame, self.tile)
        refresh = self._due_for_refresh(dirty) if not dirty.any() else np.zeros_like(dirty)
        self.stats = EncodeStats(int(dirty.sum()), 0, int(refresh.sum()), 0)
        if not keyframe and not dirty.any() and not refresh.any() and not moves:
            self._lossy_age[self._lossy_age != EXACT] += 1
            return None
        photo = self._photo_tiles(frame, dirty)
        if photo.any() and not keyframe:
            assert ref is not None
            photo = self._demote(ref, frame, photo)
        shrink = None if keyframe or ref is None else ref
        rects = [(rect, codec.COPY, data) for rect, data in moves]
        rects += self._encode_rects(frame, dirty & ~photo | refresh, photo, shrink)
        self._track(dirty, photo, refresh)
        self._reference, self._force_keyframe = frame, False
        payload = codec.pack(width, height, rects, keyframe=keyframe)
        self.stats.jpeg_tiles, self.stats.payload_bytes = int(photo.sum()), len(payload)
        return payload

    def _apply_moves(
        self, ref: Frame, frame: Frame, dirty: Mask
    ) -> tuple[Frame, list[tuple[Rect, bytes]]]:
        """Scrolled areas as COPY rectangles, and the reference with them applied.
        Only exact-to-exact moves are used, so lossy tracking stays per tile."""
        moves, moved = [], None
        for rect, dy in find_moves(ref, frame, dirty, self.tile):
            src = Rect(rect.x, rect.y + dy, rect.w, rect.h)
            if not (self._all_exact(rect) and self._all_exact(src)):
                continue
            if moved is None:
                moved = ref.copy()
            moved[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = ref[
                src.y : src.y + src.h, src.x : src.x + src.w
            ]
            moves.append((rect, codec.encode_copy(src.x, src.y)[1]))
        return (ref if moved is None else moved), moves

    def _due_for_refresh(self, dirty: Mask) -> Mask:
        """Lossy tiles that stayed unchanged long enough, at most ``refresh_tiles``."""
        age = self._lossy_age
        due = (age >= self.refresh_after) & ~dirty
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
        """Dirty tiles with more distinct colours than ``max_lossless_colors``."""
        photo = np.zeros_like(dirty)
        index = np.flatnonzero(dirty)
        if len(index) == 0:
            return photo
        tiles = _tiles_u32(frame, self.tile)[index // dirty.shape[1], index % dirty.shape[1]]
        flat = np.sort(tiles.reshape(len(index), -1), axis=1)
        colors = (flat[:, 1:] != flat[:, :-1]).sum(axis=1) + 1
        photo.flat[index] = colors > self.max_lossless_colors
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
            if not codec.colors_over(region, self.max_lossless_colors):
                photo[self._cells(rect)] = False
        return photo

    def _encode_rects(
        self, frame: Frame, lossless: Mask, photo: Mask, ref: Frame | None
    ) -> list[tuple[Rect, int, bytes]]:
        h, w = frame.shape[:2]
        out: list[tuple[Rect, int, bytes]] = []
        for rect in merge_tiles(lossless, h, w, self.tile):
            if ref is not None and self._all_exact(rect):
                rect = _changed_box(ref, frame, rect)
            for band in self._bands(frame, rect):
                region = frame[band.y : band.y + band.h, band.x : band.x + band.w]
                out.append((band, *codec.encode_lossless(region, self.zlib_level)))
        for rect in merge_tiles(photo, h, w, self.tile):
            region = frame[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
            out.append((rect, *codec.encode_jpeg(region, self.quality)))
        return out

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
        """``rect`` itself, or its tile rows when it has more than 256 colours: UI
        text rarely has that many colours within one row, so each band can use the
        compact palette encoding instead of filtered zlib."""
        region = frame[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
        if rect.h <= self.tile or not codec.colors_over(region, 256):
            return [rect]
        return [
            Rect(rect.x, y, rect.w, min(self.tile, rect.y + rect.h - y))
            for y in range(rect.y, rect.y + rect.h, self.tile)
        ]


def _changed_box(ref: Frame, frame: Frame, rect: Rect) -> Rect:
    """Bounding box of the pixels that changed inside ``rect`` (a blinking caret or a
    typed letter is a few hundred pixels of a 64x64 tile)."""
    sl = (slice(rect.y, rect.y + rect.h), slice(rect.x, rect.x + rect.w))
    changed = ref.view(np.uint32)[..., 0][sl] != frame.view(np.uint32)[..., 0][sl]
    rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
    if len(rows) == 0:
        return rect  # only a lossless refresh of an unchanged area
    return Rect(
        rect.x + int(cols[0]),
        rect.y + int(rows[0]),
        int(cols[-1] - cols[0]) + 1,
        int(rows[-1] - rows[0]) + 1,
    )


def _tiles_u32(frame: Frame, tile: int) -> npt.NDArray[np.uint32]:
    """``(rows, cols, tile, tile)`` uint32 view of ``frame``; edge tiles padded by
    repeating their last row/column (which adds no new colour)."""
    pixels = np.ascontiguousarray(frame).view(np.uint32)[..., 0]
    h, w = pixels.shape
    rows, cols = tile_grid(h, w, tile)
    if (rows * tile, cols * tile) != (h, w):
        pixels = np.pad(pixels, ((0, rows * tile - h), (0, cols * tile - w)), mode="edge")
    return pixels.reshape(rows, tile, cols, tile).swapaxes(1, 2)
