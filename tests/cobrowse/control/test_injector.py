"""The injector over fake controllers: gate, keys, combos, mapping, release, local input."""

from __future__ import annotations

from control_fakes import Rig

from cobrowse.control import Monitor
from cobrowse.control.keys import blocked_combos
from cobrowse.session import events as ev


def key(code: str, text: str = "", pressed: bool = True) -> ev.Key:
    return ev.Key(code, text, pressed)


def tap(rig: Rig, code: str, text: str = "") -> None:
    rig.injector.handle(key(code, text, True))
    rig.injector.handle(key(code, text, False))


def test_printable_keys_are_typed_as_text_including_danish_letters() -> None:
    rig = Rig()
    for code, text in (("ae", "æ"), ("oslash", "ø"), ("aring", "å"), ("a", "A")):
        tap(rig, code, text)
    assert rig.keys() == [
        ("press", "æ"),
        ("release", "æ"),
        ("press", "ø"),
        ("release", "ø"),
        ("press", "å"),
        ("release", "å"),
        ("press", "A"),
        ("release", "A"),
    ]


def test_shortcuts_use_key_codes_not_text() -> None:
    rig = Rig()
    rig.injector.handle(key("ctrl_l"))
    tap(rig, "c", "\x03")
    rig.injector.handle(key("ctrl_l", pressed=False))
    tap(rig, "Enter")
    assert rig.keys() == [
        ("press", "<ctrl_l>"),
        ("press", "c"),
        ("release", "c"),
        ("release", "<ctrl_l>"),
        ("press", "<enter>"),
        ("release", "<enter>"),
    ]


def test_nothing_is_injected_without_consent() -> None:
    rig = Rig()
    rig.controlling = False
    for msg in (
        key("a", "a"),
        ev.PointerMove(5, 5),
        ev.PointerButton(5, 5, "left", True),
        ev.Wheel(1, 1, 0, -1),
    ):
        assert rig.injector.handle(msg) is False
    assert rig.calls == []
    assert rig.injector.refused == 4


def test_revoking_consent_releases_held_keys_and_buttons() -> None:
    rig = Rig()
    rig.injector.handle(key("shift"))
    rig.injector.handle(ev.PointerButton(10, 10, "left", True))
    rig.controlling = False
    assert rig.injector.handle(key("a", "A")) is False
    assert ("release", "<shift>") in rig.calls and ("mouse_release", "[left]") in rig.calls
    rig.calls.clear()
    rig.controlling = True
    rig.injector.handle(key("shift", pressed=False))  # its press was already released
    assert rig.keys() == []


def test_release_all_releases_in_reverse_order() -> None:
    rig = Rig()
    rig.injector.handle(key("ctrl"))
    rig.injector.handle(key("alt"))
    rig.calls.clear()
    rig.injector.release_all()
    assert rig.calls == [("release", "<alt>"), ("release", "<ctrl>")]


def test_blocked_combinations_never_reach_the_os() -> None:
    combos = blocked_combos("win32")
    for seq in (
        ["ctrl", "alt", "delete"],
        ["ctrl_l", "shift", "esc"],
        ["alt", "f4"],
        ["cmd", "l"],
        ["cmd_r", "r"],
    ):
        rig = Rig()
        rig.injector._combos = combos
        for code in seq:
            rig.injector.handle(key(code, code if len(code) == 1 else ""))
        for code in reversed(seq):
            rig.injector.handle(key(code, pressed=False))
        final = seq[-1]
        pressed = [c[1] for c in rig.keys() if c[0] == "press"]
        assert final not in pressed and f"<{final}>" not in pressed, seq
        assert len(pressed) == len(seq) - 1


def test_platform_equivalents_are_blocked() -> None:
    mac, linux = blocked_combos("darwin"), blocked_combos("linux")
    assert frozenset({"cmd", "alt", "esc"}) in mac and frozenset({"cmd", "q"}) in mac
    assert frozenset({"ctrl", "alt", "l"}) in linux and frozenset({"alt", "f2"}) in linux
    assert frozenset({"ctrl", "alt", "f3"}) in linux
    assert frozenset({"cmd", "l"}) in mac  # Win+L is blocked everywhere


def test_ordinary_shortcuts_pass() -> None:
    rig = Rig()
    for seq in (["ctrl", "a"], ["alt", "tab"], ["shift", "tab"], ["ctrl", "alt", "t"]):
        for code in seq:
            rig.injector.handle(key(code))
        for code in reversed(seq):
            rig.injector.handle(key(code, pressed=False))
    assert len([c for c in rig.keys() if c[0] == "press"]) == 9


def test_pointer_is_mapped_to_the_shared_monitor_and_clamped() -> None:
    rig = Rig(Monitor(1920, 0, 1280, 1024))
    rig.injector.handle(ev.PointerMove(100, 200))
    rig.injector.handle(ev.PointerButton(5000, -7, "right", True))
    rig.injector.handle(ev.PointerButton(5000, -7, "right", False))
    rig.injector.handle(ev.Wheel(0, 0, 0, -3))
    assert rig.calls == [
        ("move", 2020, 200),
        ("move", 3199, 0),
        ("mouse_press", "[right]"),
        ("move", 3199, 0),
        ("mouse_release", "[right]"),
        ("move", 1920, 0),
        ("scroll", 0, -3),
    ]


def test_citizen_moving_the_mouse_pauses_agent_input_for_over_a_second() -> None:
    rig = Rig()
    told: list[str] = []
    rig.injector.on_refused = told.append
    rig.injector.handle(ev.PointerMove(100, 100))
    rig.mouse.citizen_moves(400, 300)
    rig.clock.now += 0.01
    assert rig.injector.handle(ev.PointerMove(110, 110)) is False
    rig.clock.now += 1.0
    assert rig.injector.handle(key("a", "a")) is False
    rig.clock.now += 0.6
    assert rig.injector.handle(ev.PointerMove(120, 120)) is True
    assert rig.guard.pauses == 1
    assert told == ["citizen_active"]  # the agent hears why, once (not per dropped message)


def test_citizen_typing_pauses_and_releases_agent_keys() -> None:
    rig = Rig()
    rig.injector.handle(key("shift"))
    rig.clock.now += 1.0
    rig.guard.os_key_or_button()  # a key the agent did not inject
    assert rig.injector.handle(key("b", "B")) is False
    assert ("release", "<shift>") in rig.calls


def test_echoes_of_injected_input_are_not_local_input() -> None:
    rig = Rig()
    rig.injector.handle(ev.PointerMove(50, 60))
    rig.guard.os_move(50, 60)
    rig.injector.handle(key("x", "x"))
    rig.guard.os_key_or_button()
    rig.guard.os_key_or_button(injected=True)
    assert not rig.guard.paused()
    assert rig.injector.handle(key("x", "x", False)) is True


def test_auto_repeat_and_unknown_keys() -> None:
    rig = Rig()
    rig.injector.handle(key("a", "a"))
    rig.injector.handle(key("a", "a"))
    assert rig.keys() == [("press", "a"), ("release", "a"), ("press", "a")]
    assert rig.injector.handle(key("launch_rocket")) is False
    assert rig.injector.handle(key("alt_gr")) is False
    assert rig.injector.handle(key("nothing", pressed=False)) is False


def test_blocked_combo_is_reported_and_can_be_allowed_once() -> None:
    from cobrowse.control.keys import combo_label

    rig = Rig()
    stopped: list[tuple[str, ...]] = []
    rig.injector.on_blocked = stopped.append
    rig.injector._combos = blocked_combos("win32")
    rig.injector.handle(key("ctrl_l"))
    rig.injector.handle(key("alt"))
    rig.injector.handle(key("delete"))
    assert stopped == [("ctrl", "alt", "delete")]
    assert combo_label(stopped[0]) == "Ctrl+Alt+Delete"
    assert combo_label(("cmd", "alt", "esc"), "darwin") == "Cmd+Option+Esc"
    rig.injector.release_all()
    rig.calls.clear()
    assert rig.injector.press_combo(stopped[0]) is True
    assert rig.keys() == [
        ("press", "<ctrl>"),
        ("press", "<alt>"),
        ("press", "<delete>"),
        ("release", "<delete>"),
        ("release", "<alt>"),
        ("release", "<ctrl>"),
    ]
    rig.controlling = False
    assert rig.injector.press_combo(stopped[0]) is False


def test_altgr_symbols_from_a_windows_agent_arrive_as_text() -> None:
    rig = Rig()
    rig.injector.handle(key("ctrl"))
    rig.injector.handle(key("alt"))
    rig.calls.clear()
    rig.injector.handle(key("@", "@"))
    rig.injector.handle(key("@", "@", False))
    assert rig.keys() == [
        ("release", "<ctrl>"),
        ("release", "<alt>"),
        ("press", "@"),
        ("release", "@"),
        ("press", "<ctrl>"),
        ("press", "<alt>"),
    ]
    rig.calls.clear()
    rig.injector.handle(key("t", "t"))  # Ctrl+Alt+T stays a shortcut
    assert rig.keys() == [("press", "t")]


def test_the_clients_own_windows_are_out_of_reach() -> None:
    """A consent dialog at (600, 400, 300, 200) on a second monitor: the agent can point
    at it but not click, scroll or type into it."""
    rig = Rig(Monitor(1920, 0, 1280, 1024))
    rig.injector.shield.publish([(2520, 400, 300, 200)], focused=False)
    assert rig.injector.handle(ev.PointerMove(650, 450))  # hovering is harmless
    assert not rig.injector.handle(ev.PointerButton(650, 450, "left", True))
    assert not rig.injector.handle(ev.Wheel(650, 450, 0, -1))
    assert rig.injector.handle(ev.PointerButton(100, 100, "left", True))  # the form: fine
    assert rig.injector.handle(ev.PointerButton(650, 450, "left", False))  # released anywhere
    assert [c for c in rig.calls if c[0] != "move"] == [
        ("mouse_press", "[left]"),
        ("mouse_release", "[left]"),
    ]
    rig.calls.clear()
    rig.injector.shield.publish([(2520, 400, 300, 200)], focused=True)  # the dialog has focus
    assert not rig.injector.handle(key("enter"))
    assert not rig.injector.handle(key("enter", pressed=False))  # its release swallowed too
    rig.injector.shield.publish([], focused=False)  # the dialog closed
    tap(rig, "a", "a")
    assert rig.keys() == [("press", "a"), ("release", "a")]
    assert rig.injector.handle(ev.PointerButton(650, 450, "left", True))


def test_the_platforms_idle_time_pauses_agent_input_for_the_citizens_typing() -> None:
    rig = Rig()  # idle: Windows' GetLastInputInfo, macOS' HID idle time
    assert rig.injector.handle(key("a", "a")) is True
    rig.clock.now += 2.0
    rig.idle = 0.2  # the OS saw input 1.8 s after our last key: the citizen typed
    assert rig.injector.handle(key("b", "b")) is False
    assert rig.guard.pauses == 1
