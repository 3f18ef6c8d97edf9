"""Agent app fixtures: a real relay in a thread, a headless citizen, the app on a temp log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agent_helpers import PASSWORD, Citizen
from PySide6.QtCore import QSettings

from agent_app.app import AgentApp

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    data = tmp_path_factory.mktemp("relay")
    store = relay_accounts.AccountStore(data / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", PASSWORD, role="agent")
    store.add("bo", "Bo Hansen", "Ballerup", PASSWORD, role="agent")
    store.disable("bo")
    store.add("sara", "Sara Holm", "Ballerup", PASSWORD, role="supervisor")
    thread = relay_server.RelayThread(
        relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=data, dev=True)
    )
    thread.start()
    yield thread
    thread.stop()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "agent.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def agent_app(qtbot: Any, tmp_path: Path, settings: QSettings, relay: Any) -> Iterator[AgentApp]:
    hotline = tmp_path / "hotline"
    hotline.mkdir()
    app = AgentApp(settings, tmp_path / "sessions.db", hotline, relay.url, "anna")
    app.window.confirm_end = lambda: True
    qtbot.addWidget(app.window)
    app.start()
    yield app
    app.shutdown()


@pytest.fixture
def citizen(qtbot: Any, relay: Any) -> Iterator[Citizen]:
    person = Citizen(qtbot, relay.url)
    yield person
    person.stop()
