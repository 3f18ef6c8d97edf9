"""The floor stamps damage with the X server's own clock (bench/damage.py)."""

from __future__ import annotations

import pytest

from bench.damage import _server_time


def test_server_timestamps_map_onto_the_monotonic_clock_across_the_wrap() -> None:
    now = 1000.0  # seconds; the server's ms clock of that moment is 1_000_000
    assert _server_time(1_000_000 - 40, now) == pytest.approx(now - 0.040)
    wrapped_now = (2**32 + 5) / 1000  # the 32-bit ms clock wrapped 5 ms ago
    assert _server_time(2**32 - 10, wrapped_now) == pytest.approx(wrapped_now - 0.015)


def test_a_server_on_another_clock_gets_the_read_time() -> None:
    assert _server_time(12345, 5000.0) == 5000.0  # ~83 minutes old: not our clock
    assert _server_time(5_000_010, 5000.0) == 5000.0  # in the future
