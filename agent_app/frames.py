"""Screen updates from the frame worker thread to the GUI thread.

The endpoint calls :meth:`FrameWorker.sink` in a worker thread, one frame at a
time, and acknowledges the frame when it returns.  The sink decodes the payload
into the compositor's numpy framebuffer, then copies *just the dirty rectangles*
into standalone QImages (QImage is safe off the GUI thread; QPixmap is not) and
hands them over in a queued signal.  The framebuffer itself never leaves the
worker, so no lock is shared with the GUI.

When the citizen pauses or the session ends, the endpoint calls :meth:`FrameWorker.forget`
in order with the frames: the framebuffer is zeroed and dropped, and updates until the
next keyframe (the citizen sends one on resume) are dropped unseen, so no partial picture
is ever built on an empty screen.

A small semaphore bounds how many updates wait for the GUI: if the GUI falls
behind, the sink waits, the ack waits, and the citizen sends less - flow control
reaches all the way to the screen.

A blinking caret is animated by the compositor itself (BLINK, docs/streaming.md):
while one runs, a ticker thread wakes when the next toggle is due, lets the
compositor paint it and hands the rectangle over as a :class:`FrameUpdate` like any
other (``payload_bytes`` 0), so the canvas repaints it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QImage

from cobrowse.screen import codec
from qtlang import translate

log = logging.getLogger(__name__)
Rect = tuple[int, int, int, int]
MAX_PENDING = 2


class Compositor(Protocol):
    """What the frame worker needs from :mod:`cobrowse.screen.compositor`."""

    def apply(self, payload: bytes) -> Sequence[Rect]: ...

    def clear(self) -> None: ...

    def tick(self) -> Sequence[Rect]: ...

    @property
    def next_tick(self) -> float | None: ...

    @property
    def framebuffer(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class FrameUpdate:
    """One applied frame: the screen size and copies of its dirty regions
    (``full``: they cover the whole screen - a keyframe; ``toggle``: a blink the
    compositor animated itself, not a frame from the citizen)."""

    frame_id: int
    width: int
    height: int
    patches: tuple[tuple[QRect, QImage], ...]
    payload_bytes: int
    full: bool = True
    toggle: bool = False


def default_compositor() -> Compositor:
    from cobrowse.screen.compositor import Compositor as Real

    return Real()


def patch(framebuffer: np.ndarray, rect: Rect) -> tuple[QRect, QImage] | None:
    """Copy ``rect`` of a BGRA ``(h, w, 4)`` framebuffer into its own QImage."""
    height, width = framebuffer.shape[:2]
    x, y, w, h = rect
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + w), min(height, y + h)
    if x1 <= x0 or y1 <= y0:
        return None
    region = np.ascontiguousarray(framebuffer[y0:y1, x0:x1, :4])
    image = QImage(region.data, x1 - x0, y1 - y0, region.strides[0], QImage.Format.Format_RGB32)
    return QRect(x0, y0, x1 - x0, y1 - y0), image.copy()  # copy: own the pixels


class FrameWorker(QObject):
    """Owns the compositor; ``sink`` runs on the endpoint's frame thread."""

    updated = Signal(object)  # FrameUpdate, delivered queued to the GUI thread
    failed = Signal(str)

    def __init__(
        self,
        make_compositor: Callable[[], Compositor] = default_compositor,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._make = make_compositor
        self._lock = threading.Lock()  # guards the compositor (sink vs. reset)
        self._compositor: Compositor | None = None
        self._slots = threading.Semaphore(MAX_PENDING)
        self._closed = False
        self._wake = threading.Condition(self._lock)  # a new animation
        self._ticker: threading.Thread | None = None
        self._frame_id = 0
        self._order = threading.Condition()  # updates leave in the order they were made
        self._made = self._served = 0

    def sink(self, frame_id: int, payload: bytes) -> bool:
        """Worker thread: decode, copy dirty regions, hand over.  Never touches widgets.

        Returns True when the frame could not be decoded: the picture is dropped (the
        updates share compression history, so none after it can be decoded either)
        and later updates are dropped unseen until a keyframe - the caller asks the
        citizen for one (KeyframeRequest)."""
        with self._lock:
            if self._compositor is None and not codec.is_keyframe(payload):
                log.debug("frame %d dropped: no picture to update until a keyframe", frame_id)
                return False
            try:
                update = self._apply(frame_id, payload)
            except Exception as exc:  # a bad frame from the peer: say so, resync
                log.warning("frame %d could not be decoded: %s", frame_id, type(exc).__name__)
                self._drop()
                self.failed.emit(translate("agent", "Et skærmbillede kunne ikke vises."))
                return True
            self._animate()
            turn = self._turn()
        self._hand_over(update, turn)
        return False

    def _turn(self) -> int:
        """Under the lock: this update's place in the hand-over order."""
        self._made += 1
        return self._made

    def _hand_over(self, update: FrameUpdate, turn: int) -> None:
        """After the updates made before it (a toggle and a frame may race), once the
        GUI has room."""
        with self._order:
            while self._served != turn - 1 and not self._closed:
                self._order.wait(0.5)
        while not self._closed and not self._slots.acquire(timeout=0.5):
            pass
        self.updated.emit(update)
        with self._order:
            self._served = turn
            self._order.notify_all()

    def _animate(self) -> None:
        """Under the lock: wake the ticker (started with the first animation)."""
        if self._compositor is None or self._compositor.next_tick is None:
            return
        if self._ticker is None:
            self._ticker = threading.Thread(target=self._tick_loop, name="agent-blink", daemon=True)
            self._ticker.start()
        self._wake.notify_all()

    def _tick_loop(self) -> None:
        """Ticker thread: paint each toggle when due, hand it over.  Never touches
        widgets."""
        while (toggle := self._next_toggle()) is not None:
            self._hand_over(*toggle)

    def _next_toggle(self) -> tuple[FrameUpdate, int] | None:
        """Wait until a toggle is due and paint it; None once closed (noticed within
        0.5 s: :meth:`close` runs on the GUI thread and takes no lock)."""
        with self._lock:
            while not self._closed:
                due = self._compositor.next_tick if self._compositor is not None else None
                wait = 0.5 if due is None else min(0.5, due - time.monotonic())
                if wait <= 0:
                    assert self._compositor is not None
                    update = self._update(self._frame_id, self._compositor.tick(), 0, toggle=True)
                    return update, self._turn()
                self._wake.wait(wait)
        return None

    def done(self) -> None:
        """GUI thread: one update has been painted."""
        self._slots.release()

    def forget(self) -> None:
        """Any thread but the GUI's: zero and drop the picture of the citizen's screen."""
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._compositor is not None:
            self._compositor.clear()
        self._compositor = None

    def reset(self) -> None:
        """GUI thread, a new session: forget the old screen without waiting for a decode."""
        threading.Thread(target=self.forget, name="agent-frames-forget", daemon=True).start()

    @property
    def has_picture(self) -> bool:
        with self._lock:
            return self._compositor is not None

    def close(self) -> None:
        self._closed = True

    def _apply(self, frame_id: int, payload: bytes) -> FrameUpdate:
        if self._compositor is None:
            self._compositor = self._make()
        rects = self._compositor.apply(payload)
        self._frame_id = frame_id
        return self._update(frame_id, rects, len(payload))

    def _update(
        self, frame_id: int, rects: Sequence[Rect], size: int, *, toggle: bool = False
    ) -> FrameUpdate:
        """Under the lock: copies of the compositor's ``rects`` for the GUI."""
        assert self._compositor is not None
        if self._compositor.framebuffer is None:
            raise ValueError("no screen yet")
        framebuffer = np.asarray(self._compositor.framebuffer)
        patches = tuple(p for p in (patch(framebuffer, r) for r in rects) if p is not None)
        height, width = framebuffer.shape[:2]
        full = any(p[0] == QRect(0, 0, width, height) for p in patches)
        return FrameUpdate(frame_id, width, height, patches, size, full, toggle)
