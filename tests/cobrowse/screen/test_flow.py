"""Flow control with a fake clock, and the streamer against a slow consumer."""

from __future__ import annotations

import math
import threading

import numpy as np

from cobrowse.screen.capture import Monitor
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.flow import FlowControl
from cobrowse.screen.streamer import ScreenStreamer


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_window_limits_frames_in_flight() -> None:
    clock = FakeClock()
    flow = FlowControl(clock, window=2, max_fps=10, burst=1)
    assert flow.delay() == 0
    flow.captured()
    flow.sent(1, 1000)
    assert math.isclose(flow.delay(), 0.1)
    clock.now += 0.1
    assert flow.delay() == 0
    flow.sent(2, 1000)
    clock.now += 1
    assert flow.delay() == math.inf and flow.in_flight == 2
    assert flow.acked(1) and flow.in_flight == 1 and flow.delay() == 0
    assert not flow.acked(1) and flow.unknown_acks == 1


def test_a_burst_goes_out_at_once_then_captures_are_paced_at_fps() -> None:
    clock = FakeClock()
    flow = FlowControl(clock, window=10, max_fps=10, burst=3)
    for _ in range(3):  # e.g. a key press Chromium paints in three strokes
        assert flow.delay() == 0
        flow.captured()
    assert math.isclose(flow.delay(), 0.1)  # then 10 a second
    clock.now += 0.05
    assert math.isclose(flow.delay(), 0.05)
    clock.now += 0.05
    assert flow.delay() == 0
    flow.captured()
    clock.now += 10  # a long still screen refills the bucket up to the burst, no more
    for _ in range(3):
        flow.captured()
    assert flow.delay() > 0


def test_acks_are_cumulative_and_reset_forgets_in_flight() -> None:
    clock = FakeClock()
    flow = FlowControl(clock, window=3)
    for i in (1, 2, 3):
        flow.sent(i, 10)
    assert flow.acked(2) and flow.in_flight == 1
    flow.reset()
    assert flow.in_flight == 0 and not flow.acked(3)


def test_slow_link_lowers_quality_and_fps_then_recovers() -> None:
    clock = FakeClock()
    flow = FlowControl(clock, max_fps=30, quality=75)
    for i in range(1, 20):
        flow.sent(i, 100_000)
        clock.now += 0.5  # half a second per frame: a slow link
        flow.acked(i)
    assert flow.quality == flow.min_quality and flow.fps < 10
    assert flow.rtt is not None and flow.rtt > 0.4
    assert flow.throughput is not None and flow.throughput < 250_000
    for i in range(20, 200):
        flow.sent(i, 5_000)
        clock.now += 0.01
        flow.acked(i)
    assert flow.fps == flow.max_fps and flow.quality > 60


class CountingSource:
    """A fake screen whose content changes every grab (a video playing)."""

    def __init__(self) -> None:
        self.grabs = 0

    def monitors(self) -> list[Monitor]:
        return [Monitor(0, 0, 0, 64, 32, primary=True)]

    def grab(self, index: int) -> np.ndarray:
        self.grabs += 1
        frame = np.zeros((32, 64, 4), np.uint8)
        frame[..., 0] = self.grabs % 256
        frame[..., 1] = self.grabs // 256
        return frame

    def close(self) -> None:
        pass


def test_slow_consumer_never_exceeds_window_and_gets_the_newest_screen() -> None:
    source = CountingSource()
    frames: list[tuple[int, bytes]] = []
    changed = threading.Condition()

    def on_frame(frame_id: int, payload: bytes) -> None:
        with changed:
            frames.append((frame_id, payload))
            changed.notify_all()

    def wait_for_frame_after(sent: int) -> None:
        """Until a frame newer than the first ``sent`` frames arrives (not one
        that was already on its way: that race once failed this test)."""
        with changed:
            assert changed.wait_for(lambda: len(frames) > sent, timeout=5)

    streamer = ScreenStreamer(
        on_frame, source_factory=lambda: source, cursor_factory=None, max_fps=1000, window=2
    )
    comp = Compositor()
    streamer.start()
    try:
        acked = 0
        for _ in range(5):  # a consumer that acks one frame at a time, slowly
            wait_for_frame_after(acked)
            with changed:
                pending = [f for f in frames if f[0] > acked]
            assert len(pending) <= 2  # never more than the window in flight
            frame_id, payload = pending[0]
            comp.apply(payload)
            grabs_before_ack = source.grabs
            streamer.ack(frame_id)
            acked = frame_id
            # the capture thread is blocked while the window is full: no backlog
            assert streamer.flow_snapshot()["in_flight"] <= 2  # type: ignore[operator]
        # a screen grabbed after the last ack arrives: the newest one, not a backlog
        newest = Compositor()
        applied = 0

        def shows_newest_screen() -> bool:
            nonlocal applied
            for _, payload in frames[applied:]:
                newest.apply(payload)
            applied = len(frames)
            return newest.frame is not None and grab_number(newest.frame) > grabs_before_ack

        with changed:
            assert changed.wait_for(shows_newest_screen, timeout=5)
    finally:
        streamer.stop()
    assert 5 < len(frames) <= 5 + 2  # each ack frees one slot, plus the first window
    assert streamer.stats.captures == len(frames)  # nothing captured while blocked


def grab_number(frame: np.ndarray) -> int:
    """Which grab of CountingSource a frame shows."""
    return int(frame[0, 0, 0]) + 256 * int(frame[0, 0, 1])


class StillSource(CountingSource):
    def grab(self, index: int) -> np.ndarray:
        self.grabs += 1
        return np.zeros((32, 64, 4), np.uint8)


def test_unchanged_screen_is_polled_at_the_frame_rate_and_sends_nothing_new() -> None:
    source = StillSource()
    frames: list[int] = []
    streamer = ScreenStreamer(
        lambda i, p: frames.append(i),
        source_factory=lambda: source,
        cursor_factory=None,
        max_fps=20,
    )
    streamer.start()
    threading.Event().wait(0.5)
    streamer.stop()
    assert frames == [1]  # the keyframe; afterwards an unchanged screen emits nothing
    assert 3 <= source.grabs <= 14  # about 20 per second, not a busy loop


def test_held_ack_time_is_not_counted_as_round_trip() -> None:
    """The agent held the ack 0.5 s (issue 12: acks are lazy): the round trip is the
    rest, so quality and frame rate do not drop as on a slow link."""
    clock = FakeClock()
    flow = FlowControl(clock, window=2, slow_rtt=0.15)
    flow.captured()
    flow.sent(1, 500)
    clock.now += 0.52
    assert flow.acked(1, held=0.5)
    assert flow.rtt is not None and math.isclose(flow.rtt, 0.02)
    assert flow.quality == 75 + 2 and flow.fps == 30


def test_a_frame_waiting_for_a_held_ack_leaves_the_window() -> None:
    clock = FakeClock()
    flow = FlowControl(clock, window=2, burst=10, ack_every=2)
    flow.sent(1, 100)
    clock.now += 0.01
    flow.acked(1)  # round trip 10 ms
    flow.sent(2, 100)  # a caret blink: the agent holds its ack
    flow.sent(3, 100)
    assert flow.delay() > 0  # two young frames: both may still be travelling
    clock.now += 0.02 + 0.011
    assert flow.delay() == 0  # frame 2 arrived long ago: its ack is held, not lost
    flow.sent(4, 100)  # frames 3 and 4 travel (window 2), frame 2 is held
    assert flow.delay() == math.inf
    assert flow.acked(4) and flow.in_flight == 0 and flow.delay() == 0


def test_on_a_slow_link_the_window_still_holds() -> None:
    """Frames the agent has not received are never presumed held: at most one (here
    the agent acks every second frame at once) leaves the window, however old."""
    clock = FakeClock()
    flow = FlowControl(clock, window=2, burst=10, ack_every=2)
    flow.sent(1, 100)
    clock.now += 0.01
    flow.acked(1)
    for frame_id in (2, 3):
        flow.sent(frame_id, 100)
    assert 0 < flow.delay() < 0.05  # frame 2 will count as held after 2 round trips
    clock.now += 5  # no ack at all for a long time: one slot, no more
    flow.sent(4, 100)
    assert flow.delay() == math.inf and flow.in_flight == 3
    before_any_ack = FlowControl(clock, window=2)
    before_any_ack.sent(1, 100)
    before_any_ack.sent(2, 100)
    clock.now += 5
    assert before_any_ack.delay() == math.inf  # no round trip known: nothing presumed
