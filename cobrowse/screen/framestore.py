"""The capture thread's copy of the screen, kept up to date from changed rectangles.

:class:`FrameStore` holds one buffer: :meth:`FrameStore.update` writes the new
rectangles into it and hands it to the encoder.  The encoder keeps its own
reference (a copy of a keyframe, then the rectangles it sent written into it), so
the buffer may change under nothing; a typed character thus costs reading and
writing a few hundred pixels, not the whole screen.  (It used to keep two buffers
and copy the previous update's rectangles across, when the encoder compared
against the buffer it had been given last: up to a whole frame, 8 MB, copied after
every full grab.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np

from cobrowse.screen.capture import Monitor
from cobrowse.screen.diff import TILE, Frame, merge_tiles, tile_grid
from cobrowse.screen.hidden import hatch, overlaps

if TYPE_CHECKING:
    from cobrowse.screen.source import ScreenSource

Rect = tuple[int, int, int, int]  # x, y, width, height
MAX_RECTS = 32
"""More changed rectangles than this are merged into tile-aligned ones (fewer grabs)."""


class FrameStore:
    """One monitor's pixels (see module doc); one thread only."""

    def __init__(self) -> None:
        self._frame: Frame | None = None

    @property
    def shape(self) -> tuple[int, ...] | None:
        return None if self._frame is None else self._frame.shape

    def clear(self) -> None:
        self._frame = None

    def full(self, frame: Frame) -> Frame:
        """A whole new frame (keyframe, monitor change, a source that cannot tell
        what changed); it becomes the buffer and is returned."""
        if not frame.flags.writeable or not frame.flags.c_contiguous:
            frame = np.array(frame)
        self._frame = frame
        return frame

    def update(self, grabs: Iterable[tuple[Rect, Frame]]) -> Frame:
        """The buffer with each ``(rect, pixels)`` written in."""
        frame = self._frame
        if frame is None:
            raise RuntimeError("FrameStore.update before a full frame")
        for (x, y, w, h), pixels in grabs:
            frame[y : y + h, x : x + w] = pixels
        return frame


def cover(rects: Iterable[Rect], width: int, height: int) -> list[Rect]:
    """Rectangles to grab for ``rects``: themselves when few, else tile-aligned
    merges of them; the whole screen when they cover most of it."""
    rects = list(rects)
    if len(rects) <= MAX_RECTS:
        area = sum(w * h for _, _, w, h in rects)
        return [(0, 0, width, height)] if area * 2 > width * height else rects
    mask = np.zeros(tile_grid(height, width), np.bool_)
    for x, y, w, h in rects:
        mask[y // TILE : -(-(y + h) // TILE), x // TILE : -(-(x + w) // TILE)] = True
    if mask.sum() * 2 > mask.size:
        return [(0, 0, width, height)]
    return [tuple(r) for r in merge_tiles(mask, height, width)]  # type: ignore[misc]


def clip(rects: Iterable[Rect], m: Monitor) -> list[Rect]:
    """``rects`` (desktop coordinates) cut to monitor ``m``, in its coordinates."""
    out = []
    for x, y, w, h in rects:
        x0, y0 = max(x, m.x), max(y, m.y)
        x1, y1 = min(x + w, m.x + m.width), min(y + h, m.y + m.height)
        if x0 < x1 and y0 < y1:
            out.append((x0 - m.x, y0 - m.y, x1 - x0, y1 - y0))
    return out


class Grabber:
    """Changes of a :class:`~cobrowse.screen.source.ScreenSource` into the frame to
    encode: only the changed rectangles are read, the client's own windows
    (``hidden()``, desktop rectangles) hatched; one thread only."""

    def __init__(self, hidden: Callable[[], Iterable[Rect]] | None) -> None:
        self.store = FrameStore()
        self._hidden = hidden
        self._last_hidden: list[Rect] = []

    def hidden_now(self) -> list[Rect]:
        return list(self._hidden()) if self._hidden is not None else []

    def hidden_moved(self) -> bool:
        """The client's windows moved since the last grab (damage or not)."""
        return self._hidden is not None and self.hidden_now() != self._last_hidden

    def grab(
        self, source: ScreenSource, m: Monitor, *, keyframe: bool, refresh: bool
    ) -> tuple[Frame | None, list[Rect] | None]:
        """``(frame, dirty)``: the frame with the source's changes applied and the
        rectangles that changed (None: all of it, e.g. a keyframe).  ``frame`` is None
        when nothing on ``m`` changed and no lossless ``refresh`` is due."""
        changes = source.changes(m)
        hidden, last = self.hidden_now(), self._last_hidden
        self._last_hidden = hidden
        if keyframe or changes.dirty is None or self.store.shape != (m.height, m.width, 4):
            return self.store.full(hatch(source.grab(m), (m.x, m.y), hidden)), None
        rects = list(changes.dirty)
        if hidden != last:  # grab where they were, hatch where they are
            rects += clip(last + hidden, m)
        if not rects and not refresh:
            return None, None  # drawn to outside this monitor
        dirty = cover(rects, m.width, m.height)
        if dirty == [(0, 0, m.width, m.height)]:  # a fresh grab, no copying into buffers
            return self.store.full(hatch(source.grab(m), (m.x, m.y), hidden)), dirty
        frame = self.store.update((r, source.grab(m, r)) for r in dirty)
        hatch(frame, (m.x, m.y), overlaps(hidden, dirty, (m.x, m.y)))
        return frame, dirty
