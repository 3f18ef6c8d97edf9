"""Local-input guard timing and the Esc-Esc-Esc hotkey."""

from __future__ import annotations

from control_fakes import Clock

from cobrowse.control import LocalInputGuard, TripleEscape
from cobrowse.control.keys import is_blocked, normalize, target_for


def test_guard_pause_is_renewed_while_the_citizen_keeps_going() -> None:
    clock = Clock()
    started: list[int] = []
    guard = LocalInputGuard(clock=clock, on_pause=lambda: started.append(1))
    guard.local_input()
    clock.now += 1.2
    guard.local_input()
    clock.now += 1.2
    assert guard.paused()
    clock.now += 0.4
    assert not guard.paused()
    assert started == [1]


def test_triple_escape_within_window_fires_once() -> None:
    clock = Clock()
    fired: list[int] = []
    hot = TripleEscape(lambda: fired.append(1), clock=clock)
    for _ in range(3):
        hot.escape_pressed()
        clock.now += 0.5
    assert fired == [1]
    hot.escape_pressed()
    assert fired == [1]


def test_triple_escape_too_slow_or_interrupted_does_not_fire() -> None:
    clock = Clock()
    fired: list[int] = []
    hot = TripleEscape(lambda: fired.append(1), clock=clock)
    for _ in range(3):
        hot.escape_pressed()
        clock.now += 0.8
    hot.other_key()
    hot.escape_pressed()
    assert fired == []


def test_agents_injected_escape_does_not_count() -> None:
    clock = Clock()
    fired: list[int] = []
    hot = TripleEscape(lambda: fired.append(1), clock=clock)
    for _ in range(3):
        hot.injected_escape()
        hot.escape_pressed()
        hot.escape_pressed(injected=True)
        clock.now += 0.4
    assert fired == []


def test_key_names() -> None:
    assert normalize("Escape") == "esc" and normalize("Page-Down") == "page_down"
    assert normalize("Win") == "cmd" and normalize("A") == "a"
    assert target_for("a", "å", frozenset()).char == "å"
    assert target_for("a", "a", frozenset({"ctrl_l"})).char == "a"
    assert target_for("f5", "", frozenset()).special == "f5"
    assert is_blocked(frozenset({"ctrl_r", "alt_l"}), "delete")
    assert not is_blocked(frozenset({"ctrl"}), "delete")


def test_os_idle_time_counts_only_input_that_is_not_our_own() -> None:
    clock = Clock()
    guard = LocalInputGuard(clock=clock)
    guard.os_input_ago(30.0)  # before the guard existed: not news
    assert not guard.paused()
    clock.now += 5
    guard.injected_other()
    clock.now += 0.1
    guard.os_input_ago(0.1)  # the OS saw our own injection
    assert not guard.paused()
    clock.now += 2
    guard.os_input_ago(0.5)  # 1.5 s after our injection: the citizen's hand
    assert guard.paused() and guard.pauses == 1
    clock.now += 2
    guard.os_input_ago(2.5)  # the same input seen again is not new
    assert not guard.paused()
