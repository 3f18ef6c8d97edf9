"""The capture thread's copy of the screen, kept up to date from changed rectangles.

The encoder keeps the last frame it sent as its reference (what the agent holds)
and compares the next frame with it, so the frame being updated must not be that
one.  :class:`FrameStore` keeps two buffers: the *front* one went to the encoder
last; :meth:`update` writes the new rectangles into the *back* one (after copying
over from the front whatever changed there since), and :meth:`kept` swaps them
once the encoder has taken the back one as its new reference.  A typed character
thus costs copying and reading a few hundred pixels, not the whole screen.
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
    """Two buffers of one monitor's pixels (see module doc); one thread only."""

    def __init__(self) -> None:
        self._front: Frame | None = None
        self._back: Frame | None = None
        self._stale: list[Rect] = []  # where the back buffer is older than the front

    @property
    def shape(self) -> tuple[int, ...] | None:
        return None if self._front is None else self._front.shape

    def clear(self) -> None:
        self._front = self._back = None
        self._stale = []

    def full(self, frame: Frame) -> Frame:
        """A whole new frame (keyframe, monitor change, a source that cannot tell
        what changed); it becomes the front buffer and is returned."""
        if not frame.flags.writeable or not frame.flags.c_contiguous:
            frame = np.array(frame)
        self._front, self._back, self._stale = frame, None, []
        return frame

    def update(self, grabs: Iterable[tuple[Rect, Frame]]) -> Frame:
        """The front frame with each ``(rect, pixels)`` written in, as the back buffer."""
        front = self._front
        if front is None:
            raise RuntimeError("FrameStore.update before a full frame")
        back = self._back
        if back is None:
            back = self._back = front.copy()
        else:
            for x, y, w, h in self._stale:
                back[y : y + h, x : x + w] = front[y : y + h, x : x + w]
        self._stale = []
        for (x, y, w, h), pixels in grabs:
            back[y : y + h, x : x + w] = pixels
        return back

    def kept(self, rects: Iterable[Rect]) -> None:
        """The encoder took the frame from :meth:`update` (it sent a payload), which
        differs from the old front in ``rects``: swap the buffers.  (After
        :meth:`full` the new frame already is the front one.)"""
        if self._back is None:
            return
        self._front, self._back = self._back, self._front
        self._stale = list(rects)


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
