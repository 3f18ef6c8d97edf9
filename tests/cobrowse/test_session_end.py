"""How sessions end, with a real relay on loopback and two headless endpoints.

Every end reaches the citizen as an end (never an endless "reconnecting"), the
citizen gets a fresh code after anything that was not its own end, and after a
resume both sides agree on view-only.
"""

from __future__ import annotations

import asyncio
import json
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from cobrowse.session import events as ev
from cobrowse.session.endpoint import (
    AgentEndpoint,
    CitizenEndpoint,
    CodeReady,
    PeerBack,
    PeerLeft,
    Reconnecting,
    SignedIn,
    SignInFailed,
)
from cobrowse.session.loop import LoopThread
from cobrowse.session.state import State
from relay.accounts import AccountStore
from relay.config import RelayConfig
from relay.server import RelayThread

PASSWORD = "correct horse battery"
TIMEOUT = 20.0


class Events:
    """Endpoint events (delivered on the network thread), waited for in order."""

    def __init__(self) -> None:
        self.q: queue.Queue[object] = queue.Queue()

    def __call__(self, event: object) -> None:
        self.q.put(event)

    def wait_for(self, kind: type, pred: Any = None) -> Any:
        while True:
            event = self.q.get(timeout=TIMEOUT)
            if isinstance(event, kind) and (pred is None or pred(event)):
                return event

    def until(self, kind: type, stop: type) -> list[object]:
        """Events of ``kind`` up to and including the next ``stop`` event."""
        out: list[object] = []
        while True:
            event = self.q.get(timeout=TIMEOUT)
            if isinstance(event, kind | stop):
                out.append(event)
            if isinstance(event, stop):
                return out


def relay_config(tmp_path: Path, **overrides: Any) -> RelayConfig:
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "data_dir": tmp_path,
        "dev": True,
        "always_open": True,
    }
    return RelayConfig(**{**settings, **overrides})


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayThread]:
    AccountStore(tmp_path / "relay.db").add("anna", "Anna Jensen", "Albertslund", PASSWORD)
    config = relay_config(tmp_path, resume_grace=1.5, sweep_interval=0.1)
    with RelayThread(config) as thread:
        yield thread


class Pair:
    """A citizen and an agent endpoint, paired, then viewing or controlling."""

    def __init__(self, url: str, citizen_url: str | None = None) -> None:
        self.ce, self.ae = Events(), Events()
        self.citizen = CitizenEndpoint(citizen_url or url, self.ce, retry_delays=(0.1,))
        self.agent = AgentEndpoint(url, self.ae, name="anna", password=PASSWORD)
        self.citizen.start()
        self.agent.sign_in()
        self.code = self.ce.wait_for(CodeReady).code
        self.ae.wait_for(SignedIn)
        self.agent.join(self.code.display())
        self.ce.wait_for(ev.Secured)
        self.ae.wait_for(ev.Secured)

    def consent(self, kind: str) -> None:
        self.agent.send(ev.ConsentRequest(kind))
        self.ce.wait_for(ev.ConsentRequest, lambda e: e.kind == kind)
        self.citizen.send(ev.ConsentGrant(kind))
        self.ae.wait_for(ev.ConsentGrant, lambda e: e.kind == kind)

    def controlling(self) -> Pair:
        self.consent("view")
        self.consent("control")
        return self

    def stop(self) -> None:
        self.citizen.stop()
        self.agent.stop()


@pytest.fixture
def pair(relay: RelayThread) -> Iterator[Pair]:
    p = Pair(relay.url)
    yield p
    p.stop()


def abort(endpoint: Any) -> None:
    """Cut the endpoint's TCP connection without a close handshake (a killed app)."""
    endpoint._net.call(lambda: endpoint._link and endpoint._link.ws.transport.abort())


def test_agent_gone_citizen_waits_out_the_grace_then_ends_and_gets_a_fresh_code(
    pair: Pair,
) -> None:
    """Issue 10 item 1: the agent app is killed while in control."""
    pair.controlling()
    abort(pair.agent)
    assert pair.ce.wait_for(PeerLeft).reason == "connection_lost"  # the room waits
    session = pair.citizen.session
    assert session is not None and session.state is State.VIEWING  # no input meanwhile
    ended = pair.ce.wait_for(ev.SessionEnded)  # the grace (1.5 s) ran out
    assert (ended.reason, ended.by_peer) == ("timeout", True)
    assert pair.ce.wait_for(CodeReady).code != pair.code


@pytest.mark.parametrize("reason", ["security", "done", "agent_closed"])
def test_every_agent_end_reaches_the_citizen_as_an_end_with_a_fresh_code(
    pair: Pair, reason: str
) -> None:
    """Issue 10 item 2: an end by the agent, for any reason, is an end."""
    pair.controlling()
    pair.agent.end(reason)
    ended = pair.ce.wait_for(ev.SessionEnded)
    assert (ended.reason, ended.by_peer) == (reason, True)
    assert pair.ce.wait_for(CodeReady).code != pair.code


def test_the_citizens_own_end_gets_no_code_by_itself(pair: Pair) -> None:
    pair.consent("view")
    pair.citizen.end("done")
    assert pair.ce.wait_for(ev.SessionEnded).reason == "done"
    pair.ae.wait_for(ev.SessionEnded)
    pair.citizen.new_code()  # the citizen's "Nyt nummer" button
    assert len(pair.ce.until(CodeReady, CodeReady)) == 1  # exactly the one asked for


def test_relay_restart_citizen_gets_a_fresh_code_and_agent_ends(tmp_path: Path) -> None:
    """Issue 10 item 4: the relay is restarted in the middle of a session."""
    AccountStore(tmp_path / "relay.db").add("anna", "Anna Jensen", "Albertslund", PASSWORD)
    first = RelayThread(relay_config(tmp_path)).start()
    port = first.port
    p = Pair(first.url)
    try:
        p.controlling()
        first.stop()
        assert p.ae.wait_for(ev.SessionEnded).reason == "relay_lost"
        p.ae.wait_for(SignInFailed)
        p.ce.wait_for(Reconnecting)
        with RelayThread(relay_config(tmp_path, port=port)):
            ended = p.ce.wait_for(ev.SessionEnded)  # the new relay refused the resume
            assert (ended.reason, ended.by_peer) == ("connection_lost", False)
            assert p.ce.wait_for(CodeReady).code != p.code
    finally:
        p.stop()


def test_join_and_leave_without_a_guess_gives_the_citizen_a_fresh_code(
    relay: RelayThread,
) -> None:
    """Issue 10 item 17: an agent account joins and leaves without sending a PAKE."""
    ce = Events()
    citizen = CitizenEndpoint(relay.url, ce)
    citizen.start()
    try:
        code = ce.wait_for(CodeReady).code
        _raw_agent(relay.url, code.nameplate, [json.dumps({"type": "leave"})], until=None)
        ended = ce.wait_for(ev.SessionEnded)
        assert (ended.reason, ended.by_peer) == ("left", True)
        assert ce.wait_for(CodeReady).code.nameplate != code.nameplate
    finally:
        citizen.stop()


def test_a_malformed_pake_gives_the_citizen_a_fresh_code(relay: RelayThread) -> None:
    """Issue 10 item 17: before, the session ended with no new code."""
    ce = Events()
    citizen = CitizenEndpoint(relay.url, ce)
    citizen.start()
    try:
        code = ce.wait_for(CodeReady).code
        _raw_agent(relay.url, code.nameplate, [b"\x01" + b"\xff" * 33])
        assert ce.wait_for(ev.SessionEnded).reason == "security"
        assert ce.wait_for(CodeReady).code.nameplate != code.nameplate
    finally:
        citizen.stop()


def _raw_agent(
    url: str, nameplate: str, then: list[str | bytes], until: str | None = "peer_left"
) -> None:
    """Sign in as anna, join ``nameplate``, send ``then``, and wait for ``until``."""

    async def main() -> None:
        hello = {"type": "hello", "version": 1, "role": "agent", "name": "anna"}
        async with connect(url) as ws:
            await ws.send(json.dumps({**hello, "password": PASSWORD}))
            assert json.loads(await ws.recv())["type"] == "welcome"
            await ws.send(json.dumps({"type": "join", "nameplate": nameplate}))
            while json.loads(str(await ws.recv())).get("type") != "joined":
                pass
            for message in then:
                await ws.send(message)
            if until is None:
                return
            async for message in ws:  # the citizen's PAKE, then the room's end
                if isinstance(message, str) and until in message:
                    break

    asyncio.run(asyncio.wait_for(main(), TIMEOUT))


class CuttingProxy:
    """A TCP proxy that can drop its client side while keeping the relay side open:
    the relay still holds the old connection when the client comes back."""

    def __init__(self, port: int) -> None:
        self._net = LoopThread("cutting-proxy")
        self._upstream_port = port
        self._clients: list[asyncio.StreamWriter] = []
        self._kept: list[asyncio.StreamWriter] = []
        self.port = self._net.submit(self._start()).result(TIMEOUT)

    async def _start(self) -> int:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self._upstream_port)
        self._clients.append(writer)
        self._kept.append(up_writer)
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    def cut_clients(self) -> None:
        """Reset every client-side socket; the relay side sees nothing."""

        async def cut() -> None:
            for writer in self._clients:
                writer.transport.abort()
            self._clients.clear()

        self._net.submit(cut()).result(TIMEOUT)

    def close(self) -> None:
        self._net.call(self._server.close)
        self._net.stop()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass  # one side is gone; the other is left as it is


def test_half_open_resume_leaves_both_sides_in_view_only(relay: RelayThread) -> None:
    """Issue 10 item 3: the relay replaces the citizen's connection; the agent hears
    ``peer_back`` without ``peer_left`` and must drop to view-only as well."""
    proxy = CuttingProxy(relay.port)
    p = Pair(relay.url, citizen_url=f"ws://127.0.0.1:{proxy.port}/v1")
    try:
        p.controlling()
        proxy.cut_clients()
        p.ce.wait_for(Reconnecting)
        p.ae.wait_for(PeerBack)
        assert p.ae.wait_for(ev.ControlOff) == ev.ControlOff()  # reported to the agent app
        p.ce.wait_for(ev.Secured)
        p.ae.wait_for(ev.Secured)
        for side in (p.citizen, p.agent):
            assert side.session is not None and side.session.state is State.VIEWING
        p.consent("control")  # the agent's next request reaches the citizen
        assert p.citizen.session is not None
        assert p.citizen.session.state is State.CONTROLLING
    finally:
        p.stop()
        proxy.close()
