"""The *Statistik* action against a real relay: agents never get it; a supervisor's
uploaded sessions come back as figures and charts in one statistics window."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from agent_helpers import QT_NOISE, TIMEOUT, sign_in
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QLabel, QWidget

from agent_app.app import AgentApp
from cobrowse.sessionlog import SessionLog
from relay import statsapi

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)
MS = int(TIMEOUT * 1000)
START = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)  # Monday 19:00 in Copenhagen


SEEDED = (
    ("solved", "Ballerup"),
    ("solved", None),  # no municipality recorded: the agent's (Ballerup)
    ("citizen_finished_alone", "Ballerup"),
    ("not_solved", "Herlev"),  # Herlev's contact: not in a Ballerup supervisor's figures
)


def seed(path: Path, agent: str) -> None:
    """Four ended sessions in March 2024, written as the agent app writes them."""
    times = iter(START + timedelta(minutes=m) for m in range(0, 300, 5))
    with SessionLog(path, clock=lambda: next(times)) as log:
        for n, (outcome, citizen) in enumerate(SEEDED):
            sid = log.start_session(
                agent,
                "Ballerup",
                citizen_municipality=citizen,
                topic="Digital Post",
                checklist="digital-post",
                steps_total=3,
            )
            log.append(sid, "control_on")
            log.append(sid, "step_ticked", step=n % 3 + 1)
            log.end_session(sid, outcome)


def press_ctrl_shift_s(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=MS)  # shortcuts need the active window
    qtbot.keyClick(
        window,
        Qt.Key.Key_S,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )


@pytest.fixture
def supervisor_app(qtbot: Any, tmp_path: Path, settings: Any, relay: Any) -> Iterator[AgentApp]:
    seed(tmp_path / "sessions.db", "sara")
    app = AgentApp(settings, tmp_path / "sessions.db", None, relay.url, "sara")
    app.window.confirm_end = lambda: True
    qtbot.addWidget(app.window)
    app.start()
    yield app
    app.shutdown()


def test_an_agent_does_not_get_the_action(qtbot: Any, agent_app: AgentApp) -> None:
    action = agent_app.window.toolbar.stats
    assert not action.isVisible() and not action.isEnabled()  # nobody signed in yet
    sign_in(qtbot, agent_app)
    assert agent_app.session.account.role == "agent"  # type: ignore[union-attr]
    assert not action.isVisible() and not action.isEnabled()
    press_ctrl_shift_s(qtbot, agent_app.window)
    action.trigger()
    assert agent_app.window.stats.open() is None
    assert agent_app.window.stats.window is None


def test_a_supervisor_sees_and_exports_their_municipality(
    qtbot: Any, supervisor_app: AgentApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statsapi, "CONTACTS_PAGE", 2)  # the export follows the pages
    window, action = supervisor_app.window, supervisor_app.window.toolbar.stats
    sign_in(qtbot, supervisor_app)
    assert action.isVisible() and action.isEnabled()
    assert action.shortcut().toString() == "Ctrl+Shift+S"
    # signing in sent the kept-back sessions through the normal upload path
    qtbot.waitUntil(lambda: not supervisor_app.recorder.log.pending_uploads(), timeout=MS)

    press_ctrl_shift_s(qtbot, window)
    stats = window.stats.window  # opened by the shortcut
    assert stats is not None and stats.isVisible()
    # the first open asks for this month at once; then pick March 2024
    qtbot.waitUntil(lambda: stats.show_button.isEnabled(), timeout=MS)
    stats.date_from.setDate(QDate(2024, 3, 1))
    stats.date_to.setDate(QDate(2024, 3, 31))
    stats.show_button.click()
    qtbot.waitUntil(lambda: "3 henvendelser" in stats.status.text(), timeout=MS)
    assert stats.status.text().startswith("Ballerup, periode 2024-03-01 – 2024-03-31")
    assert not stats.place.isEnabled()  # a supervisor sees their own municipality only
    shown = " | ".join(label.text() for label in stats.findChildren(QLabel))
    assert "33 %" in shown  # one of three sessions: the citizen finished alone
    assert dict(stats.charts["weekday"].data)["Man"] == 3
    assert ("19", 3) in stats.charts["hour"].data
    assert dict(stats.charts["municipality"].data) == {"Ballerup": 2, "(ukendt)": 1}
    assert dict(stats.charts["outcome"].data)["Løst"] == 2
    assert "digital-post" in stats.stops.text()
    assert not stats.grab().isNull()

    # the period's contact records, fetched page by page through the relay
    target = tmp_path / "export" / "kontakter.csv"
    target.parent.mkdir()
    stats._choose_file = lambda parent, suggested: str(target)
    stats.export_button.click()
    qtbot.waitUntil(lambda: stats.export_button.isEnabled(), timeout=MS)
    assert "3 kontaktregistreringer skrevet" in stats.export_status.text()
    with target.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["municipality"], r["outcome"]) for r in rows] == [
        ("Ballerup", "solved"),
        ("Ballerup", "solved"),
        ("Ballerup", "citizen_finished_alone"),
    ]
    assert {r["agent"] for r in rows} == {"sara"} and "note" not in rows[0]

    action.trigger()  # again: the same window, raised
    assert window.stats.window is stats

    supervisor_app.session.shutdown()  # signed out: the figures leave the screen
    assert not action.isVisible() and window.stats.window is None
    assert not stats.isVisible()
