"""Fixtures: a CitizenApp over a fake endpoint, fake streamer and fake controllers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from citizen_fakes import FakeEndpoint, Rig

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread() -> Iterator[None]:
    """Free each test's Qt objects here, on the GUI thread.

    An app left to Python's cycle collector can be freed later by a collection that
    happens to run on a network or relay thread, deleting QObjects off their thread
    (a segfault in a later test).
    """
    yield
    gc.collect()


@pytest.fixture
def rig() -> Rig:
    return Rig()


@pytest.fixture
def citizen(qtbot: Any, qapp: Any, rig: Rig) -> Iterator[CitizenApp]:
    font, sheet = qapp.font(), qapp.styleSheet()
    style.apply(qapp)
    config = CitizenConfig(relay_url="ws://127.0.0.1:1/v1")
    app = CitizenApp(config, FakeEndpoint, Devices(rig.injector, rig.streamer, rig.listeners))
    app.start()
    yield app
    app.shutdown()
    app.view.dispose()
    # the citizen's big style is application-wide: give the next tests (the agent's
    # widgets among them, in the same QApplication) the plain one back
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
