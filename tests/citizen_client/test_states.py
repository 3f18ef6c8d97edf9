"""Every phase of the citizen window, driven by feeding events into the app's slot."""

from __future__ import annotations

from typing import Any

import pytest
from citizen_fakes import CODE, OFFSCREEN, to_controlled, to_sharing
from PySide6.QtWidgets import QApplication, QLabel

from citizen_client.app import CitizenApp
from cobrowse.screen.capture import CursorImage
from cobrowse.session import events as ev
from cobrowse.session.codes import SessionCode
from cobrowse.session.endpoint import (
    AgentJoined,
    CodeReady,
    PeerLeft,
    Reconnecting,
    RelayUnreachable,
)

pytestmark = OFFSCREEN


def main_text(app: CitizenApp) -> str:
    w = app.view.window
    page = w.pages.currentWidget()
    if page is w.code:
        return " ".join((w.code.note.text(), w.code.heading.text(), w.code.code.text()))
    return f"{w.status.heading.text()} {w.status.detail.text()}"


def test_starts_connecting_in_danish(citizen: CitizenApp) -> None:
    assert citizen.endpoint.calls == ["start"]
    assert "Forbinder" in main_text(citizen)
    assert citizen.view.window.language.text() == "English"


def test_unreachable_says_so_plainly_and_keeps_retrying(citizen: CitizenApp) -> None:
    citizen.handle(RelayUnreachable("cannot reach ws://x: [Errno 111]", 4.2))
    text = main_text(citizen)
    assert "ikke få forbindelse" in text and "5 sekunder" in text
    assert "Errno" not in text and "ws://" not in text
    citizen.handle(CodeReady(CODE))
    assert "0042 123 456" in main_text(citizen)


def test_code_is_shown_big_with_the_instruction(citizen: CitizenApp) -> None:
    citizen.handle(CodeReady(CODE))
    code = citizen.view.window.code.code
    assert code.text() == "0042 123 456"
    code.ensurePolished()
    assert code.font().pointSize() >= 40
    heading = citizen.view.window.code.hint
    heading.ensurePolished()
    assert heading.font().pointSize() >= 18
    assert "Læs dette nummer op for den, der hjælper dig" in main_text(citizen)


def test_english_is_selectable_and_everything_is_repainted(citizen: CitizenApp) -> None:
    citizen.handle(CodeReady(CODE))
    citizen.view.window.language.click()
    assert "Read this number to the person helping you" in main_text(citizen)
    assert citizen.view.window.language.text() == "Dansk"
    citizen.view.window.language.click()
    assert "Læs dette nummer" in main_text(citizen)


def test_view_consent_dialog_names_the_agent(citizen: CitizenApp) -> None:
    citizen.handle(CodeReady(CODE))
    citizen.handle(AgentJoined("Anna Jensen", "Albertslund"))
    citizen.handle(ev.Paired("4812"))
    citizen.handle(ev.ConsentRequest("view"))
    d = citizen.view.view_dialog
    assert d.isVisible()
    assert d.question.text() == "Anna Jensen, Albertslund vil gerne se din skærm."
    assert (d.yes.text(), d.no.text()) == ("Tillad", "Tillad ikke")
    assert citizen.endpoint.sent == []


def test_deny_ends_politely_and_offers_a_new_code(citizen: CitizenApp) -> None:
    citizen.handle(CodeReady(CODE))
    citizen.handle(AgentJoined("Anna Jensen", "Albertslund"))
    citizen.handle(ev.Paired("4812"))
    citizen.handle(ev.ConsentRequest("view"))
    citizen.view.view_dialog.no.click()
    assert citizen.endpoint.of(ev.ConsentDeny) == [ev.ConsentDeny("view")]
    assert citizen.endpoint.calls[-2:] == ["end:denied", "new_code"]
    citizen.handle(ev.SessionEnded("denied", False))
    assert "ikke vist" in main_text(citizen)
    citizen.handle(CodeReady(CODE.__class__("0043", "654321")))
    text = main_text(citizen)
    assert "0043 654 321" in text and "nye nummer" in text
    assert not citizen.view.bar.isVisible()


def test_granting_view_shows_the_sharing_bar_and_starts_streaming(
    citizen: CitizenApp, rig: Any
) -> None:
    to_sharing(citizen)
    assert citizen.endpoint.sent[0] == ev.ConsentGrant("view")
    info = citizen.endpoint.of(ev.ScreenInfo)[0]
    assert info.monitors[0] == (0, 0, 1920, 1080) and info.current == 0
    assert rig.streamers[0].calls[:1] == [("start",)]
    bar = citizen.view.bar
    assert bar.isVisible() and bar.text.text() == "Anna ser din skærm"
    assert (bar.pause.text(), bar.stop.text()) == ("Pause", "Stop")
    assert not bar.take_back.isVisible()
    assert rig.listener_calls == ["start"]


def test_frames_go_to_the_endpoint_and_acks_to_the_streamer(citizen: CitizenApp, rig: Any) -> None:
    to_sharing(citizen)
    rig.streamers[0].on_frame(7, b"tiles")
    assert citizen.endpoint.frames == [(7, b"tiles")]
    citizen.router(ev.FrameAck(7, 0))  # network thread path
    assert ("ack", 7) in rig.streamers[0].calls
    citizen.router(ev.KeyframeRequest())  # the agent lost its picture
    assert rig.streamers[0].calls[-1] == ("keyframe",)
    rig.streamers[0].on_cursor(5, 6, True)
    assert ev.Cursor(5, 6, True) in citizen.endpoint.sent
    rig.streamers[0].on_cursor_shape(CursorImage(9, 1, 2, 0, 1, b"\xff" * 8))
    assert ev.CursorShape(1, 2, 0, 1, b"\xff" * 8) in citizen.endpoint.sent


def test_pause_and_resume(citizen: CitizenApp, rig: Any) -> None:
    to_sharing(citizen)
    citizen.view.bar.pause.click()
    assert citizen.endpoint.sent[-1] == ev.PrivacyPause()
    assert rig.streamers[0].calls[-1] == ("pause",)
    assert citizen.view.bar.pause.text() == "Fortsæt"
    assert "Pause" in citizen.view.bar.text.text()
    citizen.view.bar.pause.click()
    assert citizen.endpoint.sent[-1] == ev.PrivacyResume()
    assert rig.streamers[0].calls[-1] == ("resume",)


def test_select_monitor_moves_streaming_and_injection(citizen: CitizenApp, rig: Any) -> None:
    to_controlled(citizen)
    citizen.handle(ev.SelectMonitor(1))
    assert ("select", 1) in rig.streamers[0].calls
    assert citizen.endpoint.sent[-1] == ev.ScreenInfo(
        ((0, 0, 1920, 1080), (1920, 0, 1280, 1024)), 1
    )
    citizen.router(ev.PointerMove(10, 20))
    assert rig.mouse.position == (1930, 20)


def test_step_banner_shows_only_the_citizen_text(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(ev.ShowStep(3, 7, "Tjek at borgeren er klar", "Find dit MitID frem."))
    banner = citizen.view.banner
    assert banner.isVisible()
    assert (banner.title.text(), banner.text.text()) == ("Trin 3 af 7", "Find dit MitID frem.")
    shown = [w.text() for w in banner.findChildren(QLabel)] + [banner.tab.text()]
    assert not any("borgeren" in t for t in shown)  # the agent's title never shows
    citizen.handle(ev.ShowStep(4, 7, "Kun til medarbejderen", ""))  # no citizen text
    assert not banner.isVisible() and not banner.tab.isVisible()


def test_highlight_ring_appears_and_goes_away(citizen: CitizenApp, qtbot: Any) -> None:
    to_sharing(citizen)
    citizen.handle(ev.Highlight(300, 400))
    ring = citizen.view.ring
    assert ring.isVisible()
    assert ring.geometry().center().x() in range(295, 305)
    qtbot.waitUntil(lambda: not ring.isVisible(), timeout=3000)


def test_reconnecting_then_back_to_sharing_without_control(citizen: CitizenApp, rig: Any) -> None:
    to_controlled(citizen)
    citizen.router(Reconnecting("lost"))
    citizen.handle(Reconnecting("lost"))
    citizen.handle(ev.ControlOff())
    assert "Forbinder igen" in main_text(citizen)
    assert not citizen.view.frame.visible()
    assert not citizen.armed
    citizen.handle(ev.Secured())
    assert citizen.view.phase == "sharing"
    assert rig.streamers[0].calls[-2:] == [("reset",), ("resume",)]
    assert isinstance(citizen.endpoint.sent[-1], ev.ScreenInfo)


def test_ended_removes_bar_frame_and_overlays(citizen: CitizenApp, rig: Any, qtbot: Any) -> None:
    citizen.view.window.show()
    to_controlled(citizen)
    v = citizen.view
    assert v.window.isMinimized()  # out of the agent's way while shared; the bar says it
    citizen.handle(ev.ShowStep(1, 2, "Trin", "Tekst til borgeren"))
    citizen.handle(ev.Highlight(5, 5))
    citizen.router(ev.Key("shift", "", True))  # the agent holds a key down
    citizen.router(ev.SessionEnded("done", True))  # network thread: released at once
    assert ("release", "<shift>") in rig.keyboard.calls
    citizen.handle(ev.SessionEnded("done", True))
    injected = len(rig.keyboard.calls)
    citizen.router(ev.Key("x", "x", True))  # input still in flight: nothing happens
    assert not citizen.gate() and len(rig.keyboard.calls) == injected
    assert main_text(citizen).startswith("Hjælperen har afsluttet forbindelsen.")
    assert v.window.isVisible() and not v.window.isMinimized()  # back to say it has ended
    assert not (v.bar.isVisible() or v.frame.visible() or v.banner.isVisible())
    assert not (v.ring.isVisible() or v.control_dialog.isVisible())
    qtbot.waitUntil(lambda: rig.listener_calls[-1:] == ["stop"], timeout=3000)
    assert ("stop",) in rig.streamers[0].calls
    assert "stop" not in citizen.endpoint.calls  # the relay connection stays for a new code
    status = v.window.status
    assert (status.action.text(), status.second.text()) == ("Nyt nummer", "Luk")
    status.second.click()
    assert not v.window.isVisible()


@pytest.mark.parametrize(
    ("reason", "heading"),
    [
        ("done", "Hjælperen har afsluttet forbindelsen."),
        ("agent_closed", "Hjælperen har afsluttet forbindelsen."),
        ("left", "Hjælperen har afsluttet forbindelsen."),
        ("security", "Forbindelsen blev lukket af sikkerhedshensyn."),
        ("timeout", "Forbindelsen til hjælperen blev afbrudt."),
        ("connection_lost", "Forbindelsen til hjælperen blev afbrudt."),
        ("account_disabled", "Forbindelsen til hjælperen blev afbrudt."),
        ("some_new_word", "Hjælperen har afsluttet forbindelsen."),
    ],
)
def test_every_end_by_the_helper_is_one_plain_sentence(
    citizen: CitizenApp, reason: str, heading: str
) -> None:
    to_sharing(citizen)
    citizen.handle(ev.SessionEnded(reason, True))
    assert citizen.view.window.status.heading.text() == heading
    assert reason not in main_text(citizen) and "(" not in main_text(citizen)


def test_new_number_after_the_end_is_one_click(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(ev.SessionEnded("done", True))
    citizen.handle(CodeReady(SessionCode("7777", "654321")))  # the endpoint fetched it
    assert citizen.view.phase == "ended"  # not shown over the end screen by itself
    citizen.view.window.status.action.click()
    assert citizen.view.phase == "code" and "7777 654 321" in main_text(citizen)
    assert "new_code" not in citizen.endpoint.calls  # it was already there


def test_new_number_after_own_stop_asks_for_one(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.view.bar.stop.click()
    assert "end:done" in citizen.endpoint.calls
    assert main_text(citizen).startswith("Du har afsluttet sessionen.")
    citizen.view.window.status.action.click()
    assert citizen.endpoint.calls[-1] == "new_code"
    assert citizen.view.phase == "connecting"
    citizen.handle(CodeReady(CODE))
    assert citizen.view.phase == "code"


def test_helper_away_waits_with_control_off_and_offers_a_new_number(
    citizen: CitizenApp, rig: Any
) -> None:
    citizen.view.window.show()
    to_controlled(citizen)
    citizen.router(ev.Key("shift", "", True))
    citizen.router(PeerLeft("connection_lost"))
    assert ("release", "<shift>") in rig.keyboard.calls
    citizen.handle(PeerLeft("connection_lost"))
    assert not citizen.armed and not citizen.gate()
    assert citizen.view.phase == "helper_away"
    assert main_text(citizen).startswith("Forbindelsen til hjælperen er afbrudt.")
    assert "venter på, at hjælperen kommer tilbage" in main_text(citizen)
    v = citizen.view
    assert not v.frame.visible() and v.bar.isVisible()  # Stop stays on top
    assert not v.window.isMinimized()
    citizen.handle(ev.Secured())  # the helper came back
    assert citizen.view.phase == "sharing"
    citizen.handle(PeerLeft("connection_lost"))
    v.window.status.action.click()  # "Nyt nummer": stop waiting
    assert citizen.endpoint.calls[-2:] == ["end:done", "new_code"]
    citizen.handle(ev.SessionEnded("done", False))  # our own end: no end screen
    assert citizen.view.phase == "connecting"
    citizen.handle(CodeReady(CODE))
    assert citizen.view.phase == "code"


def test_helper_gone_for_good_after_waiting_ends(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(PeerLeft("connection_lost"))
    citizen.handle(ev.SessionEnded("timeout", True))
    assert citizen.view.phase == "ended"
    assert citizen.view.window.status.heading.text() == "Forbindelsen til hjælperen blev afbrudt."


def test_relay_lost_shows_a_fresh_code_with_a_plain_sentence(citizen: CitizenApp) -> None:
    """After a relay restart the resume is refused: a new code, not "Sessionen er slut"."""
    to_controlled(citizen)
    citizen.handle(Reconnecting("lost"))
    citizen.handle(ev.SessionEnded("connection_lost", False))
    assert not citizen.armed and citizen.router.injector is None
    citizen.handle(CodeReady(SessionCode("3131", "000111")))
    assert citizen.view.phase == "code"
    text = main_text(citizen)
    assert text.startswith("Forbindelsen blev afbrudt") and "nyt nummer" in text
    assert "3131 000 111" in text and "slut" not in text


@pytest.mark.parametrize(
    ("reason", "by_peer", "note"),
    [
        ("security", False, "Forbindelsen var ikke sikker"),
        ("protocol", False, "Forbindelsen kunne ikke oprettes"),
        ("left", True, "Forbindelsen kunne ikke oprettes"),
        ("wrong_code", False, "Nummeret passede ikke"),
    ],
)
def test_failed_pairing_shows_a_fresh_code_by_itself(
    citizen: CitizenApp, reason: str, by_peer: bool, note: str
) -> None:
    citizen.handle(CodeReady(CODE))
    citizen.handle(AgentJoined("Anna Jensen", "Albertslund"))
    citizen.handle(ev.SessionEnded(reason, by_peer))
    citizen.handle(CodeReady(SessionCode("3131", "000111")))
    assert citizen.view.phase == "code"
    assert note in main_text(citizen) and "3131 000 111" in main_text(citizen)


def test_stop_button_ends_the_session(citizen: CitizenApp, qtbot: Any, rig: Any) -> None:
    to_sharing(citizen)
    citizen.view.bar.stop.click()
    assert "end:done" in citizen.endpoint.calls
    assert citizen.view.phase == "ended"
    qtbot.waitUntil(lambda: ("stop",) in rig.streamers[0].calls, timeout=3000)


def test_wrong_code_before_pairing_waits_for_a_new_code(citizen: CitizenApp) -> None:
    citizen.handle(CodeReady(CODE))
    citizen.handle(AgentJoined("Anna Jensen", "Albertslund"))
    citizen.handle(ev.SessionEnded("wrong_code", False))
    assert "passede ikke" in main_text(citizen)
    citizen.handle(CodeReady(CODE))
    assert "passede ikke" in main_text(citizen)  # the note stays with the new code


def test_outside_opening_hours_says_the_hotline_is_closed(citizen: CitizenApp) -> None:
    from datetime import UTC, datetime

    from cobrowse.hours import OpeningHours

    citizen.view.hours = OpeningHours()
    citizen.view.now = lambda: datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday morning
    citizen.handle(RelayUnreachable("x", 2))
    text = main_text(citizen)
    assert text.startswith("Hotlinen er lukket.") and "19.00" in text and "2 sekunder" in text


class Keeper:
    """Counts the times the keyboard would be handed back to the citizen's browser."""

    def __init__(self) -> None:
        self.given = 0

    def remember(self) -> None:
        pass

    def give_back(self) -> int:
        self.given += 1
        return 1

    def close(self) -> None:
        pass


@pytest.mark.parametrize(
    ("reason", "heading"),
    [
        ("connection_lost", "Forbindelsen blev afbrudt"),  # the relay lost for good
        ("security", "Forbindelsen var ikke sikker"),
    ],
)
def test_a_new_code_after_a_loss_brings_the_window_back(
    citizen: CitizenApp, reason: str, heading: str
) -> None:
    """The window was minimised while shared; the new code must be in front, not on
    the taskbar - the citizen has to read it out."""
    v = citizen.view
    v.window.show()
    to_controlled(citizen)
    assert v.window.isMinimized()
    citizen.handle(Reconnecting("lost"))
    assert v.window.isMinimized()  # a short wait: the bar says it
    citizen.handle(ev.SessionEnded(reason, False))
    assert v.window.isVisible() and not v.window.isMinimized()
    citizen.handle(CodeReady(SessionCode("3131", "000111")))
    assert main_text(citizen).startswith(heading) and not v.window.isMinimized()


@pytest.mark.parametrize("asked", ["control", "link"])
def test_helper_away_keeps_the_window_in_front_when_a_question_goes(
    citizen: CitizenApp, qtbot: Any, asked: str
) -> None:
    """A question withdrawn because the helper went away must not hand the keyboard
    (and the top of the stack) back to the browser over "Forbindelsen ... er afbrudt"."""
    v = citizen.view
    v.window.show()
    to_sharing(citizen)
    keeper = Keeper()
    v.focus = keeper
    if asked == "control":
        citizen.handle(ev.ConsentRequest("control"))
    else:
        v.ask_link("https://www.borger.dk/")
    dialog = v.control_dialog if asked == "control" else v.link_dialog
    assert dialog.isVisible()
    citizen.handle(PeerLeft("connection_lost"))
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert v.phase == "helper_away" and not v.window.isMinimized()
    QApplication.processEvents()  # the queued hand-back would run now
    assert keeper.given == 0
    citizen.handle(ev.Secured())  # the helper is back: the browser gets the keyboard again
    v.ask_link("https://www.borger.dk/")
    v.link_dialog.no.click()
    qtbot.waitUntil(lambda: keeper.given == 1, timeout=3000)


def test_window_opens_in_the_middle_of_the_screen_and_stays_where_moved(
    citizen: CitizenApp, qtbot: Any
) -> None:
    w = citizen.view.window
    qtbot.waitExposed(w)
    screen = QApplication.primaryScreen().availableGeometry()
    assert abs(w.geometry().center().x() - screen.center().x()) <= 2
    assert abs(w.geometry().center().y() - screen.center().y()) <= 2
    w.move(screen.x(), screen.y())  # the citizen moves it; minimised and restored ...
    w.hide()
    w.show()
    assert w.pos() == screen.topLeft()  # ... it comes back where they put it


def test_centred_keeps_a_window_larger_than_the_screen_inside_it() -> None:
    from PySide6.QtCore import QRect, QSize

    from citizen_client.window import centred

    assert centred(QSize(100, 50), QRect(10, 20, 300, 150)).toTuple() == (110, 70)
    assert centred(QSize(900, 700), QRect(10, 20, 300, 150)).toTuple() == (10, 20)
