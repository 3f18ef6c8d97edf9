"""The agent's lazy, cumulative acks (fake clock)."""

from __future__ import annotations

import pytest

from cobrowse.session.acks import ACK_DELAY, ACK_EVERY, DelayedAcks


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def test_every_second_frame_is_acked_at_once_cumulatively() -> None:
    acks = DelayedAcks(FakeClock())
    assert ACK_EVERY == 2
    assert acks.applied(1) is None and acks.pending
    assert acks.applied(2) == (2, 0)  # covers frame 1 too
    assert not acks.pending and acks.flush() is None


def test_a_lone_frame_is_acked_later_with_the_time_held() -> None:
    clock = FakeClock()
    acks = DelayedAcks(clock)
    assert acks.applied(7) is None
    clock.now += ACK_DELAY
    assert acks.flush() == (7, round(ACK_DELAY * 1000))
    assert acks.flush() is None
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
