"""A whole session: the app against a real relay and a headless citizen endpoint."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from agent_helpers import QT_NOISE, TIMEOUT, Citizen, connect, paint, screen, sign_in
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor

from agent_app.app import AgentApp
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.session import events as ev
from cobrowse.session.endpoint import PeerBack
from cobrowse.sessionlog import SessionLog

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)
MS = int(TIMEOUT * 1000)
SCREEN = (320, 200)


def canvas_point(app: AgentApp, x: int, y: int) -> QPoint:
    canvas = app.window.canvas
    s = canvas.scale()
    off = canvas._offset()
    return QPoint(int(off.x() + (x + 0.5) * s), int(off.y() + (y + 0.5) * s))


def test_code_entry_errors_inline(qtbot: Any, agent_app: AgentApp) -> None:
    sign_in(qtbot, agent_app)
    page = agent_app.window.code_page
    for typed, words in (
        ("12 34", "der mangler 6"),
        ("123 456 78x", "kun indeholde cifre"),
        ("", "10-cifrede kode"),
        ("12345678901", "1 for mange"),
    ):
        page.code.setText(typed)
        page.connect_button.click()
        assert words in page.error.text()
    assert agent_app.session.phase == "ready"


def test_view_paints_frames_cursor_and_pause(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    connect(qtbot, agent_app, citizen)
    window = agent_app.window
    assert window.stack.currentWidget() is window.view
    citizen.endpoint.send(ev.ScreenInfo(((0, 0, 320, 200), (320, 0, 640, 480)), 0))
    encoder = FrameEncoder()
    frame = screen(SCREEN, (255, 0, 0, 255))  # blue
    paint(qtbot, agent_app, citizen, encoder, 1, frame)
    frame = frame.copy()  # the encoder keeps the previous frame as its reference
    frame[20:60, 10:40] = (0, 0, 255, 255)  # a red patch: only that region travels
    paint(qtbot, agent_app, citizen, encoder, 2, frame)
    image = window.canvas.image
    assert image.size().toTuple() == SCREEN
    assert image.pixelColor(15, 25) == QColor(255, 0, 0)
    assert image.pixelColor(100, 100) == QColor(0, 0, 255)
    assert window.canvas.overlay == ""
    qtbot.waitUntil(lambda: window.toolbar.monitors.count() == 2, timeout=MS)
    window.toolbar.monitor_selected.emit(1)
    assert citizen.wait_for(ev.SelectMonitor).index == 1
    citizen.endpoint.send(ev.Cursor(50, 60, True))
    qtbot.waitUntil(lambda: window.canvas._cursor == (50, 60), timeout=MS)
    # The citizen's own pointer image replaces the generic arrow, hot spot on the position.
    citizen.endpoint.send(ev.CursorShape(4, 4, 1, 1, bytes([0, 255, 0, 255]) * 16))
    qtbot.waitUntil(lambda: window.canvas._shape is not None, timeout=MS)
    target = window.canvas._shape_target((50, 60))
    tip = window.canvas._to_widget(QRectF(50, 60, 0, 0)).topLeft()
    hot = target.topLeft() + QPointF(target.width() / 4, target.height() / 4)
    assert (hot.x(), hot.y()) == pytest.approx((tip.x(), tip.y()))
    shot = window.canvas.grab().toImage()
    assert shot.pixelColor(target.center().toPoint()) == QColor(0, 255, 0)
    citizen.endpoint.send(ev.PrivacyPause())
    qtbot.waitUntil(lambda: agent_app.session.phase == "paused", timeout=MS)
    assert "pause" in window.canvas.overlay
    assert window.canvas.image.isNull()  # nothing of the screen stays under the pause text
    citizen.endpoint.send(ev.PrivacyResume())
    qtbot.waitUntil(lambda: agent_app.session.phase == "viewing", timeout=MS)
    assert window.canvas.overlay == "Venter på borgerens skærm …"
    encoder.request_keyframe()  # as the citizen's streamer does after a pause
    paint(qtbot, agent_app, citizen, encoder, 3, frame)
    assert window.canvas.overlay == ""
    assert window.canvas.image.pixelColor(15, 25) == QColor(255, 0, 0)


def test_input_only_in_control_mode_and_pointer_mode(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    connect(qtbot, agent_app, citizen)
    window, canvas = agent_app.window, agent_app.window.canvas
    paint(qtbot, agent_app, citizen, FrameEncoder(), 1, screen(SCREEN, (200, 200, 200, 255)))
    target = canvas_point(agent_app, 100, 50)
    # view mode: nothing leaves; the next thing the citizen sees is our marker step
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=target)
    qtbot.keyClicks(canvas, "abc")
    agent_app.session.send(ev.ShowStep(1, 1, "markør", "markør"))
    citizen.wait_for(ev.ShowStep)
    # point mode: a click is a highlight at the citizen's pixel
    window.toolbar.point.trigger()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=target)
    highlight = citizen.wait_for(ev.Highlight)
    assert (highlight.x, highlight.y) == (100, 50)
    # control: asked, granted, then mouse and keys (æ included) arrive
    window.toolbar.control.trigger()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "control")
    assert agent_app.session.phase == "waiting_control"
    citizen.endpoint.send(ev.ConsentGrant("control"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "controlling", timeout=MS)
    assert canvas.mode == "control"
    qtbot.mouseMove(canvas, canvas_point(agent_app, 120, 60))
    move = citizen.wait_for(ev.PointerMove)
    assert (move.x, move.y) == (120, 60)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=target)
    press = citizen.wait_for(ev.PointerButton)
    assert (press.x, press.y, press.button, press.pressed) == (100, 50, "left", True)
    qtbot.keyClicks(canvas, "æ")
    key = citizen.wait_for(ev.Key, skip=(ev.Ping, ev.FrameAck, ev.PointerMove, ev.PointerButton))
    assert (key.code, key.text, key.pressed) == ("æ", "æ", True)
    qtbot.keyClick(canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    ctrl_c = citizen.wait_for(ev.Key, lambda k: k.code == "c", skip=(ev.Ping, ev.FrameAck, ev.Key))
    assert ctrl_c.text == ""
    citizen.endpoint.send(ev.InputRefused("own_window"))  # aimed at the citizen's cobrowse
    qtbot.waitUntil(lambda: "cobrowse-vindue" in window.notice.text(), timeout=MS)
    # Esc on the citizen's PC comes from the toolbar; Esc here hands control back
    assert window.toolbar.escape.isVisible()
    window.toolbar.escape.trigger()
    esc_down = citizen.wait_for(
        ev.Key, lambda k: k.code == "esc", skip=(ev.Ping, ev.FrameAck, ev.Key)
    )
    esc_up = citizen.wait_for(ev.Key, skip=(ev.Ping, ev.FrameAck))
    assert (esc_down.pressed, esc_up.code, esc_up.pressed) == (True, "esc", False)
    assert agent_app.session.phase == "controlling"
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    citizen.wait_for(ev.ControlOff, skip=(ev.Ping, ev.FrameAck, ev.Key))
    assert agent_app.session.phase == "viewing" and canvas.mode == "view"
    secret = citizen.endpoint.code.secret  # type: ignore[union-attr]
    assert caplog.records and secret not in caplog.text and "æ" not in caplog.text


def test_citizen_takes_control_back(qtbot: Any, agent_app: AgentApp, citizen: Citizen) -> None:
    connect(qtbot, agent_app, citizen)
    agent_app.window.toolbar.control.trigger()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "control")
    citizen.endpoint.send(ev.ConsentGrant("control"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "controlling", timeout=MS)
    citizen.endpoint.send(ev.ConsentRevoke("control"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "viewing", timeout=MS)
    assert "tilbage" in agent_app.window.notice.text()
    assert agent_app.window.router.mode == "view"


def test_checklist_steps_links_log_and_next_citizen(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen, relay: Any
) -> None:
    connect(qtbot, agent_app, citizen)
    window = agent_app.window
    panel = window.checklists
    panel.search.setText("flytning")
    assert panel.results.count() == 1
    panel.search.returnPressed.emit()
    assert window.log_panel.topic.currentText() == "Flytning"
    panel.steps.setCurrentRow(1)
    panel.show_button.click()
    step = citizen.wait_for(ev.ShowStep)
    assert (step.number, step.total) == (2, 6) and "borger.dk" in step.text
    assert step.checklist == "flytning"  # the citizen's "Se vejledningen igen" page
    panel.link_button.click()
    link = citizen.wait_for(ev.OpenLink)
    assert link.url.startswith("https://www.borger.dk/")
    citizen.endpoint.send(ev.LinkAnswer(link.url, True, ""))
    qtbot.waitUntil(lambda: "åbnede linket" in window.notice.text(), timeout=MS)
    panel.steps.item(0).setCheckState(Qt.CheckState.Checked)
    window.log_panel.municipality.setCurrentText("Ballerup")
    window.log_panel.note.setPlainText("Borgeren manglede flyttedato.")
    window.log_panel.add_note.click()
    window.log_panel.end_button.click()  # no outcome yet: refused inline
    assert "udfald" in window.log_panel.error.text()
    window.log_panel.outcome.setCurrentIndex(1)
    window.log_panel.outcome.activated.emit(1)
    with qtbot.waitSignal(window.summary_ready, timeout=MS) as blocker:
        window.end_session(confirm=False)
    summary = blocker.args[0]
    assert (summary.outcome, summary.topic, summary.checklist) == ("solved", "Flytning", "flytning")
    assert (summary.citizen_municipality, summary.step_reached) == ("Ballerup", 1)
    assert summary.notes == ("Borgeren manglede flyttedato.",)
    assert citizen.wait_for(ev.SessionEnded).reason == "done"
    log = SessionLog(agent_app.recorder.log.path)
    kinds = [e.kind for e in log.events(summary.session_id)]
    for kind in (
        "started",
        "paired",
        "consent_requested",
        "consent_granted",
        "checklist_set",
        "step_shown",
        "link_opened",
        "step_ticked",
        "note",
        "outcome_set",
        "ended",
    ):
        assert kind in kinds, kind
    assert log.events(summary.session_id)[-1].data["reason"] == "agent_ended"
    chosen = next(e for e in log.events(summary.session_id) if e.kind == "checklist_set")
    assert chosen.data["kle"] == "23.00.00"  # the topic's KLE number goes with the upload
    # the summary reaches the relay's statistics and is marked uploaded
    qtbot.waitUntil(lambda: summary.session_id not in log.pending_uploads(), timeout=MS)
    # ready for the next citizen at once: a second citizen joins on the fresh connection
    assert window.stack.currentIndex() == 0 and agent_app.session.phase == "ready"
    nxt = Citizen(qtbot, relay.url)
    try:
        connect_again(qtbot, agent_app, nxt)
    finally:
        nxt.stop()


def connect_again(qtbot: Any, app: AgentApp, citizen: Citizen) -> None:
    page = app.window.code_page
    page.code.setText(citizen.code())
    page.connect_button.click()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "view")
    citizen.endpoint.send(ev.ConsentGrant("view"))
    qtbot.waitUntil(lambda: app.session.phase == "viewing", timeout=MS)


def test_view_denied_then_asked_again(qtbot: Any, agent_app: AgentApp, citizen: Citizen) -> None:
    sign_in(qtbot, agent_app)
    page = agent_app.window.code_page
    page.code.setText(citizen.code())
    page.connect_button.click()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "view")
    citizen.endpoint.send(ev.ConsentDeny("view"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "view_denied", timeout=MS)
    assert page.again.isVisible() and "nej" in page.progress.text()
    page.again.click()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "view")
    citizen.endpoint.send(ev.ConsentGrant("view"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "viewing", timeout=MS)


def test_citizen_ends_and_agent_logs_the_outcome(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    connect(qtbot, agent_app, citizen)
    window = agent_app.window
    citizen.endpoint.send(ev.End("done"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "ended", timeout=MS)
    assert "Sessionen er slut" in window.canvas.overlay
    assert "Borgeren afsluttede" in window.notice.text()
    window.toolbar.end.trigger()  # no outcome yet: the log tab opens and says so
    assert window.tabs.currentWidget() is window.log_panel
    assert "udfald" in window.log_panel.error.text()
    window.log_panel.outcome.setCurrentIndex(2)
    with qtbot.waitSignal(window.summary_ready, timeout=MS) as blocker:
        window.toolbar.end.trigger()
    summary = blocker.args[0]
    assert summary.outcome == "citizen_finished_alone"
    events = SessionLog(agent_app.recorder.log.path).events(summary.session_id)
    assert events[-1].data["reason"] == "citizen_ended"
    assert agent_app.session.phase == "ready"


def to_control(qtbot: Any, app: AgentApp, citizen: Citizen) -> None:
    app.window.toolbar.control.trigger()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "control")
    citizen.endpoint.send(ev.ConsentGrant("control"))
    qtbot.waitUntil(lambda: app.session.phase == "controlling", timeout=MS)


@pytest.mark.parametrize("outcome", [None, 1])
def test_lost_relay_link_ends_the_session_at_the_moment_of_loss(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen, outcome: int | None
) -> None:
    """Issue 10 item 4: the relay goes away mid-session.  Before, the log got no
    control_off and no end, "Afslut session" stayed enabled on the new-citizen screen
    with the old check number, and the next start closed the session "not solved"
    with all the time since counted as agent-driven."""
    connect(qtbot, agent_app, citizen)
    to_control(qtbot, agent_app, citizen)
    window = agent_app.window
    if outcome is not None:
        window.log_panel.outcome.setCurrentIndex(outcome)  # chosen before the loss
    endpoint = agent_app.session.endpoint
    assert endpoint is not None
    with qtbot.waitSignal(window.summary_ready, timeout=MS) as blocker:
        endpoint._net.call(lambda: endpoint._link and endpoint._link.ws.transport.abort())
    summary = blocker.args[0]
    assert summary.outcome == ("interrupted" if outcome is None else "solved")
    events = SessionLog(agent_app.recorder.log.path).events(summary.session_id)
    assert [e.kind for e in events][-2:] == ["control_off", "ended"]
    assert [e.data["by"] for e in events if e.kind == "control_off"] == ["session_end"]
    assert events[-1].data["reason"] == "relay_lost"
    assert summary.agent_seconds <= summary.total_seconds < TIMEOUT  # no inflated control
    qtbot.waitUntil(lambda: agent_app.dialog.isVisible(), timeout=MS)
    assert "afbrudt" in agent_app.dialog.error.text()
    assert not window.toolbar.end.isEnabled() and not window.log_panel.end_button.isEnabled()
    assert window.check_number.number == "" and not window.check_number.isVisible()
    assert window.code_page.greeting.text() == ""  # no "Logget ind som ..." when signed out
    assert window.toolbar.verifier.text() == ""
    assert "relæet" in window.notice.text() and "relay_lost" not in window.notice.text()
    assert window.canvas.image.isNull()


def test_citizen_ends_while_the_agent_controls_ends_control_at_once(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    """Control time stops when the session ends, not when the agent gets round to
    choosing an outcome."""
    connect(qtbot, agent_app, citizen)
    to_control(qtbot, agent_app, citizen)
    citizen.endpoint.send(ev.End("done"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "ended", timeout=MS)
    window = agent_app.window
    window.log_panel.outcome.setCurrentIndex(1)
    with qtbot.waitSignal(window.summary_ready, timeout=MS) as blocker:
        window.end_session(confirm=False)
    events = SessionLog(agent_app.recorder.log.path).events(blocker.args[0].session_id)
    offs = [e for e in events if e.kind == "control_off"]
    assert [e.data["by"] for e in offs] == ["session_end"]
    assert events.index(offs[0]) < len(events) - 1  # logged before the end was saved


def test_citizen_drop_and_resume(qtbot: Any, agent_app: AgentApp, citizen: Citizen) -> None:
    connect(qtbot, agent_app, citizen)
    window = agent_app.window
    window.toolbar.control.trigger()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "control")
    citizen.endpoint.send(ev.ConsentGrant("control"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "controlling", timeout=MS)
    phases: list[str] = []
    agent_app.session.phase_changed.connect(phases.append)
    ep = citizen.endpoint
    ep._net.call(lambda: ep._link and ep._link.ws.transport.abort())  # the citizen's line drops
    qtbot.waitUntil(lambda: phases[-2:] == ["reconnecting", "viewing"], timeout=MS)  # resumed
    assert window.router.mode == "view"  # control fell back to viewing on the drop
    assert window.canvas.overlay in ("", "Venter på borgerens skærm …")
    agent_app.window.log_panel.outcome.setCurrentIndex(1)
    with qtbot.waitSignal(window.summary_ready, timeout=MS) as blocker:
        window.end_session(confirm=False)
    events = SessionLog(agent_app.recorder.log.path).events(blocker.args[0].session_id)
    offs = [e.data["by"] for e in events if e.kind == "control_off"]
    assert offs == ["disconnect"]


def test_half_open_resume_takes_the_agent_out_of_control(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    """Issue 10 item 3: the relay replaced the citizen's connection and only said
    ``peer_back``; the endpoint reports ControlOff for the new connection."""
    connect(qtbot, agent_app, citizen)
    to_control(qtbot, agent_app, citizen)
    session, window = agent_app.session, agent_app.window
    session._on_event(PeerBack())
    session._on_event(ev.ControlOff())
    session._on_event(ev.Secured())
    assert session.phase == "viewing" and window.router.mode == "view"
    assert window.toolbar.control.isEnabled()  # control can be asked for again
    window.log_panel.outcome.setCurrentIndex(1)
    with qtbot.waitSignal(window.summary_ready, timeout=MS) as blocker:
        window.end_session(confirm=False)
    events = SessionLog(agent_app.recorder.log.path).events(blocker.args[0].session_id)
    assert [e.data["by"] for e in events if e.kind == "control_off"] == ["disconnect"]


def test_a_paused_citizen_who_comes_back_is_still_paused(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    connect(qtbot, agent_app, citizen)
    citizen.endpoint.send(ev.PrivacyPause())
    qtbot.waitUntil(lambda: agent_app.session.phase == "paused", timeout=MS)
    ep = citizen.endpoint
    phases: list[str] = []
    agent_app.session.phase_changed.connect(phases.append)
    ep._net.call(lambda: ep._link and ep._link.ws.transport.abort())
    qtbot.waitUntil(lambda: phases[-2:] == ["reconnecting", "paused"], timeout=MS)
    assert "pause" in agent_app.window.canvas.overlay


def test_start_up_closes_a_killed_apps_session_at_its_last_event(
    qtbot: Any, tmp_path: Any, settings: Any, relay: Any
) -> None:
    """Issue 10 item 4: the next start counted all the time since the kill as
    agent-driven (256 s for ~10 s of control)."""
    clock = iter(datetime(2026, 3, 4, 19, 0, s, tzinfo=UTC) for s in (0, 20, 30))
    with SessionLog(tmp_path / "sessions.db", clock=lambda: next(clock)) as old:
        sid = old.start_session("anna", "Albertslund")
        old.append(sid, "control_on")
        old.append(sid, "step_ticked", step=1)  # then the app was killed
    app = AgentApp(settings, tmp_path / "sessions.db", None, relay.url, "anna")
    try:
        app.recorder.wait()
        summary = SessionLog(tmp_path / "sessions.db").summary(sid)
        assert summary.ended_at == datetime(2026, 3, 4, 19, 0, 30, tzinfo=UTC)
        assert (summary.agent_seconds, summary.total_seconds) == (10, 30)
        assert summary.outcome == "interrupted"
    finally:
        app.shutdown()
        app.window.deleteLater()


def test_the_agent_is_told_when_the_citizens_pc_shows_an_administrator_prompt(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    connect(qtbot, agent_app, citizen)
    notice = agent_app.window.notice
    citizen.endpoint.send(ev.SecureDesktop(True))  # Windows' UAC prompt on the citizen's PC
    qtbot.waitUntil(lambda: "borgeren skal selv svare" in notice.text(), timeout=MS)
    assert "administrator" in notice.text()
    citizen.endpoint.send(ev.SecureDesktop(False))
    qtbot.waitUntil(lambda: "er væk" in notice.text(), timeout=MS)
