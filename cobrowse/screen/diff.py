"""Change detection: which tiles of a frame differ from the previous one.

Frames are ``(height, width, 4)`` uint8 BGRA arrays; they are compared as
``(height, width)`` uint32 views, one comparison per pixel.  The result is a
boolean *tile mask* (one cell per ``TILE`` x ``TILE`` block, edge tiles may be
smaller), which :func:`merge_tiles` turns into a few rectangles.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

TILE = 64
"""Tile side in pixels.  64 keeps the mask small (510 tiles at 1920x1080) while a
typed character dirties one or two tiles (a few KB raw, a few hundred bytes coded)."""

Frame = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]


class Rect(NamedTuple):
    """A rectangle in pixels: left, top, width, height."""

    x: int
    y: int
    w: int
    h: int


def as_u32(frame: Frame) -> npt.NDArray[np.uint32]:
    """View a contiguous BGRA frame as one uint32 per pixel (no copy)."""
    return np.ascontiguousarray(frame).view(np.uint32)[..., 0]


def tile_grid(height: int, width: int, tile: int = TILE) -> tuple[int, int]:
    """Number of tile rows and columns covering a ``height`` x ``width`` frame."""
    return -(-height // tile), -(-width // tile)


def dirty_tiles(prev: Frame, cur: Frame, tile: int = TILE) -> Mask:
    """Mask of tiles where ``cur`` differs from ``prev`` (same shape required)."""
    if prev.shape != cur.shape:
        raise ValueError("frames differ in size; send a keyframe instead")
    h, w = prev.shape[:2]
    if w % 2 == 0 and tile % 2 == 0:  # two pixels per comparison: half the work
        old = np.ascontiguousarray(prev).reshape(h, -1).view(np.uint64)
        new = np.ascontiguousarray(cur).reshape(h, -1).view(np.uint64)
        changed, step = old != new, tile // 2
    else:
        changed, step = as_u32(prev) != as_u32(cur), tile
    rows = np.logical_or.reduceat(changed, np.arange(0, h, tile), axis=0)
    return np.logical_or.reduceat(rows, np.arange(0, changed.shape[1], step), axis=1)


def dirty_tiles_in(
    prev: Frame, cur: Frame, rects: Iterable[tuple[int, int, int, int]], tile: int = TILE
) -> Mask:
    """Like :func:`dirty_tiles`, comparing only inside ``rects`` ``(x, y, w, h)``
    (e.g. X damage): pixels outside them are taken as unchanged."""
    if prev.shape != cur.shape:
        raise ValueError("frames differ in size; send a keyframe instead")
    h, w = cur.shape[:2]
    mask = np.zeros(tile_grid(h, w, tile), np.bool_)
    old, new = as_u32(prev), as_u32(cur)
    for x, y, rw, rh in rects:
        x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + rw), min(h, y + rh)
        if x1 <= x0 or y1 <= y0:
            continue
        changed = old[y0:y1, x0:x1] != new[y0:y1, x0:x1]
        rows = np.logical_or.reduceat(changed, _cuts(y0, y1, tile), axis=0)
        cells = np.logical_or.reduceat(rows, _cuts(x0, x1, tile), axis=1)
        mask[y0 // tile : (y1 - 1) // tile + 1, x0 // tile : (x1 - 1) // tile + 1] |= cells
    return mask


def _cuts(start: int, stop: int, tile: int) -> npt.NDArray[np.intp]:
    """Offsets, relative to ``start``, where the tiles covering ``[start, stop)`` begin."""
    inner = np.arange((start // tile + 1) * tile, stop, tile) - start
    return np.concatenate(([0], inner)).astype(np.intp)


def merge_tiles(mask: Mask, height: int, width: int, tile: int = TILE) -> list[Rect]:
    """Cover exactly the set cells of ``mask`` with rectangles, clipped to the frame.

    Runs of set cells in a tile row become spans; a span continues the rectangle
    above it when both have the same columns.  Typical UI changes (a text field,
    a page body) end up as one or a few rectangles.
    """
    open_rects: dict[tuple[int, int], list[int]] = {}  # (c0, c1) -> [r0, r1]
    done: list[tuple[int, int, int, int]] = []
    for r in range(mask.shape[0]):
        spans = _spans(mask[r])
        for key in list(open_rects):
            if key not in spans:
                r0, r1 = open_rects.pop(key)
                done.append((key[0], key[1], r0, r1))
        for key in spans:
            open_rects.setdefault(key, [r, r])[1] = r + 1
    done.extend((c0, c1, r0, r1) for (c0, c1), (r0, r1) in open_rects.items())
    rects = []
    for c0, c1, r0, r1 in sorted(done, key=lambda d: (d[2], d[0])):
        x, y = c0 * tile, r0 * tile
        rects.append(Rect(x, y, min(c1 * tile, width) - x, min(r1 * tile, height) - y))
    return rects


def _spans(row: Mask) -> set[tuple[int, int]]:
    """Column ranges ``(start, stop)`` of the runs of True in one mask row."""
    padded = np.concatenate(([False], row, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return {(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)}


def intersection(a: Rect, b: Rect) -> Rect | None:
    """Where two rectangles overlap (None if they do not)."""
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    return Rect(x0, y0, x1 - x0, y1 - y0) if x0 < x1 and y0 < y1 else None
