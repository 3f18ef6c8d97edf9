"""Hotline status while the citizen waits with a code: agent ready, nobody free, closed.

The endpoint reports ``HotlineStatus`` on its network thread; it reaches the window
through the queued bridge like every other event.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from citizen_fakes import CODE, OFFSCREEN, Rig, to_sharing

from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.hours import OpeningHours
from cobrowse.session.endpoint import AgentEndpoint, CitizenEndpoint, CodeReady, HotlineStatus

pytestmark = OFFSCREEN
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
READY_DA = "En medarbejder er klar til at hjælpe dig."
NOBODY_DA = "Din hjælper er ikke logget på endnu. Når din hjælper er klar, kan du læse nummeret op."


def closed_status(now: datetime = MONDAY_MORNING) -> HotlineStatus:
    """What the relay sends outside the default hours (relay.hub.closed_message)."""
    hours = OpeningHours()
    return HotlineStatus(
        False,
        message_da=hours.closed_message(now, "da"),
        message_en=hours.closed_message(now, "en"),
        next_opening=hours.next_opening(now).isoformat(),
        retry_in=60,
    )


def presence(app: CitizenApp) -> Any:
    return app.view.window.code.presence


def status_text(app: CitizenApp) -> tuple[str, str]:
    s = app.view.window.status
    return s.heading.text(), s.detail.text()


def test_an_agent_is_ready(citizen: CitizenApp) -> None:
    citizen.handle(CodeReady(CODE))
    assert not presence(citizen).isVisibleTo(citizen.view.window)  # nothing known yet
    citizen.handle(HotlineStatus(True, agents_online=2, waiting=1))
    p = presence(citizen)
    assert citizen.view.window.code.code.text() == "0042 123 456"
    assert p.isVisibleTo(citizen.view.window) and p.text() == READY_DA
    assert p.accessibleName() == READY_DA and p.accessibleDescription() == "Hotlinens status"
    p.ensurePolished()
    assert p.font().pointSize() >= 18 and p.wordWrap()


def test_no_agent_signed_in_yet_then_one_signs_in(citizen: CitizenApp) -> None:
    """The citizen is usually on the phone with the helper already: while nobody has
    signed in they are told to wait for their helper, never to try again later."""
    citizen.handle(CodeReady(CODE))
    citizen.handle(HotlineStatus(True, agents_online=0, waiting=3))
    assert presence(citizen).text() == NOBODY_DA
    for lang in ("da", "en"):
        citizen.view.lang = lang
        citizen.view.render()
        words = presence(citizen).text().casefold()
        assert not any(w in words for w in ("senere", "later", "ingen medarbejder", "no agent"))
    citizen.view.lang = "da"
    citizen.view.render()
    assert presence(citizen).property("busy") is True
    assert citizen.view.window.code.code.text() == "0042 123 456"  # the code stays valid
    citizen.handle(HotlineStatus(True, agents_online=1, waiting=3))
    assert presence(citizen).text() == READY_DA
    assert presence(citizen).property("busy") is False


def test_closed_replaces_the_code_with_the_relays_words(citizen: CitizenApp) -> None:
    citizen.view.now = lambda: MONDAY_MORNING
    citizen.handle(CodeReady(CODE))
    citizen.handle(HotlineStatus(True, agents_online=0))
    citizen.handle(closed_status())
    w = citizen.view.window
    assert citizen.view.phase == "closed" and w.pages.currentWidget() is w.status
    assert citizen.view.code == "" and "0042" not in " ".join(status_text(citizen))
    heading, detail = status_text(citizen)
    assert heading == "Hotlinen er lukket."
    assert "Åben mandag–torsdag kl. 19–22." in detail
    assert detail.count("19.00") == 1 and "i dag kl. 19.00" in detail  # said once
    assert "forbinder selv" in detail
    w.status.heading.ensurePolished()
    assert w.status.heading.font().pointSize() >= 24
    assert w.status.heading.accessibleName() and w.status.detail.accessibleName()
    # the endpoint tries again; once the hotline opens there is a fresh code
    citizen.handle(CodeReady(CODE))
    citizen.handle(HotlineStatus(True, agents_online=1))
    assert w.pages.currentWidget() is w.code and presence(citizen).text() == READY_DA


def test_closed_with_a_bare_message_still_says_when_it_opens(citizen: CitizenApp) -> None:
    citizen.view.now = lambda: MONDAY_MORNING
    citizen.handle(
        HotlineStatus(
            False,
            message_da="Hotlinen er lukket.",
            message_en="The hotline is closed.",
            next_opening="2026-11-26T19:00:00+01:00",
        )
    )
    heading, detail = status_text(citizen)
    assert heading == "Hotlinen er lukket."
    assert detail.startswith("Vi åbner igen torsdag den 26. november kl. 19.00.")
    citizen.view.window.language.click()
    heading, detail = status_text(citizen)
    assert heading == "The hotline is closed."
    assert detail.startswith("Next opening: Thursday 26 November at 19:00.")


def test_closed_without_any_words_or_time(citizen: CitizenApp) -> None:
    citizen.handle(HotlineStatus(False))
    heading, detail = status_text(citizen)
    assert heading == "Hotlinen er lukket." and "forbinder selv" in detail


def test_language_switch_repaints_presence_and_closed(citizen: CitizenApp) -> None:
    citizen.view.now = lambda: MONDAY_MORNING
    citizen.handle(CodeReady(CODE))
    citizen.handle(HotlineStatus(True, agents_online=1))
    citizen.view.window.language.click()
    assert presence(citizen).text() == "An agent will be with you shortly."
    assert presence(citizen).accessibleDescription() == "Hotline status"
    citizen.handle(HotlineStatus(True, agents_online=0))
    assert presence(citizen).text().startswith("Your helper has not signed in yet.")
    citizen.handle(closed_status())
    heading, detail = status_text(citizen)
    assert heading == "The hotline is closed."
    assert "Open Monday–Thursday 19–22." in detail and "today at 19:00" in detail
    assert "connects by itself" in detail
    citizen.view.window.language.click()
    assert status_text(citizen)[0] == "Hotlinen er lukket."


def test_status_during_a_session_changes_nothing(citizen: CitizenApp) -> None:
    to_sharing(citizen)
    citizen.handle(closed_status())
    citizen.handle(HotlineStatus(True, agents_online=0))
    assert citizen.view.phase == "sharing" and citizen.view.bar.isVisible()


def test_status_from_the_network_thread_arrives_on_the_gui_thread(
    citizen: CitizenApp, qtbot: Any
) -> None:
    seen: list[bool] = []
    original = citizen.view.hotline_status

    def spy(status: HotlineStatus) -> None:
        seen.append(threading.current_thread() is threading.main_thread())
        original(status)

    citizen.view.hotline_status = spy  # type: ignore[method-assign]
    citizen.handle(CodeReady(CODE))
    t = threading.Thread(target=citizen.router, args=(HotlineStatus(True, agents_online=0),))
    t.start()
    t.join()
    assert seen == []  # queued, not called on the network thread
    qtbot.waitUntil(lambda: seen == [True], timeout=2000)
    assert presence(citizen).text() == NOBODY_DA


# through a real relay -------------------------------------------------------------------

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")
WAIT = 10_000


def run_relay(tmp_path: Path, **config: Any) -> Any:
    store = relay_accounts.AccountStore(tmp_path / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", "correct horse battery", role="agent")
    thread = relay_server.RelayThread(
        relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True, **config)
    )
    thread.start()
    return thread


def test_presence_through_the_relay(tmp_path: Path, qtbot: Any, rig: Rig) -> None:
    relay = run_relay(tmp_path)
    app = CitizenApp(
        CitizenConfig(relay_url=relay.url),
        CitizenEndpoint,
        Devices(rig.injector, rig.streamer, rig.listeners),
    )
    agent = AgentEndpoint(relay.url, lambda e: None, name="anna", password="correct horse battery")
    try:
        app.start()
        qtbot.waitUntil(lambda: presence(app).text() == NOBODY_DA, timeout=WAIT)
        agent.sign_in()
        qtbot.waitUntil(lambda: presence(app).text() == READY_DA, timeout=WAIT)
        assert app.view.phase == "code" and app.view.window.code.code.text()
    finally:
        agent.stop()
        app.shutdown()
        app.view.dispose()
        relay.stop()


def test_closed_through_the_relay(tmp_path: Path, qtbot: Any, rig: Rig) -> None:
    today = date.today()
    shut = [today + timedelta(days=d) for d in range(-1, 9)]  # closed now, whatever the hour
    hours = OpeningHours(closed_dates=frozenset(shut))
    relay = run_relay(tmp_path, always_open=False, opening_hours=hours)
    app = CitizenApp(
        CitizenConfig(relay_url=relay.url),
        CitizenEndpoint,
        Devices(rig.injector, rig.streamer, rig.listeners),
    )
    try:
        app.start()
        qtbot.waitUntil(lambda: app.view.phase == "closed", timeout=WAIT)
        heading, detail = status_text(app)
        assert heading == "Hotlinen er lukket." and "Vi åbner igen" in detail
        assert app.view.code == ""
    finally:
        app.shutdown()
        app.view.dispose()
        relay.stop()
