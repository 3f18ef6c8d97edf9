"""Fixtures: a CitizenApp over a fake endpoint, fake streamer and fake controllers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from citizen_fakes import FakeEndpoint, Rig

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices


@pytest.fixture
def rig() -> Rig:
    return Rig()


@pytest.fixture
def citizen(qtbot: Any, qapp: Any, rig: Rig) -> Iterator[CitizenApp]:
    style.apply(qapp)
    config = CitizenConfig(relay_url="ws://127.0.0.1:1/v1")
    app = CitizenApp(config, FakeEndpoint, Devices(rig.injector, rig.streamer, rig.listeners))
    app.start()
    yield app
    app.shutdown()
    app.view.dispose()
