"""Scroll detection: find areas of the new frame that are the old frame moved up or down.

Scrolling a page dirties every tile of its body although nothing new is on screen
but a strip; a COPY rectangle ("these pixels are those old pixels, moved") costs
8 bytes instead of tens of kilobytes.  Detection works on 64-pixel column bands
of the dirty area: each band's rows get a 64-bit hash, a text-rich band votes for
the vertical shift, and every band then keeps its longest run of rows that match
at that shift (checked exactly, hashes only find candidates).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from cobrowse.screen.diff import Frame, Mask, Rect

BAND = 64
MIN_ROWS = 32
"""Shortest run of moved rows worth a COPY rectangle."""
MIN_VOTES = 8
MIN_TILES = 16
"""Look for scrolled areas only when at least this many tiles changed."""
MIN_SHARE = 0.12
"""... and at least this share of the changed rows must be found elsewhere: Chromium
scrolling its page, 16-24 %; its page change to a page sharing text, 3-9 % (moves
there would save 8 % of the bytes for 17 ms more encoding; bench/frames.py)."""
SAMPLE = 8
"""Column step of :func:`worth_looking`'s row hashes."""
_WEIGHTS = np.random.default_rng(0x5C0).integers(1, 2**63, 8192, dtype=np.uint64)


def worth_looking(ref: Frame, frame: Frame, dirty: Mask, tile: int) -> bool:
    """Cheap test before :func:`find_moves`: do at least ``MIN_VOTES`` and
    ``MIN_SHARE`` of the changed rows of the dirty area's new pixels equal some other
    row of its old pixels (each row hashed over every ``SAMPLE``-th pixel; rows that
    repeat, like blank ones, do not count)?  A page change or an animation is turned
    away in about a millisecond."""
    if int(dirty.sum()) < MIN_TILES:
        return False
    rows, cols = np.flatnonzero(dirty.any(axis=1)), np.flatnonzero(dirty.any(axis=0))
    y0, y1 = int(rows[0]) * tile, (int(rows[-1]) + 1) * tile
    x0, x1 = int(cols[0]) * tile, (int(cols[-1]) + 1) * tile
    old = ref.view(np.uint32)[y0:y1, x0:x1:SAMPLE, 0]
    new = frame.view(np.uint32)[y0:y1, x0:x1:SAMPLE, 0]
    weights = _WEIGHTS[: old.shape[1]]
    old_hash = (old.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    new_hash = (new.astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    values, counts = np.unique(old_hash, return_counts=True)
    moved = new_hash[new_hash != old_hash]
    found = int(np.isin(moved, values[counts == 1]).sum())
    return found >= max(MIN_VOTES, MIN_SHARE * len(moved))


def find_moves(ref: Frame, frame: Frame, dirty: Mask, tile: int) -> list[tuple[Rect, int]]:
    """``(destination rect, dy)`` pairs: ``frame[rect] == ref[rect shifted by dy]``."""
    rows, cols = np.flatnonzero(dirty.any(axis=1)), np.flatnonzero(dirty.any(axis=0))
    h, w = frame.shape[:2]
    y0, y1 = int(rows[0]) * tile, min(h, (int(rows[-1]) + 1) * tile)
    x0 = int(cols[0]) * tile
    bands = (min(w, (int(cols[-1]) + 1) * tile) - x0) // BAND
    if bands == 0 or y1 - y0 < 2 * MIN_ROWS:
        return []
    old = ref.view(np.uint32)[y0:y1, x0 : x0 + bands * BAND, 0]
    new = frame.view(np.uint32)[y0:y1, x0 : x0 + bands * BAND, 0]
    old_hash, new_hash = _row_hashes(old, bands), _row_hashes(new, bands)
    dy = _vote(old_hash, new_hash)
    if dy is None:
        return []
    moves = []
    for b in range(bands):
        run = _longest_match(
            old[:, b * BAND : (b + 1) * BAND], new[:, b * BAND : (b + 1) * BAND], dy
        )
        if run is not None:
            moves.append((Rect(x0 + b * BAND, y0 + run[0], BAND, run[1] - run[0]), dy))
    return _merge_bands(moves)


def _row_hashes(pixels: npt.NDArray[np.uint32], bands: int) -> npt.NDArray[np.uint64]:
    """One hash per row and band over every 4th pixel (candidates only: matches are
    verified on every pixel by :func:`_longest_match`)."""
    blocks = pixels.reshape(pixels.shape[0], bands, BAND)[:, :, ::4].astype(np.uint64)
    weights = _WEIGHTS[: BAND // 4]
    hashed: npt.NDArray[np.uint64] = (blocks * weights).sum(axis=2, dtype=np.uint64)
    return hashed


def _vote(old: npt.NDArray[np.uint64], new: npt.NDArray[np.uint64], voters: int = 4) -> int | None:
    """The shift most rows of the most varied bands agree on (0 excluded)."""
    variety = [len(np.unique(new[:, b])) for b in range(new.shape[1])]
    votes: dict[int, int] = {}
    for band in np.argsort(variety)[::-1][:voters].tolist():
        positions: dict[int, int] = {}
        for y, key in enumerate(old[:, band].tolist()):
            positions[key] = -1 if key in positions else y  # -1: not unique
        for y, key in enumerate(new[:, band].tolist()):
            src = positions.get(key, -1)
            if src >= 0 and src != y:
                votes[src - y] = votes.get(src - y, 0) + 1
    if not votes:
        return None
    dy, count = max(votes.items(), key=lambda item: item[1])
    return dy if count >= MIN_VOTES else None


def _longest_match(
    old: npt.NDArray[np.uint32], new: npt.NDArray[np.uint32], dy: int
) -> tuple[int, int] | None:
    """Longest run ``[start, stop)`` of rows y with ``new[y] == old[y + dy]``."""
    n = old.shape[0]
    lo, hi = max(0, -dy), min(n, n - dy)
    if hi - lo < MIN_ROWS:
        return None
    same = (new[lo:hi] == old[lo + dy : hi + dy]).all(axis=1)
    padded = np.concatenate(([False], same, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    starts, stops = edges[::2], edges[1::2]
    if len(starts) == 0:
        return None
    best = int(np.argmax(stops - starts))
    if stops[best] - starts[best] < MIN_ROWS:
        return None
    return lo + int(starts[best]), lo + int(stops[best])


def _merge_bands(moves: list[tuple[Rect, int]]) -> list[tuple[Rect, int]]:
    """Join neighbouring bands that moved the same rows into one rectangle."""
    merged: list[tuple[Rect, int]] = []
    for rect, dy in moves:
        if merged:
            last, last_dy = merged[-1]
            if (last.y, last.h, last_dy) == (rect.y, rect.h, dy) and last.x + last.w == rect.x:
                merged[-1] = (Rect(last.x, last.y, last.w + rect.w, last.h), dy)
                continue
        merged.append((rect, dy))
    return merged
