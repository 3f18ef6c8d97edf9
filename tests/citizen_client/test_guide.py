""" "Se vejledningen igen": the end screen offers the current checklist's published
guide page when citizen.toml names a guide address on an allowed domain."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from citizen_fakes import OFFSCREEN, FakeEndpoint, Rig, to_sharing

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.config import DEFAULT_DOMAINS, CitizenConfig, parse
from citizen_client.devices import Devices
from cobrowse.errors import ConfigError
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentJoined

pytestmark = OFFSCREEN
GUIDES = "https://www.albertslund.dk/hotline/vejledninger/"


def make(qapp: Any, guide_url: str) -> CitizenApp:
    style.apply(qapp)
    rig = Rig()
    config = CitizenConfig(
        relay_url="ws://127.0.0.1:1/v1",
        allowed_link_domains=(*DEFAULT_DOMAINS, "albertslund.dk"),
        guide_url=guide_url,
    )
    app = CitizenApp(config, FakeEndpoint, Devices(rig.injector, rig.streamer, rig.listeners))
    app.start()
    return app


@pytest.fixture
def apps(qtbot: Any, qapp: Any) -> Iterator[list[CitizenApp]]:
    font, sheet = qapp.font(), qapp.styleSheet()
    made: list[CitizenApp] = []
    yield made
    for app in made:
        app.shutdown()
        app.view.dispose()
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def citizen_with(apps: list[CitizenApp], qapp: Any, guide_url: str) -> CitizenApp:
    apps.append(make(qapp, guide_url))
    opened: list[str] = []
    apps[-1].links.open_url = lambda url: opened.append(url.toString()) or True  # type: ignore[method-assign]
    apps[-1].opened = opened  # type: ignore[attr-defined]
    return apps[-1]


def end_after_step(citizen: CitizenApp, checklist: str) -> None:
    to_sharing(citizen)
    citizen.handle(ev.ShowStep(2, 5, "agentens titel", "Skriv dit navn.", checklist))
    citizen.handle(ev.SessionEnded("done", True))
    assert citizen.view.phase == "ended"


def test_the_end_screen_opens_the_guide_of_the_checklist_shown(apps: Any, qapp: Any) -> None:
    citizen = citizen_with(apps, qapp, GUIDES)
    citizen.view.window.show()
    end_after_step(citizen, "boligstoette")
    guide = citizen.view.window.status.guide
    assert guide.isVisible() and guide.text() == "Se vejledningen igen"
    assert guide.width() >= guide.sizeHint().width()  # the big text is not cut off
    assert guide.accessibleName() == "Se vejledningen igen"
    guide.click()
    assert citizen.opened == [GUIDES + "boligstoette.html"]  # type: ignore[attr-defined]
    citizen.view.toggle_language()
    assert guide.text() == "See the guide again"


def test_an_odd_checklist_id_stays_inside_the_guide_folder(apps: Any, qapp: Any) -> None:
    citizen = citizen_with(apps, qapp, GUIDES.rstrip("/"))
    end_after_step(citizen, "../x@evil.example.com/a b")
    citizen.view.window.status.guide.click()
    (url,) = citizen.opened  # type: ignore[attr-defined]
    assert url.startswith(GUIDES) and url.endswith(".html") and "/a b" not in url


def test_no_button_without_a_guide_address_a_checklist_or_an_allowed_domain(
    apps: Any, qapp: Any
) -> None:
    plain = citizen_with(apps, qapp, "")  # citizen.toml has no guide_url
    end_after_step(plain, "boligstoette")
    assert plain.view.window.status.guide.isHidden()
    no_list = citizen_with(apps, qapp, GUIDES)  # the agent showed no checklist's step
    end_after_step(no_list, "")
    assert no_list.view.window.status.guide.isHidden()
    foreign = citizen_with(apps, qapp, "https://guides.example.com/")  # not allow-listed
    end_after_step(foreign, "boligstoette")
    assert foreign.view.window.status.guide.isHidden()


def test_a_new_session_forgets_the_last_checklist(apps: Any, qapp: Any) -> None:
    citizen = citizen_with(apps, qapp, GUIDES)
    end_after_step(citizen, "boligstoette")
    citizen.view.window.status.action.click()  # new number
    citizen.handle(AgentJoined("Bo Hansen", "Ballerup"))
    assert citizen.view.guide == ""
    citizen.handle(ev.SessionEnded("done", True))
    assert citizen.view.window.status.guide.isHidden()


def test_guide_url_must_be_https() -> None:
    assert parse({"relay_url": "wss://r.dk/v1", "guide_url": GUIDES}).guide_url == GUIDES
    assert parse({"relay_url": "wss://r.dk/v1"}).guide_url == ""
    for bad in ("http://www.albertslund.dk/", "www.albertslund.dk", 7):
        with pytest.raises(ConfigError, match="guide_url"):
            parse({"relay_url": "wss://r.dk/v1", "guide_url": bad})
