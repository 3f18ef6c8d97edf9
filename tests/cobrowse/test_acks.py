"""The agent's lazy, cumulative acks (fake clock)."""

from __future__ import annotations

import pytest

from cobrowse.session.acks import ACK_DELAY, ACK_EVERY, BURST_GAP, DelayedAcks


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_typing_pace_frames_are_acked_together_every_fourth_at_once() -> None:
    clock = FakeClock()
    acks = DelayedAcks(clock)
    assert ACK_EVERY == 4
    for frame_id in (1, 2, 3):  # 8 characters a second
        assert acks.applied(frame_id) is None and acks.pending
        clock.now += 0.125
    assert acks.applied(4) == (4, 0)  # covers frames 1-3 too
    assert not acks.pending and acks.flush() is None


def test_a_burst_is_acked_at_once_so_the_window_reopens_at_round_trip_pace() -> None:
    clock = FakeClock()
    acks = DelayedAcks(clock)
    assert acks.applied(1) is None
    clock.now += BURST_GAP / 2  # a page change: the next frame right behind
    assert acks.applied(2) == (2, 0)
    clock.now += BURST_GAP / 2
    assert acks.applied(3) == (3, 0)


def test_a_lone_frame_is_acked_later_with_the_time_held() -> None:
    clock = FakeClock()
    acks = DelayedAcks(clock)
    assert acks.applied(7) is None
    clock.now += ACK_DELAY
    assert acks.flush() == (7, round(ACK_DELAY * 1000))
    assert acks.flush() is None
    clock.now += 1
    assert acks.applied(8) is None  # the count starts again after a flush


def test_held_time_is_capped_and_bad_settings_are_refused() -> None:
    clock = FakeClock()
    acks = DelayedAcks(clock)
    acks.applied(1)
    clock.now += 1000
    assert acks.flush() == (1, 60_000)
    assert DelayedAcks(clock, delay=0).applied(3) == (3, 0)  # delay 0: every frame at once
    with pytest.raises(ValueError):
        DelayedAcks(clock, every=0)
