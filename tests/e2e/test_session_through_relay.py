"""A real relay on 127.0.0.1:0 and two real endpoints: pairing, consent, messages, end.

The relay's tap sees every binary frame it forwards; a plaintext marker and the
secret digits of the code must never appear in it.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from endpoint_events import Events

from cobrowse.screen.flow import FlowControl
from cobrowse.session import events as ev
from cobrowse.session.acks import ACK_DELAY
from cobrowse.session.endpoint import (
    AgentEndpoint,
    AgentJoined,
    CitizenEndpoint,
    CodeReady,
    JoinFailed,
    SignedIn,
    SignInFailed,
)
from cobrowse.session.protocol import FrameReceived

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")

MARKER = "PLAINTEXT-MARKER-Æblegrød-4711"
TIMEOUT = 15


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Any]:
    store = relay_accounts.AccountStore(tmp_path / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", "correct horse battery", role="agent")
    tapped: list[bytes] = []
    config = relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True)
    thread = relay_server.RelayThread(config)
    thread.start()
    thread.tapped = tapped
    thread.relay.tap = tapped.append
    yield thread
    thread.stop()


def start_pair(
    relay: Any, password: str = "correct horse battery"
) -> tuple[CitizenEndpoint, Events, AgentEndpoint, Events]:
    ce, ae = Events(), Events()
    citizen = CitizenEndpoint(relay.url, ce)
    agent = AgentEndpoint(relay.url, ae, name="anna", password=password)
    citizen.start()
    agent.sign_in()
    return citizen, ce, agent, ae


def test_full_session_through_relay(relay: Any) -> None:
    citizen, ce, agent, ae = start_pair(relay)
    try:
        code = ce.wait_for(CodeReady).code
        assert isinstance(ae.wait_for(SignedIn), SignedIn)
        agent.join(code.display())
        joined = ce.wait_for(AgentJoined)
        assert (joined.name, joined.municipality) == ("Anna Jensen", "Albertslund")
        v_c, v_a = ce.wait_for(ev.Paired).verifier, ae.wait_for(ev.Paired).verifier
        assert v_c == v_a
        ce.wait_for(ev.Secured)
        ae.wait_for(ev.Secured)
        agent.send(ev.ConsentRequest("view"))
        ce.wait_for(ev.ConsentRequest)
        citizen.send(ev.ConsentGrant("view"))
        ae.wait_for(ev.ConsentGrant)
        agent.send(ev.ShowStep(1, 3, "Trin", MARKER))
        assert ce.wait_for(ev.ShowStep).text == MARKER
        frame = (MARKER.encode() * 8000)[:200_000]
        citizen.send_frame(1, frame)
        assert ae.wait_for(FrameReceived).payload == frame
        ce.wait_for(ev.FrameAck)  # the agent acknowledged it
        citizen.send(ev.End("done"))
        assert ae.wait_for(ev.SessionEnded).reason == "done"
    finally:
        citizen.stop()
        agent.stop()
    wire = b"".join(relay.tapped)
    assert len(wire) > 200_000
    for secret in (
        MARKER.encode(),
        MARKER.encode("utf-16-le"),
        code.secret.encode(),
        code.pake_password(),
    ):
        assert secret not in wire


def test_acks_are_coalesced_and_flow_control_keeps_its_round_trip(relay: Any) -> None:
    """A lone frame (a caret blink) is acked ACK_DELAY later, saying how long the ack
    was held; flow control fed that ack takes the hold out of the round trip.  Two
    frames back to back get one ack, for the second."""
    citizen, ce, agent, ae = start_pair(relay)
    told, untold = (FlowControl(time.monotonic, window=3, burst=3) for _ in range(2))
    try:
        code = ce.wait_for(CodeReady).code
        ae.wait_for(SignedIn)
        agent.join(code.display())
        ce.wait_for(ev.Secured)
        ae.wait_for(ev.Secured)
        agent.send(ev.ConsentRequest("view"))
        ce.wait_for(ev.ConsentRequest)
        citizen.send(ev.ConsentGrant("view"))
        ae.wait_for(ev.ConsentGrant)
        for flow in (told, untold):
            flow.sent(1, 100)
        citizen.send_frame(1, bytes(100))
        ack = ce.wait_for(ev.FrameAck)
        assert ack.frame_id == 1 and ack.held_ms >= ACK_DELAY * 1000 / 2
        assert told.acked(1, ack.held_ms / 1000) and untold.acked(1)  # untold: as before
        assert told.rtt is not None and untold.rtt is not None
        assert untold.rtt - told.rtt > ack.held_ms / 1000 - 0.01
        assert told.quality >= untold.quality and told.fps >= untold.fps
        assert told.in_flight == 0 and told.delay() == 0
        for frame_id in (2, 3):
            citizen.send_frame(frame_id, bytes(100))
        assert ce.wait_for(ev.FrameAck).frame_id == 3  # cumulative: covers frame 2
        ce.timeout = ACK_DELAY * 2
        with pytest.raises(queue.Empty):  # and no ack for frame 2 of its own
            ce.wait_for(ev.FrameAck)
    finally:
        citizen.stop()
        agent.stop()


def test_wrong_code_burns_and_citizen_gets_a_new_one(relay: Any) -> None:
    citizen, ce, agent, ae = start_pair(relay)
    try:
        code = ce.wait_for(CodeReady).code
        ae.wait_for(SignedIn)
        wrong = code.nameplate + ("1" if code.secret[0] != "1" else "2") + code.secret[1:]
        agent.join(wrong)
        assert ce.wait_for(ev.SessionEnded).reason == "wrong_code"
        assert ae.wait_for(ev.SessionEnded).reason == "wrong_code"
        fresh = ce.wait_for(CodeReady).code
        assert fresh != code
        # the burnt nameplate cannot be joined again (single use)
        agent2 = AgentEndpoint(relay.url, ae, name="anna", password="correct horse battery")
        agent2.sign_in()
        ae.wait_for(SignedIn)
        agent2.join(code.display())
        assert isinstance(ae.wait_for(JoinFailed), JoinFailed)
        agent2.stop()
    finally:
        citizen.stop()
        agent.stop()


def test_wrong_password_is_refused_with_reason(relay: Any) -> None:
    ae = Events()
    agent = AgentEndpoint(relay.url, ae, name="anna", password="nope")
    agent.sign_in()
    try:
        assert ae.wait_for(SignInFailed).reason == "bad_login"
    finally:
        agent.stop()


def test_unreachable_relay_is_reported_and_retried() -> None:
    ce = Events()
    citizen = CitizenEndpoint("ws://127.0.0.1:9/v1", ce, retry_delays=(0.05,))
    citizen.start()
    try:
        from cobrowse.session.endpoint import RelayUnreachable

        first = ce.wait_for(RelayUnreachable)
        second = ce.wait_for(RelayUnreachable)
        assert "cannot reach" in first.message and second.retry_in == 0.05
    finally:
        citizen.stop()
