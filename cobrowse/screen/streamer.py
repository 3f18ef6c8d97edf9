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
:mod:`cobrowse.screen.hidden`).  A caret blinking steadily is handed to the agent
to animate (:mod:`cobrowse.screen.blink`); the capture thread then also wakes when a
toggle is overdue, to send the caret's true state.

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
from cobrowse.screen import codec
from cobrowse.screen.blink import BlinkTracker
from cobrowse.screen.capture import (
    CursorImage,
    CursorSource,
    FrameSource,
    Monitor,
    primary_index,
)
from cobrowse.screen.diff import Frame
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.screen.flow import FlowControl
from cobrowse.screen.framestore import Grabber
from cobrowse.screen.hidden import Rect
from cobrowse.screen.source import DAMAGE, POINTER, ScreenSource, as_source, open_source
from cobrowse.session.events import MAX_CURSOR

log = logging.getLogger(__name__)

FrameCallback = Callable[[int, bytes], None]
CursorCallback = Callable[[int, int, bool], None]
ShapeCallback = Callable[[CursorImage], None]
ErrorCallback = Callable[[BaseException], None]
MAX_FRAME_ID = 2**31 - 1
SAFETY_TICK = 0.5
"""Seconds between pointer polls when no event says it moved: a warped pointer
(``XWarpPointer``) reports no motion event, and the client's windows may move."""


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
    last_damage_to_encode: float = 0.0
    """Seconds from the source reporting a change to the encoder starting on it."""
    wakes: int = 0
    """Times the capture thread woke without capturing (events, acks, safety ticks)."""


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
        source_factory: Callable[[], FrameSource | ScreenSource] | None = None,
        cursor_factory: Callable[[], CursorSource] | None = _platform_cursor,
        encoder: FrameEncoder | None = None,
        on_cursor_shape: ShapeCallback | None = None,
        hidden: Callable[[], Iterable[Rect]] | None = None,
    ) -> None:
        self._on_frame, self._on_cursor, self._on_error = on_frame, on_cursor, on_error
        self._on_shape = on_cursor_shape
        self._source_factory = source_factory or (lambda: open_source(max_fps))
        self._cursor_factory = cursor_factory
        self._source: ScreenSource | None = None
        self._grabber = Grabber(hidden)
        self._damage_at: float | None = None
        self._polled_at = -math.inf
        self._clock = clock
        self._cond = threading.Condition()
        self._flow = FlowControl(clock, window=window, max_fps=max_fps)
        self._encoder = encoder or FrameEncoder()
        self._blink = BlinkTracker()
        self._monitor = monitor
        self._monitors: list[Monitor] = []
        self._running = self._paused = False
        self._keyframe = True
        self._thread: threading.Thread | None = None
        self._frame_id = 0
        self._cursor: tuple[int, int, bool] | None = None
        self._shape_serial: int | None = None
        self._early = 0  # bytes of the current update already sent by _emit
        self._lost = False  # a part of the current update was not sent (paused, stopped)
        self._epoch = self._sending = 0  # pause() and reset() end the update being sent
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
            self._wake()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def pause(self) -> None:
        """Privacy pause: nothing is captured or emitted until :meth:`resume`."""
        with self._cond:
            self._paused = True
            self._epoch += 1
            self._wake()

    def resume(self) -> None:
        """End a privacy pause; the next frame is a keyframe."""
        with self._cond:
            self._paused, self._keyframe, self._cursor = False, True, None
            self._shape_serial = None
            self._wake()

    @property
    def paused(self) -> bool:
        with self._cond:
            return self._paused

    def ack(self, frame_id: int, held: float = 0.0) -> bool:
        """The agent applied ``frame_id`` and held the FrameAck ``held`` seconds;
        False if not in flight."""
        with self._cond:
            known = self._flow.acked(frame_id, held)
            self._wake()
            return known

    def request_keyframe(self) -> None:
        """Send the whole screen next (e.g. the agent's view was reset)."""
        with self._cond:
            self._keyframe = True
            self._wake()

    def reset(self) -> None:
        """The viewer is new or reconnected: forget frames in flight, send a keyframe."""
        with self._cond:
            self._flow.reset()
            self._keyframe, self._cursor, self._shape_serial = True, None, None
            self._epoch += 1
            self._wake()

    def select_monitor(self, index: int) -> bool:
        """Share monitor ``index`` from the next frame on (a keyframe at its size).
        Returns False, changing nothing, if there is no such monitor."""
        if not 0 <= index < len(self.monitors()):
            return False
        with self._cond:
            self._monitor, self._keyframe, self._cursor = index, True, None
            self._shape_serial = None
            self._wake()
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

    def _wake(self) -> None:
        """Under the lock: let the capture thread re-check its state now."""
        self._cond.notify_all()
        if self._source is not None:
            self._source.wake()

    def _run(self) -> None:
        source: ScreenSource | None = None
        cursor: CursorSource | None = None
        try:
            source = as_source(self._source_factory(), self._flow.max_fps)
            cursor = self._cursor_factory() if self._cursor_factory else None
            with self._cond:
                self._source, self._monitors = source, source.monitors()
            while self._step(source, cursor):
                pass
        except Exception as exc:  # noqa: BLE001 - reported, not swallowed
            log.warning("screen capture stopped: %s", type(exc).__name__)
            with self._cond:
                self._running = False
            if self._on_error is not None:
                self._on_error(exc)
        finally:
            with self._cond:
                self._source = None
            if cursor is not None:
                cursor.close()
            if source is not None:
                source.close()

    def _step(self, source: ScreenSource, cursor: CursorSource | None) -> bool:
        """One wake-up: capture and send if the screen changed and flow control
        allows, else sleep until the screen changes, the pointer moves, another
        thread wakes us (ack, keyframe, pause, stop) or a safety tick passes.
        Returns False when stopped."""
        with self._cond:
            if not self._running:
                return False
            paused = self._paused
            delay = self._flow.delay()
            index = self._monitor if self._monitor is not None else primary_index(self._monitors)
            blink = self._blink.wait(self._clock())  # a caret the agent animates
            due = self._keyframe or source.pending or self._grabber.hidden_moved() or blink == 0
            refresh = math.inf if due else min(blink, self._refresh_in())
        if paused:  # keep reading the source's events (they would pile up), nothing else
            source.wait(SAFETY_TICK)
            return True
        if delay == 0 and (due or refresh == 0):
            self._capture(source, index)
            if self._cursor is None or self._shape_serial is None:
                self._poll_cursor(cursor, index)
            return True
        flags = source.wait(min(SAFETY_TICK, delay if due else max(refresh, delay)))
        self.stats.wakes += 1
        if flags & DAMAGE and self._damage_at is None:
            self._damage_at = time.perf_counter()
        if flags & POINTER or time.monotonic() - self._polled_at >= SAFETY_TICK:
            self._poll_cursor(cursor, index)
        return True

    def _refresh_in(self) -> float:
        """Seconds until the encoder should look at an unchanged screen again: it
        re-sends lossy areas losslessly after some encodes (inf: all exact)."""
        if not self._encoder.refresh_pending:
            return math.inf
        return max(0.0, 1.0 / self._flow.fps - self._flow.since_capture())

    def _capture(self, source: ScreenSource, index: int) -> None:
        """Take the changes, bring the frame store up to date, hatch, encode, send."""
        with self._cond:
            self._flow.captured()
            keyframe = self._keyframe
            monitors = self._monitors
        if index >= len(monitors):
            raise IndexError(f"no monitor {index}")
        m = monitors[index]
        refresh = self._encoder.refresh_pending or self._blink.wait(self._clock()) == 0
        frame, dirty = self._grabber.grab(source, m, keyframe=keyframe, refresh=refresh)
        if frame is not None:
            self._send(frame, index, dirty)

    def _send(self, frame: Frame, index: int, dirty: list[Rect] | None) -> None:
        with self._cond:
            if self._monitor not in (None, index) or self._paused or not self._running:
                self._keyframe = True  # the monitor changed or a pause began while grabbing
                return
            if self._keyframe:
                self._encoder.request_keyframe()
                self._blink.reset()
                self._keyframe = False
            self._encoder.quality = self._flow.quality
            self.stats.captures += 1
            self._sending, self._early, self._lost = self._epoch, 0, False
        started = time.perf_counter()
        if self._damage_at is not None:
            self.stats.last_damage_to_encode = started - self._damage_at
            self._damage_at = None
        now = self._clock()
        dirty, extra = self._blink.before(now, frame, dirty, self._encoder)
        early: list[bytes] = []  # the parts of a big update sent while it is encoded

        def emit(part: bytes) -> None:
            early.append(part)
            self._emit(part, started)

        payload = self._encoder.encode(frame, dirty=dirty, emit=emit, extra=extra)
        self._blink.after(now, frame, early if payload is None else [*early, payload])
        elapsed = time.perf_counter() - started
        with self._cond:
            self.stats.encode_seconds += elapsed
            self.stats.last_encode_seconds = elapsed
            if self._interrupted():
                self._keyframe = True  # the agent never gets (all of) this one: resync later
                return
            if payload is not None:
                self._deliver(payload, flow=True)

    def _emit(self, payload: bytes, started: float) -> None:
        """A first part of a big update, sent while the encoder goes on with the rest
        (the agent decodes and shows it meanwhile).  Flow control counts the update
        once, by its last payload: the window paces captures, not the parts of one."""
        with self._cond:
            if self._interrupted():
                self._lost = True  # the rest must not follow a part the agent never gets
                return
            self.stats.last_encode_seconds = time.perf_counter() - started
            self._early += len(payload)
            self._deliver(payload, flow=False)

    def _interrupted(self) -> bool:
        """Under the lock: the update being encoded must not (all) reach the agent: a
        part was dropped, or a pause or reset came since it was captured (even if
        resumed already: the agent dropped what came before and awaits a keyframe)."""
        return self._lost or self._epoch != self._sending or self._paused or not self._running

    def _deliver(self, payload: bytes, *, flow: bool) -> None:
        """Under the lock: number ``payload`` and hand it to ``on_frame``."""
        self._frame_id = self._frame_id % MAX_FRAME_ID + 1
        if flow:
            self._flow.sent(self._frame_id, self._early + len(payload))
        self.stats.frames += 1
        self.stats.bytes += len(payload)
        self.stats.keyframes += codec.is_keyframe(payload)
        self._on_frame(self._frame_id, payload)

    def _poll_cursor(self, cursor: CursorSource | None, index: int) -> None:
        self._polled_at = time.monotonic()
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
