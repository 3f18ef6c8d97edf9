"""Through a real relay: statistics upload and report, two sessions on one agent
connection, and a citizen meeting a closed hotline."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from endpoint_events import Events

from cobrowse.session import events as ev
from cobrowse.session.endpoint import (
    AgentEndpoint,
    AgentJoined,
    CitizenEndpoint,
    CodeReady,
    HotlineStatus,
    Joined,
    SignedIn,
    StatsError,
    StatsRefused,
    StatsReport,
    StatsStored,
)
from cobrowse.sessionlog import SessionLog
from cobrowse.sessionlog.upload import batches, upload_pending
from relay.accounts import AccountStore
from relay.cli import main as relay_cli
from relay.config import RelayConfig
from relay.server import RelayThread

PASSWORD = "correct horse battery"
TIMEOUT = 10
START = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)  # Monday 19:00 in Copenhagen


class WallClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def data(tmp_path: Path) -> Path:
    store = AccountStore(tmp_path / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", PASSWORD)
    store.add("bo", "Bo Nielsen", "Albertslund", PASSWORD, role="supervisor")
    return tmp_path


@pytest.fixture
def relay(data: Path) -> Iterator[RelayThread]:
    with RelayThread(RelayConfig(host="127.0.0.1", port=0, data_dir=data, dev=True)) as thread:
        yield thread


def signed_in(relay: RelayThread, name: str = "anna") -> tuple[AgentEndpoint, Events]:
    events = Events()
    agent = AgentEndpoint(relay.url, events, name=name, password=PASSWORD)
    agent.sign_in()
    events.wait_for(SignedIn)
    return agent, events


def log_two_sessions(path: Path) -> SessionLog:
    times = iter(START + timedelta(minutes=m) for m in range(100))
    log = SessionLog(path, clock=lambda: next(times))
    for outcome in ("solved", "citizen_finished_alone"):
        sid = log.start_session("anna", "Albertslund", topic="digital_post")
        log.append(sid, "control_on")
        log.end_session(sid, outcome)
    return log


def test_pending_sessions_reach_the_relay_once_and_the_report(
    relay: RelayThread, data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = log_two_sessions(tmp_path / "agent" / "sessions.db")
    ids = log.pending_uploads()
    agent, events = signed_in(relay)
    try:
        [batch] = upload_pending(log, agent)
        assert batch.result(TIMEOUT).session_ids == tuple(ids)
        assert events.wait_for(StatsStored).session_ids == tuple(ids)
        assert log.pending_uploads() == [] and log.summary(ids[0]).uploaded
        again = agent.upload([log.session_upload(sid) for sid in ids])  # sent twice
        assert again.result(TIMEOUT) == StatsStored(tuple(ids), ())
        assert upload_pending(log, agent) == []  # nothing left to send
        refused = agent.request_stats(date(2024, 3, 1), date(2024, 3, 31))
        with pytest.raises(StatsError, match="supervisors"):
            refused.result(TIMEOUT)
        assert events.wait_for(StatsRefused).reason == "forbidden"
    finally:
        agent.stop()
        log.close()
    with sqlite3.connect(data / "stats.db") as db:
        assert db.execute(
            "SELECT session_id FROM stat_sessions ORDER BY started_ts"
        ).fetchall() == [(sid,) for sid in ids]
    supervisor, events = signed_in(relay, "bo")
    try:
        report = supervisor.request_stats(date(2024, 3, 1), date(2024, 3, 31)).result(TIMEOUT)
        assert report["contacts"] == 2 and report["finished_alone_share"] == 0.5
        assert events.wait_for(StatsReport).report == report
        page = supervisor.request_contacts(date(2024, 3, 1), date(2024, 3, 31)).result(TIMEOUT)
        assert (page["municipality"], page["total"], page["next_offset"]) == (
            "Albertslund",
            2,
            None,
        )
        assert [c["outcome"] for c in page["contacts"]] == ["solved", "citizen_finished_alone"]
        other = supervisor.request_contacts(date(2024, 3, 1), date(2024, 3, 31), "Ballerup")
        with pytest.raises(StatsError, match="only Albertslund"):
            other.result(TIMEOUT)
    finally:
        supervisor.stop()
    assert (
        relay_cli(["report", "--from", "2024-03-04", "--to", "2024-03-04", "--data-dir", str(data)])
        == 0
    )
    out = capsys.readouterr().out
    assert "Contacts                  2" in out and "citizen_finished_alone" in out


def test_batches_respect_the_limits() -> None:
    small = {"session": {"session_id": "s"}, "pad": "x" * 1000}
    huge = {"session": {"session_id": "h"}, "pad": "x" * 200_000}
    split = batches([small] * 120 + [huge])
    assert [len(b) for b in split] == [50, 50, 20]  # the huge one stays pending


def test_upload_without_a_connection_fails_cleanly(relay: RelayThread) -> None:
    agent = AgentEndpoint(relay.url, Events(), name="anna", password=PASSWORD)
    try:
        with pytest.raises(StatsError, match="not connected"):
            agent.upload([{"session": {}}]).result(TIMEOUT)
        with pytest.raises(ValueError):
            agent.upload([])
    finally:
        agent.stop()


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    """Check ``condition`` every 20 ms until it holds or ``timeout`` s have passed."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        threading.Event().wait(0.02)
    return True


def pair(citizen_events: Events, agent: AgentEndpoint, agent_events: Events) -> None:
    code = citizen_events.wait_for(CodeReady).code
    agent.join(code.display())
    agent_events.wait_for(Joined)
    citizen_events.wait_for(AgentJoined)
    agent_events.wait_for(ev.Secured)
    citizen_events.wait_for(ev.Secured)


def test_two_sessions_in_a_row_on_one_agent_connection(relay: RelayThread) -> None:
    agent, ae = signed_in(relay)
    citizens: list[CitizenEndpoint] = []
    try:
        for by_agent in (True, False):
            ce = Events()
            citizen = CitizenEndpoint(relay.url, ce)
            citizens.append(citizen)
            citizen.start()
            pair(ce, agent, ae)
            if by_agent:  # the agent ends: the citizen gets a fresh code at once
                agent.end("done")
                ended = ce.wait_for(ev.SessionEnded)
                assert (ended.reason, ended.by_peer) == ("done", True)
                ce.wait_for(CodeReady)  # (queue.Empty if none comes)
            else:  # the citizen ends: the agent leaves the room by itself
                citizen.send(ev.End("done"))
                assert ae.wait_for(ev.SessionEnded).reason == "done"
        assert relay.relay is not None
        hub = relay.relay.hub  # the agent's leave closes the second room: one fresh code left
        assert wait_until(lambda: len(hub.rooms) == 1), len(hub.rooms)
    finally:
        for citizen in citizens:
            citizen.stop()
        agent.stop()


def test_closed_hotline_is_retried_until_it_opens(data: Path) -> None:
    wall = WallClock(datetime(2024, 3, 8, 12, 0, tzinfo=UTC))  # Friday: closed
    config = RelayConfig(host="127.0.0.1", port=0, data_dir=data, dev=True, always_open=False)
    with RelayThread(config, wallclock=wall) as relay:
        ce = Events()
        citizen = CitizenEndpoint(relay.url, ce, closed_retry=0.05)
        citizen.start()
        try:
            closed = ce.wait_for(HotlineStatus)
            assert not closed.open and closed.retry_in == 0.05
            assert closed.next_opening == "2024-03-11T19:00:00+01:00"
            assert "Open Monday–Thursday 19–22" in closed.message_en
            assert not ce.wait_for(HotlineStatus).open  # tried again, still closed
            wall.now = datetime(2024, 3, 11, 18, 30, tzinfo=UTC)  # Monday 19:30
            ce.wait_for(CodeReady)
            assert ce.wait_for(HotlineStatus) == HotlineStatus(True, 0, 1)
            agent, _ = signed_in(relay)
            assert ce.wait_for(HotlineStatus, lambda s: s.agents_online == 1).waiting == 1
            agent.stop()
            assert ce.wait_for(HotlineStatus).agents_online == 0
        finally:
            citizen.stop()


def test_stats_futures_settle_when_the_connection_ends(relay: RelayThread) -> None:
    agent, _ = signed_in(relay, "bo")
    try:
        answered = agent.request_stats(date(2024, 3, 1), date(2024, 3, 2))
        assert answered.result(TIMEOUT)["contacts"] == 0
        pending = agent.request_stats(date(2024, 3, 1), date(2024, 3, 2))
    finally:
        agent.stop()
    try:  # answered just in time, or failed by the stop: never left hanging
        assert pending.result(0)["contacts"] == 0
    except StatsError as exc:
        assert exc.reason == "connection_lost"
