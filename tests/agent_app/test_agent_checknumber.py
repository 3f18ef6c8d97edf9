"""The check number is shown large while the agent waits for control consent - the
moment the citizen's dialog shows the same digits - and not at view consent."""

from __future__ import annotations

from typing import Any

import pytest
from agent_helpers import MS, QT_NOISE, Citizen, connect

from agent_app.app import AgentApp
from cobrowse.session import events as ev

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)


def ask_for_control(qtbot: Any, app: AgentApp, citizen: Citizen) -> None:
    app.window.toolbar.control.trigger()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "control")
    qtbot.waitUntil(lambda: app.session.phase == "waiting_control", timeout=MS)


def test_check_number_large_while_waiting_for_control_consent(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    verifier = connect(qtbot, agent_app, citizen)  # asserts: not large at view consent
    window = agent_app.window
    banner = window.check_number
    assert not window.code_page.findChildren(type(banner.digits), "verifier")
    ask_for_control(qtbot, agent_app, citizen)
    assert banner.isVisible()
    assert banner.caption.text() == "Læs tallet op for borgeren:"
    assert banner.digits.text() == " ".join(verifier)  # read aloud digit by digit
    assert banner.digits.font().pointSizeF() >= 36
    assert banner.digits.font().pointSizeF() > 2 * window.toolbar.verifier.font().pointSizeF()
    assert "Tillad styring" in banner.hint.text()  # the citizen's button, by its name
    assert banner.geometry().bottom() < window.stack.geometry().top()  # above the view, not over
    citizen.endpoint.send(ev.ConsentGrant("control"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "controlling", timeout=MS)
    assert not banner.isVisible()
    assert verifier in window.toolbar.verifier.text()  # the small label stays


def test_check_number_goes_away_when_the_citizen_says_no(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    connect(qtbot, agent_app, citizen)
    ask_for_control(qtbot, agent_app, citizen)
    assert agent_app.window.check_number.isVisible()
    citizen.endpoint.send(ev.ConsentDeny("control"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "viewing", timeout=MS)
    assert not agent_app.window.check_number.isVisible()
    window = agent_app.window
    window.log_panel.outcome.setCurrentIndex(1)
    with qtbot.waitSignal(window.summary_ready, timeout=MS):
        window.end_session(confirm=False)
    assert agent_app.window.check_number.number == ""  # the next citizen gets a new one
