"""Two relay processes behind stock HAProxy, sharing a throw-away PostgreSQL cluster.

The real thing on loopback (issue 14 §3): ``python -m relay serve`` twice with
``[cluster]`` node names and half of the nameplates' leading digits each, the
haproxy.cfg of relay/haproxy.py, and the reference endpoints.  Citizens get their
codes round robin; agents sign in anywhere and land on the node of the code they
join (``other_node`` + a ticket); presence counts every node's agents; when one
node dies its sessions end and its citizens get fresh codes from the other.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pgcluster import Cluster, fresh_database
from relay_helpers import PASSWORD

from bench.relaycluster import HAProxy, RelayNode, cluster
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentEndpoint, CitizenEndpoint
from cobrowse.session.notices import (
    CodeReady,
    HotlineStatus,
    Joined,
    JoinFailed,
    PeerBack,
    SignedIn,
    SignInFailed,
)
from relay.accounts import AccountStore

TIMEOUT = 60.0  # generous: two relays, HAProxy and PostgreSQL share 2 busy cores


@pytest.fixture(scope="module")
def haproxy() -> str:
    """The haproxy binary; skipped (failed on CI, which installs it) without one."""
    found = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        message = "HAProxy is not installed (apt-get install haproxy)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def shared_db(postgres_cluster: Cluster) -> Iterator[str]:
    """An empty PostgreSQL database with the agents anna and sara."""
    with fresh_database(postgres_cluster) as url:
        accounts = AccountStore(url)
        accounts.add("anna", "Anna Jensen", "Albertslund", PASSWORD)
        accounts.add("sara", "Sara Holm", "Ballerup", PASSWORD)
        accounts.add("bo", "Bo Nielsen", "Albertslund", PASSWORD)
        accounts.close()
        yield url


class Recorder:
    """Every event of one endpoint, kept in order; wait for a condition on them."""

    def __init__(self) -> None:
        self.events: list[object] = []
        self.endpoint: Any = None
        self._changed = threading.Condition()

    def __call__(self, event: object) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def wait(self, what: str, condition: Callable[[], Any]) -> Any:
        with self._changed:
            if not self._changed.wait_for(condition, TIMEOUT):
                raise AssertionError(f"timed out waiting for {what}: {self.events[-8:]}")
            return condition()

    def last(self, kind: type) -> Any:
        found = [e for e in self.events if isinstance(e, kind)]
        return found[-1] if found else None

    def count(self, kind: type) -> int:
        return sum(isinstance(e, kind) for e in self.events)

    def code(self, after: int = 0) -> str:
        """The nameplate of the ``after``+1-th code this citizen got."""
        ready = self.wait(
            f"code #{after + 1}",
            lambda: [e for e in self.events if isinstance(e, CodeReady)][after:],
        )
        return str(ready[0].code.nameplate)

    def agents_online(self, want: int) -> None:
        """Wait until the latest presence line says ``want`` agents."""

        def seen() -> bool:
            status = self.last(HotlineStatus)
            return status is not None and status.agents_online == want

        self.wait(f"agents_online == {want}", seen)


class Scene:
    """The endpoints of one test, stopped at the end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.endpoints: list[Any] = []

    def citizen(self) -> tuple[Recorder, str]:
        rec = Recorder()
        citizen = CitizenEndpoint(self.url, rec, retry_delays=(0.5, 1, 2))
        self.endpoints.append(citizen)
        rec.endpoint = citizen
        citizen.start()
        return rec, rec.code()

    def agent(self, name: str, url: str | None = None) -> tuple[AgentEndpoint, Recorder]:
        rec = Recorder()
        agent = AgentEndpoint(url or self.url, rec, name=name, password=PASSWORD)
        self.endpoints.append(agent)
        agent.sign_in()
        rec.wait(f"{name} signed in", lambda: rec.last(SignedIn))
        return agent, rec

    def stop(self) -> None:
        for endpoint in self.endpoints:
            endpoint.stop()


def abort(endpoint: Any) -> None:
    """Cut the endpoint's TCP connection without a close handshake (a lost line)."""
    endpoint._net.call(lambda: endpoint._link and endpoint._link.ws.transport.abort())


def paired(citizen: Recorder, agent: Recorder) -> str:
    """Wait until both sides paired; their verifier (the same on both)."""
    mine = citizen.wait("citizen paired", lambda: citizen.last(ev.Paired))
    theirs = agent.wait("agent paired", lambda: agent.last(ev.Paired))
    assert mine.verifier == theirs.verifier
    return str(mine.verifier)


def test_two_nodes_behind_haproxy(haproxy: str, shared_db: str, tmp_path: Path) -> None:
    with cluster(shared_db, tmp_path, 2) as (one, two):
        proxy = HAProxy(tmp_path, [one.node, two.node])
        scene = Scene(proxy.url)
        try:
            _scenario(scene, one, two)
        finally:
            scene.stop()
            proxy.stop()


def _scenario(scene: Scene, one: RelayNode, two: RelayNode) -> None:
    # Citizens round robin: four codes, two from each node's digits.
    citizens = [scene.citizen() for _ in range(4)]
    on_one = [(rec, np) for rec, np in citizens if np[0] in one.routes]
    on_two = [(rec, np) for rec, np in citizens if np[0] in two.routes]
    assert len(on_one) == len(on_two) == 2, [np for _, np in citizens]
    for rec, _ in citizens:
        rec.agents_online(0)

    # anna signs in on node one, sara anywhere: every citizen counts both.
    anna, anna_rec = scene.agent("anna", f"{scene.url}?route={one.routes[0]}")
    sara, sara_rec = scene.agent("sara")
    for rec, _ in citizens:
        rec.agents_online(2)

    # anna joins a code of node two: she moves there with a ticket, and pairs.
    (anna_citizen, anna_code), (waiting_two, _) = on_two
    anna.join(f"{anna_code} {anna_citizen.last(CodeReady).code.secret}")
    anna_rec.wait("anna joined", lambda: anna_rec.last(Joined))
    assert anna_rec.last(Joined).nameplate == anna_code
    paired(anna_citizen, anna_rec)
    (sara_citizen, sara_code), (waiting_one, _) = on_one
    sara.join(f"{sara_code} {sara_citizen.last(CodeReady).code.secret}")
    paired(sara_citizen, sara_rec)
    waiting_one.agents_online(2)  # anna's move is seen on both nodes
    waiting_two.agents_online(2)

    # anna's citizen loses its line, twice: each resume reaches node two again
    # (?route=), never node one (round robin would send every other one there).
    for back in (1, 2):
        abort(anna_citizen.endpoint)
        anna_rec.wait(f"peer back #{back}", lambda: anna_rec.count(PeerBack) == back)  # noqa: B023
        secured = back + 1  # the citizen's own new connection is up, handshake done
        anna_citizen.wait("citizen secured", lambda: anna_citizen.count(ev.Secured) == secured)  # noqa: B023
    assert anna_citizen.count(CodeReady) == 1

    # Node two dies without a word.
    two.kill()
    anna_rec.wait("anna's session ended", lambda: anna_rec.last(ev.SessionEnded))
    anna_rec.wait("anna's relay lost", lambda: anna_rec.last(SignInFailed))
    for rec in (anna_citizen, waiting_two):  # fresh codes, from node one
        assert rec.code(after=1)[0] in one.routes
    assert anna_citizen.last(ev.SessionEnded) is not None
    for rec in (waiting_one, waiting_two):  # node two's row expired: sara only
        rec.agents_online(1)
    assert sara_rec.last(ev.SessionEnded) is None, "node one's session went on"

    # A code of the dead node's digit: no node holds it, so no move, just unknown.
    bo, bo_rec = scene.agent("bo")
    bo.join(f"{two.routes[0]}000 000 000")
    assert bo_rec.wait("join failed", lambda: bo_rec.last(JoinFailed)).reason == "unknown_nameplate"


def test_ticket_is_single_use_and_named(shared_db: str, tmp_path: Path) -> None:
    """A ticket signs in its own agent once; a replay or another name is bad_login."""
    import asyncio

    from websockets.asyncio.client import connect

    with cluster(shared_db, tmp_path, 2) as (one, two):
        url = f"ws://127.0.0.1:{one.port}/v1"

        async def hello(extra: dict[str, str], target: str = url) -> tuple[Any, dict[str, Any]]:
            ws = await connect(target)
            await ws.send(json.dumps({"type": "hello", "version": 1, "role": "agent", **extra}))
            try:
                return ws, json.loads(await ws.recv())
            except Exception as exc:  # noqa: BLE001 - the close is the answer
                return ws, {"closed": getattr(getattr(exc, "rcvd", None), "reason", "")}

        async def body() -> None:
            ws, welcome = await hello({"name": "anna", "password": PASSWORD})
            assert welcome["type"] == "welcome"
            await ws.send(json.dumps({"type": "join", "nameplate": f"{two.routes[0]}000"}))
            error = json.loads(await ws.recv())
            assert error["reason"] == "other_node" and len(error["ticket"]) == 64
            other = f"ws://127.0.0.1:{two.port}/v1"
            _, wrong = await hello({"name": "sara", "ticket": error["ticket"]}, other)
            assert wrong == {"closed": "bad_login"}
            ws2, ok = await hello({"name": "anna", "ticket": error["ticket"]}, other)
            assert ok["type"] == "welcome" and ok["name"] == "anna"
            _, replay = await hello({"name": "anna", "ticket": error["ticket"]}, other)
            assert replay == {"closed": "bad_login"}
            await ws.close()
            await ws2.close()

        asyncio.run(asyncio.wait_for(body(), TIMEOUT))
        lines = (tmp_path / "node2" / "audit.jsonl").read_text().splitlines()
        logins = [json.loads(line) for line in lines if '"login"' in line]
        assert [(x["agent"], x["outcome"], x.get("via")) for x in logins] == [
            ("sara", "refused", None),
            ("anna", "ok", "ticket"),
            ("anna", "refused", None),
        ]


def test_an_agent_pointed_at_one_node_moves_once_then_gives_up(
    shared_db: str, tmp_path: Path
) -> None:
    """Without a proxy ``?route=`` reaches the same node again: the second
    ``other_node`` is reported as a failed join, and the agent stays signed in."""
    with cluster(shared_db, tmp_path, 2) as (one, two):
        citizen_rec = Recorder()
        citizen = CitizenEndpoint(f"ws://127.0.0.1:{two.port}/v1", citizen_rec)
        scene = Scene(f"ws://127.0.0.1:{one.port}/v1")
        scene.endpoints.append(citizen)
        try:
            citizen.start()
            nameplate = citizen_rec.code()
            agent, rec = scene.agent("anna")
            agent.join(f"{nameplate} {citizen_rec.last(CodeReady).code.secret}")
            failed = rec.wait("join failed", lambda: rec.last(JoinFailed))
            assert failed.reason == "other_node"
            assert rec.count(SignedIn) == 1 and rec.last(SignInFailed) is None
        finally:
            scene.stop()


@pytest.mark.timeout(240)
def test_the_load_run_goes_through_haproxy_to_every_node(
    haproxy: str, shared_db: str, tmp_path: Path
) -> None:
    """bench/relaycluster.py: relayload's generator through the proxy, 2 nodes."""
    import argparse

    from bench import relaycluster, relayload

    accounts = AccountStore(shared_db)
    accounts.add("bench", "Bench", "Albertslund", relayload.PASSWORD)
    accounts.close()
    args = argparse.Namespace(seconds=1.5, warmup=0.5, rate=50e3, procs=1)
    row = relaycluster.run(shared_db, 2, 4, args)
    assert (row["nodes"], row["sessions"]) == (2, 4)
    assert row["frames_per_s"] > 0 and 0 < row["p50"] <= row["p99"]
    assert row["haproxy_cpu"] >= 0 and row["relay_cpu"] >= 0
