"""Agent side: apply screen-update payloads to a framebuffer.

The framebuffer is a ``(height, width, 4)`` uint8 BGRA numpy array with alpha
255, i.e. the memory layout of ``QImage.Format_RGB32`` on little-endian machines,
so a widget can wrap it without converting.  :meth:`Compositor.apply` returns the
rectangles that changed so the widget repaints only those.

A BLINK rectangle (a caret the citizen saw blinking steadily, see
:mod:`cobrowse.screen.blink`) is animated here: :meth:`Compositor.tick` paints the
toggles that are due and returns their rectangles, :attr:`Compositor.next_tick`
says when the next one is due.  Any later rectangle that touches an animated one
(or a COPY reading from it), a keyframe or :meth:`Compositor.clear` ends the
animation before anything is painted; the citizen sends the true pixels with it.

Not thread-safe: one decode thread owns a compositor.  A GUI that paints from
another thread must copy the dirty rectangles (or the frame) under its own lock,
or hand over ``frame.copy()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cobrowse.errors import ProtocolError
from cobrowse.screen import codec
from cobrowse.screen.diff import Frame, Rect, intersection

MAX_BLINKS = 4
"""Most rectangles animated at once (more in one update is a ProtocolError)."""
Pixels = npt.NDArray[np.uint32]


@dataclass
class _Blink:
    rect: Rect
    states: tuple[Pixels, Pixels]
    durations: tuple[float, float]
    shown: int
    due: float


class Compositor:
    """Holds the agent's picture of the citizen's screen."""

    def __init__(
        self, *, max_pixels: int = codec.MAX_PIXELS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_pixels = max_pixels
        self._decoder = codec.Decoder(max_pixels=max_pixels)
        self._clock = clock
        self._blinks: list[_Blink] = []
        self.frame: Frame | None = None
        self.updates = 0

    @property
    def blinking(self) -> list[Rect]:
        """The rectangles being animated."""
        return [b.rect for b in self._blinks]

    @property
    def next_tick(self) -> float | None:
        """Clock time of the next toggle due (None: nothing is animated)."""
        return min((b.due for b in self._blinks), default=None)

    def tick(self) -> list[Rect]:
        """Paint the toggles due by now; returns their rectangles (repaint them)."""
        now, out = self._clock(), []
        for b in self._blinks:
            if b.due > now:
                continue
            if now - b.due > 10 * sum(b.durations):  # far behind (a suspended machine)
                b.due = now
            while b.due <= now:
                b.shown ^= 1
                b.due += b.durations[b.shown]
            self._paint(b.rect, b.states[b.shown])
            out.append(b.rect)
        return out

    def _paint(self, rect: Rect, pixels: Pixels) -> None:
        assert self.frame is not None
        view = self.frame.view(np.uint32)[..., 0]
        view[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = pixels

    @property
    def framebuffer(self) -> Frame | None:
        """The same array as :attr:`frame` (the name the agent app uses)."""
        return self.frame

    @property
    def size(self) -> tuple[int, int] | None:
        """``(width, height)`` of the framebuffer, None before the first keyframe."""
        if self.frame is None:
            return None
        return self.frame.shape[1], self.frame.shape[0]

    def clear(self) -> None:
        """Forget the picture (privacy pause, session end): the framebuffer's memory
        is zeroed before it is let go, so no copy of the screen lingers in it; the
        next update must be a keyframe."""
        if self.frame is not None:
            self.frame.fill(0)
        self.frame = None
        self._blinks = []
        self._decoder = codec.Decoder(max_pixels=self.max_pixels)

    def apply(self, payload: bytes) -> list[Rect]:
        """Decode ``payload`` and paint it; returns the changed rectangles.

        A keyframe (re)creates the framebuffer at its size and returns one rectangle
        covering it.  Raises :class:`ProtocolError` for a malformed payload, or for a
        non-keyframe update that does not match the current framebuffer size (the
        framebuffer is left untouched in both cases); after that only a keyframe is
        accepted (payloads share compression history, see :mod:`cobrowse.screen.rects`).
        """
        header, pieces = self._decoder.parse(payload)
        if header.keyframe:
            frame = np.zeros((header.height, header.width, 4), np.uint8)
            frame[..., 3] = 255
        elif self.size != (header.width, header.height):
            self._decoder.desync()
            raise ProtocolError("screen update for a different screen size without keyframe")
        else:
            assert self.frame is not None
            frame = self.frame
        blinks = self._blinks_after(header.keyframe, pieces)
        view = frame.view(np.uint32)[..., 0]
        moved = {
            i: view[
                p.source[1] : p.source[1] + p.rect.h, p.source[0] : p.source[0] + p.rect.w
            ].copy()
            for i, p in enumerate(pieces)
            if p.source is not None
        }  # as they were
        for i, (rect, pixels, _, _) in enumerate(pieces):
            view[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = (
                moved[i] if pixels is None else pixels
            )
        self.frame = frame
        self.updates += 1
        self._start(blinks, pieces)
        if header.keyframe:
            return [Rect(0, 0, header.width, header.height)]
        return [piece.rect for piece in pieces]

    def _blinks_after(self, keyframe: bool, pieces: list[codec.Piece]) -> list[_Blink]:
        """The animations this update leaves running: none after a keyframe, else
        those no rectangle of it touches (painted over, or read by a COPY).  Checked
        before anything is painted: too many is a ProtocolError."""
        kept = [] if keyframe else [b for b in self._blinks if not _touched(b.rect, pieces)]
        new = [p.rect for p in pieces if p.blink is not None]
        if len(kept) + len(new) > MAX_BLINKS or any(
            _overlap(a, b) for i, a in enumerate(new) for b in new[i + 1 :]
        ):
            self._decoder.desync()
            raise ProtocolError("screen update: too many or overlapping blinks")
        return kept

    def _start(self, blinks: list[_Blink], pieces: list[codec.Piece]) -> None:
        now = self._clock()
        for rect, pixels, _, spec in pieces:
            if spec is not None and pixels is not None:
                d0, d1 = (d / 1000 for d in spec.durations_ms)
                blinks.append(
                    _Blink(rect, (pixels, spec.other), (d0, d1), 0, now + spec.first_ms / 1000)
                )
        self._blinks = blinks


def _overlap(a: Rect, b: Rect) -> bool:
    return intersection(a, b) is not None


def _touched(rect: Rect, pieces: list[codec.Piece]) -> bool:
    """Whether a rectangle of the update paints over ``rect`` or copies from it."""
    for piece in pieces:
        if _overlap(rect, piece.rect):
            return True
        if piece.source is not None and _overlap(
            rect, Rect(*piece.source, piece.rect.w, piece.rect.h)
        ):
            return True
    return False
