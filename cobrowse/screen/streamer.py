"""Citizen side: the streaming engine that owns the capture thread.

:class:`ScreenStreamer` captures the shared monitor, encodes what changed and
hands each payload to ``on_frame(frame_id, payload)``; the session layer chunks
it into FrameChunk messages and calls :meth:`ScreenStreamer.ack` when the
agent's FrameAck arrives.  Cursor moves go to ``on_cursor(x, y, visible)``
(coordinates relative to the shared monitor) and, where the platform gives it,
each new pointer image to ``on_cursor_shape(image)`` (a
:class:`~cobrowse.platform.base.CursorImage`, sent again after a resume, reset
or monitor change).  ``hidden()``, if given, returns desktop rectangles that are
hatched out of every frame before it is encoded (the client's own windows, see
:mod:`cobrowse.screen.hidden`).

Threading rules:

* Every public method is thread-safe and returns quickly.
* Callbacks run on the capture thread while the streamer's lock is held, so once
  :meth:`pause` or :meth:`stop` has returned no callback is running and none
  will run until :meth:`resume` / :meth:`start`.  A callback must therefore not
  block (hand the bytes to a queue, e.g. ``loop.call_soon_threadsafe``); it may
  call methods of the streamer itself.
* ``on_error(exc)`` is called (from the capture thread, without the lock) if
  capture fails; the thread then ends.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cobrowse.platform import current as current_platform
from cobrowse.screen.capture import (
    Capturer,
    CursorImage,
    CursorSource,
    FrameSource,
    Monitor,
    primary_index,
)
from cobrowse.screen.diff import Frame
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.screen.flow import FlowControl
from cobrowse.screen.hidden import Rect, hatch
from cobrowse.session.events import MAX_CURSOR

log = logging.getLogger(__name__)

FrameCallback = Callable[[int, bytes], None]
CursorCallback = Callable[[int, int, bool], None]
ShapeCallback = Callable[[CursorImage], None]
ErrorCallback = Callable[[BaseException], None]
MAX_FRAME_ID = 2**31 - 1


def _platform_cursor() -> CursorSource:
    return current_platform().cursor_source()


@dataclass
class StreamStats:
    captures: int = 0
    frames: int = 0
    bytes: int = 0
    keyframes: int = 0
    encode_seconds: float = 0.0
    last_encode_seconds: float = 0.0
    """Encode time of the frame being handed to ``on_frame`` (read it there)."""


class ScreenStreamer:
    """Capture -> diff -> encode -> ``on_frame``, paced by acks (see module doc)."""

    def __init__(
        self,
        on_frame: FrameCallback,
        on_cursor: CursorCallback | None = None,
        *,
        on_error: ErrorCallback | None = None,
        monitor: int | None = None,
        max_fps: float = 30.0,
        window: int = 2,
        clock: Callable[[], float] = time.monotonic,
        source_factory: Callable[[], FrameSource] = Capturer,
        cursor_factory: Callable[[], CursorSource] | None = _platform_cursor,
        encoder: FrameEncoder | None = None,
        on_cursor_shape: ShapeCallback | None = None,
        hidden: Callable[[], Iterable[Rect]] | None = None,
    ) -> None:
        self._on_frame, self._on_cursor, self._on_error = on_frame, on_cursor, on_error
        self._on_shape = on_cursor_shape
        self._hidden = hidden
        self._source_factory, self._cursor_factory = source_factory, cursor_factory
        self._clock = clock
        self._cond = threading.Condition()
        self._flow = FlowControl(clock, window=window, max_fps=max_fps)
        self._encoder = encoder or FrameEncoder()
        self._monitor = monitor
        self._monitors: list[Monitor] = []
        self._running = self._paused = False
        self._keyframe = True
        self._thread: threading.Thread | None = None
        self._frame_id = 0
        self._cursor: tuple[int, int, bool] | None = None
        self._shape_serial: int | None = None
        self.stats = StreamStats()

    # --- control (any thread) ------------------------------------------------------

    def start(self) -> None:
        """Start the capture thread (the first frame is a keyframe)."""
        with self._cond:
            if self._running:
                return
            self._running, self._keyframe = True, True
            self._thread = threading.Thread(target=self._run, name="screen-capture", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop capturing and join the thread; no callback runs after this returns."""
        with self._cond:
            self._running = False
            self._cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def pause(self) -> None:
        """Privacy pause: nothing is captured or emitted until :meth:`resume`."""
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        """End a privacy pause; the next frame is a keyframe."""
        with self._cond:
            self._paused, self._keyframe, self._cursor = False, True, None
            self._shape_serial = None
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        with self._cond:
            return self._paused

    def ack(self, frame_id: int) -> bool:
        """The agent applied ``frame_id`` (from FrameAck); False if not in flight."""
        with self._cond:
            known = self._flow.acked(frame_id)
            self._cond.notify_all()
            return known

    def request_keyframe(self) -> None:
        """Send the whole screen next (e.g. the agent's view was reset)."""
        with self._cond:
            self._keyframe = True
            self._cond.notify_all()

    def reset(self) -> None:
        """The viewer is new or reconnected: forget frames in flight, send a keyframe."""
        with self._cond:
            self._flow.reset()
            self._keyframe, self._cursor, self._shape_serial = True, None, None
            self._cond.notify_all()

    def select_monitor(self, index: int) -> bool:
        """Share monitor ``index`` from the next frame on (a keyframe at its size).
        Returns False, changing nothing, if there is no such monitor."""
        if not 0 <= index < len(self.monitors()):
            return False
        with self._cond:
            self._monitor, self._keyframe, self._cursor = index, True, None
            self._shape_serial = None
            self._cond.notify_all()
        return True

    def monitors(self) -> list[Monitor]:
        """The monitors as the capture thread last saw them."""
        with self._cond:
            if self._monitors:
                return list(self._monitors)
        source = self._source_factory()
        try:
            found = source.monitors()
        finally:
            source.close()
        with self._cond:
            self._monitors = self._monitors or found
            return list(self._monitors)

    def current_monitor(self) -> int:
        """Index of the monitor being shared (for ScreenInfo.current)."""
        with self._cond:
            if self._monitor is not None:
                return self._monitor
        return primary_index(self.monitors())

    @property
    def thread(self) -> threading.Thread | None:
        """The capture thread while running (e.g. to read its CPU clock)."""
        with self._cond:
            return self._thread if self._running else None

    def flow_snapshot(self) -> dict[str, float | None]:
        """RTT, throughput, quality, fps and frames in flight (for logs and tests)."""
        with self._cond:
            f = self._flow
            return {
                "rtt": f.rtt,
                "throughput": f.throughput,
                "quality": f.quality,
                "fps": f.fps,
                "in_flight": f.in_flight,
            }

    # --- the capture thread ----------------------------------------------------------

    def _run(self) -> None:
        source: FrameSource | None = None
        cursor: CursorSource | None = None
        try:
            source = self._source_factory()
            cursor = self._cursor_factory() if self._cursor_factory else None
            with self._cond:
                self._monitors = source.monitors()
            while self._step(source, cursor):
                pass
        except Exception as exc:  # noqa: BLE001 - reported, not swallowed
            log.warning("screen capture stopped: %s", type(exc).__name__)
            with self._cond:
                self._running = False
            if self._on_error is not None:
                self._on_error(exc)
        finally:
            if cursor is not None:
                cursor.close()
            if source is not None:
                source.close()

    def _step(self, source: FrameSource, cursor: CursorSource | None) -> bool:
        """One tick: wait for the window and pacing, poll the cursor, capture and send.
        Returns False when stopped."""
        with self._cond:
            if not self._running:
                return False
            if self._paused:
                self._cond.wait()
                return True
            delay = self._flow.delay()
            index = self._monitor if self._monitor is not None else primary_index(self._monitors)
        self._poll_cursor(cursor, index)
        if delay > 0:
            polling = cursor is not None and self._on_cursor is not None
            tick = 1.0 / self._flow.max_fps if polling else None
            with self._cond:
                if self._running and not self._paused:
                    wait = tick if delay == math.inf else min(delay, tick or delay)
                    self._cond.wait(wait)
            return True
        with self._cond:
            self._flow.captured()
        frame = source.grab(index)
        if self._hidden is not None and index < len(self._monitors):
            m = self._monitors[index]
            frame = hatch(frame, (m.x, m.y), self._hidden())
        self._send(frame, index)
        return True

    def _send(self, frame: Frame, index: int) -> None:
        with self._cond:
            if self._monitor not in (None, index) or self._paused or not self._running:
                return  # the monitor changed or a pause began while grabbing
            if self._keyframe:
                self._encoder.request_keyframe()
                self._keyframe = False
            self._encoder.quality = self._flow.quality
            self.stats.captures += 1
        started = time.perf_counter()
        payload = self._encoder.encode(frame)
        elapsed = time.perf_counter() - started
        with self._cond:
            if self._paused or not self._running:
                self._keyframe = True  # the agent never gets this one: resync later
                return
            self.stats.encode_seconds += elapsed
            self.stats.last_encode_seconds = elapsed
            if payload is None:
                return
            self._frame_id = self._frame_id % MAX_FRAME_ID + 1
            self._flow.sent(self._frame_id, len(payload))
            self.stats.frames += 1
            self.stats.bytes += len(payload)
            self.stats.keyframes += payload[1] & 1
            self._on_frame(self._frame_id, payload)

    def _poll_cursor(self, cursor: CursorSource | None, index: int) -> None:
        if cursor is not None and self._on_shape is not None:
            self._poll_shape(cursor)
        position = cursor.position() if cursor is not None else None
        if position is None or self._on_cursor is None:
            return
        with self._cond:
            monitors = self._monitors
            if self._paused or not self._running or index >= len(monitors):
                return
            m = monitors[index]
            x, y = position[0] - m.x, position[1] - m.y
            state = (x, y, 0 <= x < m.width and 0 <= y < m.height)
            if state != self._cursor:
                self._cursor = state
                self._on_cursor(*state)

    def _poll_shape(self, cursor: CursorSource) -> None:
        with self._cond:
            known = self._shape_serial
        image = cursor.image(known)
        if image is None or image.width > MAX_CURSOR or image.height > MAX_CURSOR:
            return  # unchanged, unreadable, or too big to send: the agent keeps the last one
        with self._cond:
            if self._paused or not self._running or self._shape_serial != known:
                return
            self._shape_serial = image.serial
            assert self._on_shape is not None
            self._on_shape(image)
