"""The log panel warns before personal data is saved; the app applies retention at
start (issue 10, item 10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from agent_helpers import QT_NOISE
from PySide6.QtCore import QSettings

from agent_app.app import AgentApp, retention_days
from agent_app.logpanel import LogPanel
from cobrowse.sessionlog import SessionLog

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)


@pytest.fixture
def panel(qtbot: Any) -> tuple[LogPanel, list[tuple[str, dict[str, Any]]]]:
    widget = LogPanel(["Flytning"])
    qtbot.addWidget(widget)
    logged: list[tuple[str, dict[str, Any]]] = []
    widget.logged.connect(lambda kind, data: logged.append((kind, data)))
    return widget, logged


def test_a_note_with_a_cpr_number_is_held_back_until_the_agent_chooses(
    panel: tuple[LogPanel, list[tuple[str, dict[str, Any]]]],
) -> None:
    widget, logged = panel
    widget.note.setPlainText("Borgeren oplyste 010203-1234 og anna@x.dk")
    widget.add_note.click()
    assert logged == [] and not widget.privacy.isHidden()
    shown = widget.privacy.text.text()
    assert "1 CPR-nummer, 1 e-mailadresse" in shown and "010203" not in shown
    assert "»Borgeren oplyste [CPR] og [e-mail]«" in shown
    widget.privacy.edit_button.click()  # edit: nothing saved, the text stays
    assert logged == [] and widget.privacy.isHidden()
    assert widget.note.toPlainText().startswith("Borgeren oplyste 010203")
    widget.add_note.click()
    widget.privacy.mask_button.click()
    assert logged == [("note", {"note": "Borgeren oplyste [CPR] og [e-mail]"})]
    assert widget.note.toPlainText() == "" and widget.privacy.isHidden()


def test_a_clean_note_is_saved_at_once(
    panel: tuple[LogPanel, list[tuple[str, dict[str, Any]]]],
) -> None:
    widget, logged = panel
    widget.note.setPlainText("Manglede flyttedato, sag 2024-0001")
    widget.add_note.click()
    assert logged == [("note", {"note": "Manglede flyttedato, sag 2024-0001"})]
    assert widget.privacy.isHidden()


def test_a_topic_with_a_phone_number_is_saved_only_masked(
    panel: tuple[LogPanel, list[tuple[str, dict[str, Any]]]],
) -> None:
    widget, logged = panel
    widget.topic.setCurrentText("Ring tilbage 12 34 56 78")
    widget.flush()  # session end: nobody to ask, saved masked
    assert logged == [("topic_set", {"topic": "Ring tilbage [telefon]"})]
    widget.reset()
    logged.clear()
    widget.topic.setCurrentText("Ring tilbage 12 34 56 78")
    widget.set_topic(widget.topic.currentText())
    assert logged == [] and "1 telefonnummer" in widget.privacy.text.text()
    widget.privacy.mask_button.click()
    assert logged == [("topic_set", {"topic": "Ring tilbage [telefon]"})]


def test_the_app_purges_old_sessions_at_start(qtbot: Any, tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    long_ago = datetime.now(UTC) - timedelta(days=40)
    with SessionLog(path, clock=lambda: long_ago) as log:
        old = log.start_session("anna", "Albertslund")
        log.end_session(old, "solved")
        log.mark_uploaded([old])
        waiting = log.start_session("anna", "Albertslund")  # old, but not uploaded yet
        log.end_session(waiting, "solved")
    with SessionLog(path) as log:
        recent = log.start_session("anna", "Albertslund")
        log.end_session(recent, "solved")
    settings = QSettings(str(tmp_path / "agent.ini"), QSettings.Format.IniFormat)
    settings.setValue("retention_days", 30)
    app = AgentApp(settings, path, None)
    qtbot.addWidget(app.window)
    try:
        app.recorder.wait()
        assert app.recorder.log.events(old) == [] and app.recorder.log.events(recent)
        assert app.recorder.log.events(waiting)  # the statistics still need it
        assert app.recorder.log.verify().ok
    finally:
        app.shutdown()


@pytest.mark.parametrize(("value", "days"), [(None, 90), ("30", 30), ("0", 90), ("x", 90)])
def test_retention_setting(tmp_path: Path, value: str | None, days: int) -> None:
    settings = QSettings(str(tmp_path / "agent.ini"), QSettings.Format.IniFormat)
    if value is not None:
        settings.setValue("retention_days", value)
    assert retention_days(settings) == days
