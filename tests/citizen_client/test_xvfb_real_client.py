"""The real citizen client (real capture, real pynput) on Xvfb, a real relay, a headless
agent, and a Qt form in another process on the same display.

Text with æøå typed by the agent arrives in the form and its click lands on the right
button - only after the citizen's consent.  A misbehaving agent that pushes input past
its own state machine (before consent, after revoke, during a privacy pause) gets
nothing injected, and neither does a blocked combination.
"""

from __future__ import annotations

import gc
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from citizen_fakes import OFFSCREEN
from qt_form_process import QtFormProcess

from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentEndpoint, CitizenEndpoint, SignedIn
from cobrowse.session.protocol import FrameReceived

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")
pytestmark = [OFFSCREEN, pytest.mark.xvfb]
WAIT = 10_000


class Agent:
    """A headless agent; ``force`` sends past its own state machine (a rogue agent)."""

    def __init__(self, url: str) -> None:
        self.events: list[object] = []
        self.ep = AgentEndpoint(
            url, self.events.append, name="anna", password="correct horse battery"
        )

    def of(self, kind: type) -> list[Any]:
        return [e for e in list(self.events) if isinstance(e, kind)]

    def force(self, *msgs: ev.Message) -> None:
        def push() -> None:
            assert self.ep.session is not None
            self.ep.session._control.extend(msgs)  # noqa: SLF001 - deliberately rogue
            self.ep._flush()  # noqa: SLF001

        self.ep._net.call(push)  # noqa: SLF001

    def type(self, text: str) -> None:
        for ch in text:
            self.ep.send(ev.Key("x", ch, True))
            self.ep.send(ev.Key("x", ch, False))

    def click(self, x: int, y: int) -> None:
        self.ep.send(ev.PointerButton(x, y, "left", True))
        self.ep.send(ev.PointerButton(x, y, "left", False))


@pytest.fixture
def world(
    xvfb: Any, tmp_path: Path, qtbot: Any
) -> Iterator[tuple[CitizenApp, Agent, QtFormProcess]]:
    store = relay_accounts.AccountStore(tmp_path / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", "correct horse battery", role="agent")
    relay = relay_server.RelayThread(
        relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True)
    )
    relay.start()
    form = QtFormProcess(xvfb.display)
    qtbot.waitUntil(lambda: form.has("ready"), timeout=WAIT)
    app = CitizenApp(CitizenConfig(relay_url=relay.url), CitizenEndpoint, Devices.system())
    agent = Agent(relay.url)
    yield app, agent, form
    agent.ep.stop()
    app.shutdown()
    app.view.dispose()
    if app.devices.listeners is not None and not app.devices.listeners.stop():
        subprocess.run(["xdotool", "mousemove", "1", "1", "key", "shift"], check=True)
        app.devices.listeners.stop(5)
    form.stop()
    relay.stop()
    gc.collect()  # close pynput's X connections while the server still runs


def test_real_client_injects_only_with_consent(world: Any, qtbot: Any) -> None:
    app, agent, form = world
    app.start()
    agent.ep.sign_in()
    qtbot.waitUntil(lambda: app.view.phase == "code" and bool(agent.of(SignedIn)), timeout=WAIT)
    agent.ep.join(app.view.code)
    qtbot.waitUntil(lambda: bool(agent.of(ev.Secured)), timeout=WAIT)
    agent.ep.send(ev.ConsentRequest("view"))
    qtbot.waitUntil(app.view.view_dialog.isVisible, timeout=WAIT)
    app.view.view_dialog.yes.click()
    qtbot.waitUntil(lambda: len(agent.of(FrameReceived)) >= 1, timeout=WAIT)

    agent.force(
        ev.PointerButton(*form.where["Ja"], "left", True),
        ev.PointerButton(*form.where["Ja"], "left", False),
        ev.Key("x", "x", True),
        ev.Key("x", "x", False),
    )  # before control consent

    agent.ep.send(ev.ConsentRequest("control"))
    qtbot.waitUntil(app.view.control_dialog.isVisible, timeout=WAIT)
    app.view.control_dialog.yes.click()
    qtbot.waitUntil(lambda: len(agent.of(ev.ConsentGrant)) == 2, timeout=WAIT)
    agent.click(*form.where["edit"])
    agent.type("Hej æøå")
    qtbot.waitUntil(lambda: form.has("text", "Hej æøå"), timeout=WAIT)
    for key in ("alt", "f4"):
        agent.ep.send(ev.Key(key, "", True))
    for key in ("f4", "alt"):
        agent.ep.send(ev.Key(key, "", False))
    agent.click(*form.where["Nej"])
    qtbot.waitUntil(lambda: form.has("clicked", "Nej"), timeout=WAIT)

    app.view.bar.take_back.click()
    qtbot.waitUntil(lambda: bool(agent.of(ev.ConsentRevoke)), timeout=WAIT)
    agent.force(ev.Key("r", "r", True), ev.Key("r", "r", False))  # after revoke
    app.view.bar.pause.click()
    agent.force(ev.Key("p", "p", True), ev.Key("p", "p", False))  # during a pause
    agent.ep.send(ev.ShowStep(1, 1, "sidste", "Sidste trin."))
    qtbot.waitUntil(lambda: app.view.banner.isVisible(), timeout=WAIT)

    assert form.has("text", "Hej æøå")
    texts = [s[1] for s in form.history if s[0] == "text"]
    assert not any(c in t for t in texts for c in "xrp")
    assert not form.has("clicked", "Ja")
    assert 0x01000033 not in [s[1] for s in form.history if s[0] == "key"]  # no F4
    assert app.view.phase == "paused"
