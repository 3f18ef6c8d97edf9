"""The session log's chain heads, kept by a real relay, catch a rewritten history
(issue 10, item 19); retention purges do not upset the check."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from endpoint_events import Events

from cobrowse.session.endpoint import AgentEndpoint, SignedIn
from cobrowse.sessionlog import SessionLog
from cobrowse.sessionlog.chain import row_hash
from cobrowse.sessionlog.cli import main as log_cli
from cobrowse.sessionlog.db import cache_values
from cobrowse.sessionlog.model import fold
from cobrowse.sessionlog.upload import upload_pending
from relay.accounts import AccountStore
from relay.config import RelayConfig
from relay.server import RelayThread

PASSWORD = "correct horse battery"
TIMEOUT = 10
START = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayThread]:
    store = AccountStore(tmp_path / "relay.db")
    store.add("anna", "Anna Jensen", "Albertslund", PASSWORD)
    store.add("sara", "Sara Holm", "Albertslund", PASSWORD)
    config = RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True)
    with RelayThread(config) as thread:
        yield thread


def uploaded_log(path: Path, relay: RelayThread, clock: Clock) -> list[str]:
    """Three ended sessions, uploaded the way the agent app does it."""
    ids = []
    with SessionLog(path, clock=clock) as log:
        for day in range(3):
            clock.now = START + timedelta(days=day * 10)
            sid = log.start_session("anna", "Albertslund", topic="digital_post")
            log.append(sid, "control_on")
            log.append(sid, "control_off", by="agent")
            log.end_session(sid, "solved")
            ids.append(sid)
        events = Events()
        agent = AgentEndpoint(relay.url, events, name="anna", password=PASSWORD)
        agent.sign_in()
        events.wait_for(SignedIn)
        try:
            for batch in upload_pending(log, agent):
                batch.result(TIMEOUT)
            assert log.pending_uploads() == []
        finally:
            agent.stop()
        return ids


def rechain(db: sqlite3.Connection, seq: int, prev: str) -> None:
    """Recompute every hash from ``seq`` on, starting from ``prev``, and the head."""
    rows = db.execute(
        "SELECT seq, session_id, at, kind, data FROM events WHERE seq>=? ORDER BY seq", (seq,)
    ).fetchall()
    for s, sid, at, kind, text in rows:
        new = row_hash(prev, s, sid, at, kind, json.loads(text))
        db.execute("UPDATE events SET prev_hash=?, hash=? WHERE seq=?", (prev, new, s))
        prev = new
    db.execute("UPDATE meta SET value=? WHERE key='head_hash'", (prev,))


def rewrite(path: Path, seq: int, data: dict[str, object]) -> None:
    """What an attacker with the file does: drop the triggers, change one event,
    recompute every hash after it, the head and the summary cache."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;")
    db.execute("UPDATE events SET data=? WHERE seq=?", (json.dumps(data), seq))
    sid, prev = db.execute(
        "SELECT session_id, prev_hash FROM events WHERE seq=?", (seq,)
    ).fetchone()
    rechain(db, seq, prev)
    db.close()
    with SessionLog(path, create=False) as log:
        values = cache_values(fold(log.events(sid)))
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(
        "UPDATE sessions SET outcome=?, agent_seconds=? WHERE session_id=?",
        (values[8], values[12], sid),
    )
    db.close()


def verify(
    path: Path,
    relay: RelayThread,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str = "anna",
) -> tuple[int, str]:
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    args = ["verify", "--db", str(path), "--relay", relay.url, "--agent", name]
    status = log_cli([*args, "--password-file", str(secret)])
    return status, capsys.readouterr().out


def test_a_rewritten_history_passes_verify_but_not_verify_relay(
    relay: RelayThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agent" / "sessions.db"
    first, second, third = uploaded_log(path, relay, Clock())
    status, out = verify(path, relay, tmp_path, capsys)
    assert status == 0 and "3 session(s) match the relay" in out

    rewrite(path, 6, {"by": "citizen"})  # the second session's control_off: agent -> citizen
    assert log_cli(["verify", "--db", str(path)]) == 0  # the chain alone is fooled
    assert "chain intact" in capsys.readouterr().out
    status, out = verify(path, relay, tmp_path, capsys)
    assert status == 1 and "REWRITTEN" in out
    assert f"session {second}:" in out and f"session {third}:" in out
    assert f"session {first}:" not in out  # before the change: still matches


def test_heads_are_only_given_to_their_own_agent(
    relay: RelayThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agent" / "sessions.db"
    uploaded_log(path, relay, Clock())
    status, out = verify(path, relay, tmp_path, capsys, name="sara")
    assert status == 0 and "0 session(s) match the relay" in out and "3 not anchored" in out


def test_purged_sessions_do_not_fail_verify_relay_and_the_anchor_is_checked(
    relay: RelayThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agent" / "sessions.db"
    clock = Clock()
    uploaded_log(path, relay, clock)
    clock.now = START + timedelta(days=25)
    with SessionLog(path, clock=clock) as log:
        assert log.purge(timedelta(days=10)).sessions == 2
        sid = log.start_session("anna", "Albertslund")  # not uploaded yet
        log.end_session(sid, "solved")
    status, out = verify(path, relay, tmp_path, capsys)
    assert status == 0 and "1 session(s) match the relay" in out and "1 not anchored" in out
    db = sqlite3.connect(path, isolation_level=None)  # forge the anchor, re-chain the rest
    db.executescript("DROP TRIGGER purges_no_update; DROP TRIGGER events_no_update;")
    db.execute("UPDATE purges SET anchor_hash=?", ("f" * 64,))
    rechain(db, 9, "f" * 64)
    db.close()
    assert log_cli(["verify", "--db", str(path)]) == 0  # locally it all links up
    capsys.readouterr()
    status, out = verify(path, relay, tmp_path, capsys)
    assert status == 1 and "the purge anchor differs" in out
