"""Control consent: the verifier, the frame, take back (button and Esc x3), gating."""

from __future__ import annotations

from typing import Any

from citizen_fakes import OFFSCREEN, to_controlled, to_sharing

from citizen_client.app import CitizenApp
from cobrowse.session import events as ev
from cobrowse.session.state import State

pytestmark = OFFSCREEN


def test_control_dialog_shows_the_spaced_verifier(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(ev.ConsentRequest("control"))
    d = citizen.view.control_dialog
    assert d.isVisible()
    assert d.question.text() == "Anna Jensen beder om at styre din mus og dit tastatur."
    assert d.number.text() == "4 8 1 2"
    assert (d.yes.text(), d.no.text()) == ("Tillad styring", "Nej")
    assert d.no.hasFocus() or not d.isActiveWindow()


def test_no_input_before_consent_and_none_after_saying_no(citizen: CitizenApp, rig: Any) -> None:
    to_sharing(citizen)
    citizen.endpoint.session.state = State.CONTROLLING  # even if the session were wrong
    citizen.router(ev.Key("a", "a", True))
    citizen.handle(ev.ConsentRequest("control"))
    citizen.view.control_dialog.no.click()
    assert citizen.endpoint.sent[-1] == ev.ConsentDeny("control")
    citizen.router(ev.Key("b", "b", True))
    assert rig.keyboard.calls == []


def test_granted_control_injects_and_shows_the_frame(citizen: CitizenApp, rig: Any) -> None:
    to_controlled(citizen)
    assert citizen.endpoint.sent[-1] == ev.ConsentGrant("control")
    assert citizen.view.frame.visible()
    bar = citizen.view.bar
    assert bar.take_back.isVisible() and bar.take_back.text() == "Tag kontrollen tilbage"
    assert bar.text.text() == "Anna styrer"
    assert "styrer din mus" in citizen.view.window.status.heading.text()
    citizen.router(ev.Key("ae", "æ", True))
    assert rig.keyboard.calls == [("press", "æ")]


def test_take_back_button_revokes_and_releases_held_keys(citizen: CitizenApp, rig: Any) -> None:
    to_controlled(citizen)
    citizen.router(ev.Key("shift", "", True))
    citizen.view.bar.take_back.click()
    assert citizen.endpoint.sent[-1] == ev.ConsentRevoke("control")
    assert ("release", "<shift>") in rig.keyboard.calls
    assert not citizen.view.frame.visible()
    citizen.router(ev.Key("x", "x", True))  # input still in flight: refused
    assert ("press", "x") not in rig.keyboard.calls


def test_escape_three_times_takes_control_back(citizen: CitizenApp, rig: Any, qtbot: Any) -> None:
    to_controlled(citizen)
    assert rig.hotkey is not None
    for _ in range(3):
        rig.hotkey.escape_pressed()
    assert not citizen.armed  # at once, on the listener's thread
    qtbot.waitUntil(lambda: citizen.view.phase == "sharing", timeout=2000)
    assert citizen.endpoint.sent[-1] == ev.ConsentRevoke("control")


def test_agent_hands_back_control(citizen: CitizenApp) -> None:
    to_controlled(citizen)
    citizen.handle(ev.ControlOff())
    assert citizen.view.phase == "sharing" and not citizen.view.frame.visible()


def test_pause_while_controlled_drops_control(citizen: CitizenApp, rig: Any) -> None:
    to_controlled(citizen)
    citizen.router(ev.Key("ctrl", "", True))
    citizen.view.bar.pause.click()
    assert ("release", "<ctrl>") in rig.keyboard.calls
    citizen.router(ev.Key("v", "v", True))
    assert ("press", "v") not in rig.keyboard.calls
    assert not citizen.view.frame.visible()


def test_events_from_another_thread_arrive_on_the_gui_thread(
    citizen: CitizenApp, qtbot: Any
) -> None:
    import threading

    seen: list[bool] = []
    original = citizen.view.show_step

    def spy(*args: Any) -> None:
        seen.append(threading.current_thread() is threading.main_thread())
        original(*args)

    citizen.view.show_step = spy  # type: ignore[method-assign]
    to_sharing(citizen)
    t = threading.Thread(target=citizen.router, args=(ev.ShowStep(1, 2, "A", ""),))
    t.start()
    t.join()
    qtbot.waitUntil(lambda: seen == [True], timeout=2000)


def test_main_window_offers_take_back_too(citizen: CitizenApp) -> None:
    to_controlled(citizen)
    action = citizen.view.window.status.action
    assert action.isVisible() and action.text() == "Tag kontrollen tilbage"
    action.click()
    assert citizen.endpoint.sent[-1] == ev.ConsentRevoke("control")
    assert not action.isVisible()


def test_blocked_combo_is_asked_and_pressed_once_if_allowed(
    citizen: CitizenApp, rig: Any, qtbot: Any
) -> None:
    to_controlled(citizen)
    for code in ("ctrl", "alt", "delete"):
        citizen.router(ev.Key(code, "", True))
    d = citizen.view.combo_dialog
    qtbot.waitUntil(d.isVisible, timeout=2000)
    assert d.question.text() == "Anna Jensen vil trykke Ctrl+Alt+Delete."
    assert ("press", "<delete>") not in rig.keyboard.calls
    for code in ("delete", "alt", "ctrl"):
        citizen.router(ev.Key(code, "", False))
    rig.keyboard.calls.clear()
    d.yes.click()
    assert rig.keyboard.calls == [
        ("press", "<ctrl>"),
        ("press", "<alt>"),
        ("press", "<delete>"),
        ("release", "<delete>"),
        ("release", "<alt>"),
        ("release", "<ctrl>"),
    ]


def test_blocked_combo_question_goes_away_with_control(
    citizen: CitizenApp, rig: Any, qtbot: Any
) -> None:
    to_controlled(citizen)
    citizen.router(ev.Key("alt", "", True))
    citizen.router(ev.Key("f4", "", True))
    qtbot.waitUntil(citizen.view.combo_dialog.isVisible, timeout=2000)
    citizen.view.bar.take_back.click()
    assert not citizen.view.combo_dialog.isVisible()
    assert ("press", "<f4>") not in rig.keyboard.calls


def test_input_aimed_at_the_clients_own_window_is_refused_and_the_agent_told(
    citizen: CitizenApp, rig: Any
) -> None:
    to_controlled(citizen)
    injector = citizen.router.injector
    assert injector is not None and injector.shield is citizen.shielding.shield
    injector.shield.publish([(0, 0, 400, 300)], focused=True)  # as on a real X display
    citizen.router(ev.PointerButton(100, 100, "left", True))
    citizen.router(ev.Key("a", "a", True))
    assert rig.keyboard.calls == [] and ("press", "[left]") not in rig.mouse.calls
    injector.shield.publish([], focused=False)  # the citizen clicked into the form
    citizen.router(ev.PointerButton(100, 100, "left", True))
    assert ("press", "[left]") in rig.mouse.calls  # the same click lands now
    assert citizen.endpoint.of(ev.InputRefused) == [ev.InputRefused("own_window")]  # once
