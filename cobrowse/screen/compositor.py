"""Agent side: apply screen-update payloads to a framebuffer.

The framebuffer is a ``(height, width, 4)`` uint8 BGRA numpy array with alpha
255, i.e. the memory layout of ``QImage.Format_RGB32`` on little-endian machines,
so a widget can wrap it without converting.  :meth:`Compositor.apply` returns the
rectangles that changed so the widget repaints only those.

Not thread-safe: one decode thread owns a compositor.  A GUI that paints from
another thread must copy the dirty rectangles (or the frame) under its own lock,
or hand over ``frame.copy()``.
"""

from __future__ import annotations

import numpy as np

from cobrowse.errors import ProtocolError
from cobrowse.screen import codec
from cobrowse.screen.diff import Frame, Rect


class Compositor:
    """Holds the agent's picture of the citizen's screen."""

    def __init__(self, *, max_pixels: int = codec.MAX_PIXELS) -> None:
        self.max_pixels = max_pixels
        self._decoder = codec.Decoder(max_pixels=max_pixels)
        self.frame: Frame | None = None
        self.updates = 0

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
        view = frame.view(np.uint32)[..., 0]
        moved = {
            i: view[
                p.source[1] : p.source[1] + p.rect.h, p.source[0] : p.source[0] + p.rect.w
            ].copy()
            for i, p in enumerate(pieces)
            if p.source is not None
        }  # as they were
        for i, (rect, pixels, _) in enumerate(pieces):
            view[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w] = (
                moved[i] if pixels is None else pixels
            )
        self.frame = frame
        self.updates += 1
        if header.keyframe:
            return [Rect(0, 0, header.width, header.height)]
        return [piece.rect for piece in pieces]
