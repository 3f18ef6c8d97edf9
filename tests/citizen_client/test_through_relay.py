"""The citizen app with a real endpoint and relay, and a headless agent.

The agent joins the code the window shows, asks to view and to control; the
citizen answers through the dialogs.  Input reaches the (fake) keyboard only
between the control grant and the take-back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from citizen_fakes import OFFSCREEN, Rig

from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentEndpoint, CitizenEndpoint, SignedIn
from cobrowse.session.protocol import FrameReceived

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")
pytestmark = OFFSCREEN
WAIT = 10_000


class Seen:
    """Agent events (from its network thread), checked from the GUI thread."""

    def __init__(self) -> None:
        self.items: list[object] = []
        self.lock = threading.Lock()

    def __call__(self, event: object) -> None:
        with self.lock:
            self.items.append(event)

    def of(self, kind: type) -> list[Any]:
        with self.lock:
            return [e for e in self.items if isinstance(e, kind)]


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Any]:
    store = relay_accounts.AccountStore(tmp_path / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", "correct horse battery", role="agent")
    thread = relay_server.RelayThread(
        relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True)
    )
    thread.start()
    yield thread
    thread.stop()


def test_consent_gating_end_to_end(relay: Any, qtbot: Any, rig: Rig) -> None:
    app = CitizenApp(
        CitizenConfig(relay_url=relay.url),
        CitizenEndpoint,
        Devices(rig.injector, rig.streamer, rig.listeners),
    )
    seen = Seen()
    agent = AgentEndpoint(relay.url, seen, name="anna", password="correct horse battery")
    try:
        app.start()
        agent.sign_in()
        qtbot.waitUntil(lambda: app.view.phase == "code", timeout=WAIT)
        qtbot.waitUntil(lambda: bool(seen.of(SignedIn)), timeout=WAIT)
        agent.join(app.view.window.code.code.text())
        qtbot.waitUntil(lambda: bool(seen.of(ev.Secured)), timeout=WAIT)
        assert app.view.agent == ("Anna Jensen", "Albertslund")

        agent.send(ev.ConsentRequest("view"))
        qtbot.waitUntil(app.view.view_dialog.isVisible, timeout=WAIT)
        app.view.view_dialog.yes.click()
        qtbot.waitUntil(lambda: bool(seen.of(ev.ScreenInfo)), timeout=WAIT)
        assert seen.of(ev.ConsentGrant) == [ev.ConsentGrant("view")]
        rig.streamers[0].on_frame(1, b"frame-bytes" * 100)
        qtbot.waitUntil(lambda: bool(seen.of(FrameReceived)), timeout=WAIT)
        qtbot.waitUntil(lambda: ("ack", 1) in rig.streamers[0].calls, timeout=WAIT)

        agent.send(ev.ConsentRequest("control"))
        qtbot.waitUntil(app.view.control_dialog.isVisible, timeout=WAIT)
        verifier = seen.of(ev.Paired)[0].verifier
        assert app.view.control_dialog.number.text() == " ".join(verifier)
        app.view.control_dialog.yes.click()
        qtbot.waitUntil(lambda: len(seen.of(ev.ConsentGrant)) == 2, timeout=WAIT)
        agent.send(ev.Key("ae", "æ", True))
        agent.send(ev.Key("ae", "æ", False))
        qtbot.waitUntil(lambda: ("release", "æ") in rig.keyboard.calls, timeout=WAIT)

        app.view.bar.take_back.click()
        qtbot.waitUntil(lambda: bool(seen.of(ev.ConsentRevoke)), timeout=WAIT)
        agent.send(ev.Key("x", "x", True))  # the agent's own session drops it now
        agent.send(ev.ShowStep(2, 5, "Udfyld navn", "Skriv dit navn."))
        qtbot.waitUntil(app.view.banner.isVisible, timeout=WAIT)
        assert ("press", "x") not in rig.keyboard.calls
        assert rig.keyboard.calls == [("press", "æ"), ("release", "æ")]

        agent.send(ev.End("done"))
        qtbot.waitUntil(lambda: app.view.phase == "ended", timeout=WAIT)
        assert not app.view.bar.isVisible() and not app.view.frame.visible()
    finally:
        agent.stop()
        app.shutdown()
        app.view.dispose()


def test_deny_through_the_relay_gives_a_fresh_code(relay: Any, qtbot: Any, rig: Rig) -> None:
    app = CitizenApp(
        CitizenConfig(relay_url=relay.url),
        CitizenEndpoint,
        Devices(rig.injector, rig.streamer, rig.listeners),
    )
    seen = Seen()
    agent = AgentEndpoint(relay.url, seen, name="anna", password="correct horse battery")
    try:
        app.start()
        agent.sign_in()
        qtbot.waitUntil(lambda: app.view.phase == "code" and bool(seen.of(SignedIn)), timeout=WAIT)
        first = app.view.code
        agent.join(first)
        qtbot.waitUntil(lambda: bool(seen.of(ev.Secured)), timeout=WAIT)
        agent.send(ev.ConsentRequest("view"))
        qtbot.waitUntil(app.view.view_dialog.isVisible, timeout=WAIT)
        app.view.view_dialog.no.click()
        qtbot.waitUntil(lambda: app.view.phase == "code", timeout=WAIT)
        assert app.view.code != first and "ikke vist" in app.view.window.code.note.text()
        qtbot.waitUntil(lambda: bool(seen.of(ev.SessionEnded)), timeout=WAIT)
        # Session.close() drops control messages still queued, so the agent learns of
        # the refusal from the end reason (the ConsentDeny sent just before is lost).
        assert seen.of(ev.SessionEnded)[0].reason == "denied"
        assert rig.streamers == [] and rig.keyboard.calls == []
    finally:
        agent.stop()
        app.shutdown()
        app.view.dispose()


def test_dropped_line_resumes_sharing_but_not_control(relay: Any, qtbot: Any, rig: Rig) -> None:
    app = CitizenApp(
        CitizenConfig(relay_url=relay.url),
        CitizenEndpoint,
        Devices(rig.injector, rig.streamer, rig.listeners),
    )
    seen = Seen()
    agent = AgentEndpoint(relay.url, seen, name="anna", password="correct horse battery")
    try:
        app.start()
        agent.sign_in()
        qtbot.waitUntil(lambda: app.view.phase == "code" and bool(seen.of(SignedIn)), timeout=WAIT)
        agent.join(app.view.code)
        qtbot.waitUntil(lambda: bool(seen.of(ev.Secured)), timeout=WAIT)
        agent.send(ev.ConsentRequest("view"))
        qtbot.waitUntil(app.view.view_dialog.isVisible, timeout=WAIT)
        app.view.view_dialog.yes.click()
        qtbot.waitUntil(lambda: bool(seen.of(ev.ConsentGrant)), timeout=WAIT)
        agent.send(ev.ConsentRequest("control"))
        qtbot.waitUntil(app.view.control_dialog.isVisible, timeout=WAIT)
        app.view.control_dialog.yes.click()
        qtbot.waitUntil(lambda: len(seen.of(ev.ConsentGrant)) == 2, timeout=WAIT)

        phases: list[str] = []
        set_phase = app.view.set_phase
        app.view.set_phase = lambda p: (phases.append(p), set_phase(p))  # type: ignore
        link = app.endpoint._link  # noqa: SLF001 - cut the citizen's line like a bad Wi-Fi
        app.endpoint._net.call(link.ws.transport.abort)  # noqa: SLF001
        qtbot.waitUntil(lambda: phases[-2:] == ["reconnecting", "sharing"], timeout=WAIT)
        assert not app.view.frame.visible() and not app.armed
        assert ("reset",) in rig.streamers[0].calls and rig.streamers[0].calls[-1] == ("resume",)
        assert app.endpoint.session.state.value == "viewing"  # control needs a new consent
        qtbot.waitUntil(lambda: len(seen.of(ev.ScreenInfo)) == 2, timeout=WAIT)
        agent.send(ev.Key("z", "z", True))  # the agent's side fell back to viewing too
        agent.send(ev.ShowStep(1, 1, "efter", "Sidste trin."))
        qtbot.waitUntil(app.view.banner.isVisible, timeout=WAIT)
        assert ("press", "z") not in rig.keyboard.calls
    finally:
        agent.stop()
        app.shutdown()
        app.view.dispose()


def _controlled_app(relay_url: str, agent_url: str, qtbot: Any, rig: Rig) -> tuple[Any, Any, Seen]:
    app = CitizenApp(
        CitizenConfig(relay_url=relay_url),
        lambda url, sink: CitizenEndpoint(url, sink, retry_delays=(0.1,)),
        Devices(rig.injector, rig.streamer, rig.listeners),
    )
    seen = Seen()
    agent = AgentEndpoint(agent_url, seen, name="anna", password="correct horse battery")
    app.start()
    agent.sign_in()
    qtbot.waitUntil(lambda: app.view.phase == "code" and bool(seen.of(SignedIn)), timeout=WAIT)
    agent.join(app.view.code)
    qtbot.waitUntil(lambda: bool(seen.of(ev.Secured)), timeout=WAIT)
    dialogs = (app.view.view_dialog, app.view.control_dialog)
    for granted, (kind, dialog) in enumerate(zip(("view", "control"), dialogs, strict=True)):
        agent.send(ev.ConsentRequest(kind))
        qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
        dialog.yes.click()
        qtbot.waitUntil(lambda n=granted: len(seen.of(ev.ConsentGrant)) == n + 1, timeout=WAIT)
    return app, agent, seen


def test_agent_killed_in_control_citizen_waits_then_ends_with_a_new_number(
    tmp_path: Path, qtbot: Any, rig: Rig
) -> None:
    """Issue 10 item 1 on the citizen's screen (grace shortened to 1.5 s)."""
    relay_accounts.AccountStore(tmp_path / "relay.db").add(
        "anna", "Anna Jensen", "Albertslund", "correct horse battery"
    )
    config = relay_config.RelayConfig(
        host="127.0.0.1", port=0, data_dir=tmp_path, dev=True, resume_grace=1.5
    )
    config = config.replace(sweep_interval=0.1)
    with relay_server.RelayThread(config) as relay:
        app, agent, _ = _controlled_app(relay.url, relay.url, qtbot, rig)
        try:
            old_code = app.view.code
            status = app.view.window.status
            seen_phases: list[tuple[str, str, bool]] = []  # (phase, detail, control on)
            set_phase = app.view.set_phase

            def record(phase: str) -> None:
                set_phase(phase)
                seen_phases.append((phase, status.detail.text(), app.gate()))

            app.view.set_phase = record  # type: ignore[method-assign]
            agent._net.call(lambda: agent._link and agent._link.ws.transport.abort())  # SIGKILL
            qtbot.waitUntil(lambda: app.view.phase == "ended", timeout=WAIT)
            assert [p for p, _, _ in seen_phases] == ["helper_away", "ended"]
            _, detail, control_on = seen_phases[0]
            assert "venter på, at hjælperen kommer tilbage" in detail and not control_on
            assert not app.armed and not app.view.frame.visible()
            assert status.heading.text() == "Forbindelsen til hjælperen blev afbrudt."
            assert not (app.view.bar.isVisible() or app.view.banner.isVisible())
            qtbot.waitUntil(lambda: bool(app._spare_code), timeout=WAIT)  # fetched already
            status.action.click()  # "Nyt nummer": one click
            assert app.view.phase == "code" and app.view.code != old_code
        finally:
            agent.stop()
            app.shutdown()
            app.view.dispose()


def test_relay_restart_shows_a_fresh_code_not_the_end(tmp_path: Path, qtbot: Any, rig: Rig) -> None:
    """Issue 10 item 4: docs/relay.md promises a new code after a restart."""
    relay_accounts.AccountStore(tmp_path / "relay.db").add(
        "anna", "Anna Jensen", "Albertslund", "correct horse battery"
    )
    config = relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True)
    first = relay_server.RelayThread(config).start()
    app, agent, _ = _controlled_app(first.url, first.url, qtbot, rig)
    try:
        old_code = app.view.code
        first.stop()
        qtbot.waitUntil(lambda: app.view.phase == "reconnecting", timeout=WAIT)
        assert not app.armed and not app.view.frame.visible()
        with relay_server.RelayThread(config.replace(port=first.port)):
            qtbot.waitUntil(lambda: app.view.phase == "code", timeout=WAIT)
            assert app.view.code != old_code
            note = app.view.window.code.note.text()
            assert note.startswith("Forbindelsen blev afbrudt") and "nyt nummer" in note
            assert app.router.injector is None and not app.view.bar.isVisible()
    finally:
        agent.stop()
        app.shutdown()
        app.view.dispose()
