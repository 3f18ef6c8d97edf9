"""Sign-in against a real relay: errors in words an agent can act on; the password is never kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from agent_helpers import PASSWORD, QT_NOISE, TIMEOUT, sign_in
from PySide6.QtCore import QSettings

from agent_app.app import AgentApp
from agent_app.main import parse_args
from relay.accounts import AccountStore

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)


def _error_after(qtbot: Any, app: AgentApp, name: str, password: str) -> str:
    app.dialog.name.setText(name)
    app.dialog.password.setText(password)
    app.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: app.dialog.error.isVisible(), timeout=TIMEOUT * 1000)
    return app.dialog.error.text()


def test_wrong_password_then_disabled_then_success(
    qtbot: Any, agent_app: AgentApp, settings: QSettings
) -> None:
    assert "Forkert brugernavn eller adgangskode" in _error_after(qtbot, agent_app, "anna", "nej")
    assert "spærret" in _error_after(qtbot, agent_app, "bo", PASSWORD)
    agent_app.dialog.name.setText("anna")
    sign_in(qtbot, agent_app)
    assert not agent_app.dialog.isVisible()
    assert "Anna Jensen" in agent_app.window.code_page.greeting.text()
    assert settings.value("name") == "anna"
    assert settings.value("relay_url") == agent_app.session.endpoint.relay_url  # type: ignore
    settings.sync()
    stored = Path(settings.fileName()).read_text(encoding="utf-8")
    assert PASSWORD not in stored and "password" not in stored.lower()


def test_unreachable_relay(qtbot: Any, tmp_path: Path, settings: QSettings) -> None:
    app = AgentApp(settings, tmp_path / "s.db", None, "ws://127.0.0.1:9/v1", "anna")
    qtbot.addWidget(app.window)
    app.start()
    try:
        assert "Kan ikke få forbindelse til relæet" in _error_after(qtbot, app, "anna", "x")
        assert app.dialog.buttons.buttons()[0].isEnabled()
    finally:
        app.shutdown()


def test_missing_fields_and_bad_url_are_caught_before_connecting(
    qtbot: Any, agent_app: AgentApp
) -> None:
    agent_app.dialog.password.clear()
    agent_app.dialog.buttons.accepted.emit()
    assert "adgangskode" in agent_app.dialog.error.text()
    agent_app.dialog.url.setText("https://relay.example.dk")
    agent_app.dialog.password.setText("x")
    agent_app.dialog.buttons.accepted.emit()
    assert "wss://" in agent_app.dialog.error.text()
    assert agent_app.session.endpoint is None


def test_url_and_name_are_remembered(qtbot: Any, tmp_path: Path, settings: QSettings) -> None:
    settings.setValue("relay_url", "wss://relay.kommune.dk/v1")
    settings.setValue("name", "anna")
    app = AgentApp(settings, tmp_path / "s.db", None)
    qtbot.addWidget(app.window)
    try:
        assert app.dialog.url.text() == "wss://relay.kommune.dk/v1"
        assert app.dialog.name.text() == "anna"
        assert app.dialog.password.text() == ""
    finally:
        app.shutdown()


def test_command_line() -> None:
    args = parse_args(["--relay", "ws://127.0.0.1:1234/v1", "--name", "anna"])
    assert (args.relay, args.name) == ("ws://127.0.0.1:1234/v1", "anna")


def test_account_disabled_while_signed_in(
    qtbot: Any, tmp_path: Path, settings: QSettings, relay: Any
) -> None:
    """IT staff disable the account mid-evening: the next join is refused and the app says
    why, back at the sign-in."""
    store = AccountStore(relay.config.data_dir / "relay.db")
    store.add("cille", "Cille Lund", "Brøndby", PASSWORD)
    app = AgentApp(settings, tmp_path / "sessions.db", tmp_path, relay.url, "cille")
    qtbot.addWidget(app.window)
    app.start()
    try:
        sign_in(qtbot, app)
        store.disable("cille")
        app.window.code_page.code.setText("123456789")
        app.window.code_page.connect_button.click()
        qtbot.waitUntil(lambda: app.dialog.error.isVisible(), timeout=TIMEOUT * 1000)
        assert "spærret" in app.dialog.error.text()
        assert app.session.account is None or app.session.phase == "signed_out"
    finally:
        app.shutdown()
