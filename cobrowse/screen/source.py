"""Where the streamer gets pixels from: a screen that says when and where it changed.

A :class:`ScreenSource` is created, used and closed on the capture thread.  The
streamer sleeps in :meth:`~ScreenSource.wait` until the platform reports a change
(or another thread calls :meth:`~ScreenSource.wake`), takes the :class:`Changes`
of the shared monitor, and grabs only those rectangles into its own frame buffer.
The shape is the one the platforms' change-reporting capture APIs share:

* X11: DAMAGE (dirty rectangles) and XShm grabs of them
  (:class:`cobrowse.platform.x11.damagesource.DamageSource`);
* Windows Desktop Duplication: ``AcquireNextFrame`` waits with a timeout, then
  ``GetFrameDirtyRects`` and ``GetFrameMoveRects`` give :attr:`Changes.dirty` and
  :attr:`Changes.moves` (a move is a screen-to-screen copy, e.g. a scroll);
* macOS ScreenCaptureKit: each delivered frame carries its dirty rectangles.

Where a display reports no changes, :class:`PollingSource` grabs the whole
monitor at a fixed rate and reports "unknown" (``dirty=None``): the encoder then
compares whole frames, as before there was damage.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cobrowse.screen.capture import Capturer, FrameSource, Monitor
from cobrowse.screen.diff import Frame

log = logging.getLogger(__name__)
BLOCKED_RETRY = 0.5  # seconds between two grabs while the secure desktop is shown

Rect = tuple[int, int, int, int]  # x, y, width, height

DAMAGE = 1
"""From :meth:`ScreenSource.wait`: the screen changed (see :attr:`ScreenSource.pending`)."""
POINTER = 2
"""From :meth:`ScreenSource.wait`: the pointer may have moved or changed its image."""
WOKEN = 4
"""From :meth:`ScreenSource.wait`: :meth:`ScreenSource.wake` was called."""


@dataclass(frozen=True, slots=True)
class Move:
    """``(x, y, w, h)`` of the monitor now shows what was at ``(src_x, src_y)``."""

    rect: Rect
    src_x: int
    src_y: int


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed on one monitor since the last :meth:`ScreenSource.changes`,
    in monitor coordinates.  ``dirty`` None: unknown, grab the whole monitor."""

    dirty: tuple[Rect, ...] | None
    moves: tuple[Move, ...] = ()


@runtime_checkable
class ScreenSource(Protocol):
    """A screen that reports its own changes (see module doc); one thread only,
    except :meth:`wake`."""

    @property
    def pending(self) -> bool:
        """True while a change is waiting to be taken with :meth:`changes`."""
        ...

    def monitors(self) -> list[Monitor]: ...

    def wait(self, timeout: float | None) -> int:
        """Sleep until a change, pointer activity, :meth:`wake` or ``timeout``;
        returns the flags of what happened (0: timeout)."""
        ...

    def changes(self, monitor: Monitor) -> Changes:
        """Take the changes so far (clipped to ``monitor``); clears :attr:`pending`."""
        ...

    def grab(self, monitor: Monitor, rect: Rect | None = None) -> Frame:
        """Pixels of ``rect`` (monitor coordinates) or of the whole monitor, as a
        new ``(h, w, 4)`` BGRA array the caller may keep and modify."""
        ...

    def wake(self) -> None:
        """End a :meth:`wait` now (any thread)."""
        ...

    def close(self) -> None: ...


class PollingSource:
    """A :class:`FrameSource` polled ``fps`` times a second: every poll is a change
    of unknown extent, and pointer activity (the cursor is polled along)."""

    def __init__(
        self,
        frames: FrameSource,
        fps: float = 30.0,
        *,
        blocked: Callable[[], bool | None] | None = None,
    ) -> None:
        """``blocked``: whether the OS shows a desktop no program may capture (the
        Windows UAC prompt, :meth:`cobrowse.platform.base.Platform.secure_desktop`):
        a grab that fails then is not the end of capture - the last picture stands
        (the agent is told why, see cobrowse/platform/securedesktop.py) and the
        grab is tried again every :data:`BLOCKED_RETRY` seconds until it works."""
        self._frames, self._interval = frames, 1.0 / fps
        self._blocked = blocked
        self._last: Frame | None = None
        self._refusing = False  # grabs refused since the last good one (logged once)
        self._woken = threading.Event()
        self._next = 0.0
        self.pending = True

    def monitors(self) -> list[Monitor]:
        return self._frames.monitors()

    def wait(self, timeout: float | None) -> int:
        due = max(0.0, self._next - time.monotonic())
        if self._woken.wait(due if timeout is None else min(due, timeout)):
            self._woken.clear()
            return WOKEN
        if time.monotonic() < self._next:
            return 0  # the caller's timeout came first
        self._next = max(self._next + self._interval, time.monotonic())
        self.pending = True
        return DAMAGE | POINTER

    def changes(self, monitor: Monitor) -> Changes:
        self.pending = False
        return Changes(None)

    def grab(self, monitor: Monitor, rect: Rect | None = None) -> Frame:
        try:
            frame = self._frames.grab(monitor.index)
        except Exception as exc:
            frame = self._stand_in(monitor, exc)
        else:
            self._last, self._refusing = frame, False
        if rect is not None:
            x, y, w, h = rect
            frame = frame[y : y + h, x : x + w].copy()
        return frame

    def _stand_in(self, monitor: Monitor, exc: Exception) -> Frame:
        """The picture to use when a grab failed: the last one while the secure
        desktop explains the failure (else the failure is real: re-raised)."""
        last = self._last
        if (
            self._blocked is None
            or last is None
            or last.shape[:2]
            != (
                monitor.height,
                monitor.width,
            )
        ):
            raise exc
        try:
            blocked = self._blocked()
        except OSError:
            blocked = False
        if not blocked:
            raise exc
        if not self._refusing:
            self._refusing = True
            log.info("screen grab refused while the secure desktop is shown; trying again")
        self._next = time.monotonic() + BLOCKED_RETRY
        return last

    def wake(self) -> None:
        self._woken.set()

    def close(self) -> None:
        self._frames.close()


def as_source(frames: FrameSource | ScreenSource, fps: float) -> ScreenSource:
    """``frames`` itself if it reports changes, else a :class:`PollingSource` of it."""
    if isinstance(frames, ScreenSource):
        return frames
    return PollingSource(frames, fps)


def open_source(fps: float = 30.0) -> ScreenSource:
    """The best source this platform offers: X11 DAMAGE, else polling with mss."""
    try:
        from cobrowse.platform.x11.damagesource import DamageSource

        return DamageSource()
    except OSError as exc:
        log.info("no change-reporting capture (%s): polling at %.0f fps", exc, fps)
    from cobrowse import platform

    return PollingSource(Capturer(), fps, blocked=platform.current().secure_desktop)


SourceFactory = Callable[[], "FrameSource | ScreenSource"]
