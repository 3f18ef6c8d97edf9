"""``cobrowse-relay copy-stats``: a SQLite stats.db copied into a database made by
the same migrations - PostgreSQL on the throw-away cluster, and SQLite - whole,
once (a second run copies nothing), all or nothing, the source left untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from relay_helpers import audit_lines
from test_contacts import START, record_sessions
from test_migrations import FIXTURE

from cobrowse.sessionlog import SessionLog
from relay import statscopy
from relay.cli import main
from relay.contacts import contact_records
from relay.db import Database, DatabaseError
from relay.stats import StatsStore
from relay.statscopy import CopyRefused, copy_stats

YEAR = (date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def source(tmp_path: Path) -> Path:
    """A relay's stats.db with the five sessions of test_contacts (two agents)."""
    data_dir = tmp_path / "relay-data"
    clock = [START]
    with SessionLog(tmp_path / "agent.db", clock=lambda: clock[0]) as log:
        uploads = record_sessions(log, clock)
    with StatsStore(data_dir / "stats.db") as store:
        for payload in uploads:
            assert store.store_upload(payload, payload["session"]["agent"])
    return data_dir / "stats.db"


def count(location: Path | str, table: str) -> int:
    with Database(location) as db:
        return int(db.query(f"SELECT COUNT(*) FROM {table}")[0][0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_copy_is_whole_and_a_second_run_copies_nothing(
    source: Path, stats_location: Path | str, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = source.parent
    before = digest(source)
    target = str(stats_location)
    assert main(["copy-stats", "--to", target, "--data-dir", str(data_dir), "--dry-run"]) == 0
    assert "Would copy 5 sessions" in capsys.readouterr().out
    assert count(target, "stat_sessions") == 0  # the dry run wrote nothing

    assert main(["copy-stats", "--to", target, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    events = count(source, "stat_events")
    assert f"Copied 5 sessions ({events} events, 5 chain heads)" in out
    assert "0 sessions were in the target already" in out
    with StatsStore(source) as old, StatsStore(target) as new:
        assert contact_records(new, *YEAR, None) == contact_records(old, *YEAR, None)
        assert contact_records(new, *YEAR, "Albertslund")[0]["kle"] is None
    assert count(target, "stat_events") == events
    heads = "SELECT session_id, head FROM stat_chain_heads ORDER BY session_id"
    with Database(source) as old_db, Database(target) as new_db:
        assert new_db.query(heads) == old_db.query(heads)  # cobrowse-log verify --relay

    assert main(["copy-stats", "--to", target, "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "Copied 0 sessions" in out and "5 sessions were in the target already" in out
    assert count(target, "stat_sessions") == 5
    assert digest(source) == before  # the source is never written
    lines = [a for a in audit_lines(data_dir) if a["event"] == "stats_copy"]
    assert [a["rows"] for a in lines] == [5, 0] and lines[0]["operator"]


def test_a_failure_halfway_leaves_the_target_as_it_was(
    source: Path, stats_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = statscopy._copy_table

    def fail_on_events(reader: sqlite3.Connection, tx: object, table: str, new: set[str]) -> int:
        if table == "stat_events":
            raise DatabaseError("the line to the database broke")
        return real(reader, tx, table, new)  # type: ignore[arg-type]

    monkeypatch.setattr(statscopy, "_copy_table", fail_on_events)
    with pytest.raises(DatabaseError, match="broke"):
        copy_stats(source, stats_location)
    assert count(stats_location, "stat_sessions") == 0  # sessions were inserted, rolled back
    monkeypatch.setattr(statscopy, "_copy_table", real)
    assert copy_stats(source, stats_location).copied["stat_sessions"] == 5  # run it again


def test_disagreeing_databases_are_refused(source: Path, stats_location: Path | str) -> None:
    copy_stats(source, stats_location)
    with Database(stats_location) as db, db.transaction() as tx:
        tx.execute("UPDATE stat_sessions SET digest = ? WHERE outcome = ?", ("x", "not_solved"))
        solved = "(SELECT session_id FROM stat_sessions WHERE outcome = ?)"
        for table in ("stat_events", "stat_chain_heads"):
            tx.execute(f"DELETE FROM {table} WHERE session_id IN {solved}", ("solved",))
        tx.execute("DELETE FROM stat_sessions WHERE outcome = ?", ("solved",))
    with pytest.raises(CopyRefused, match="1 sessions are in both databases with different"):
        copy_stats(source, stats_location)
    assert count(stats_location, "stat_sessions") == 2  # the missing ones were not copied


def test_an_old_stats_file_is_copied_without_changing_it(
    tmp_path: Path, stats_location: Path | str
) -> None:
    old = tmp_path / "old" / "stats.db"
    old.parent.mkdir()
    with sqlite3.connect(old) as db:
        db.executescript(FIXTURE.read_text(encoding="utf-8"))
    db.close()
    before = digest(old)
    summary = copy_stats(old, stats_location)
    assert summary.copied["stat_sessions"] == 3 and summary.copied["stat_chain_heads"] >= 0
    with StatsStore(stats_location) as store:
        kle = [s.kle for s in store.sessions_between(date(2024, 3, 4), date(2024, 3, 4))]
    assert kle == ["27.24.00", "00.01.00", None]  # the upgrade's backfill travelled
    assert digest(old) == before


def test_bad_sources_and_targets_say_what_is_wrong(
    tmp_path: Path, source: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["copy-stats", "--to", str(tmp_path / "x.db"), "--from", "/nope.db"]) == 1
    assert "no statistics file at /nope.db" in capsys.readouterr().err
    with pytest.raises(CopyRefused, match="same file"):
        copy_stats(source, source)
    text = tmp_path / "notes.txt"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(CopyRefused, match="not a statistics database"):
        copy_stats(text, tmp_path / "y.db")
    url = "postgresql://cobrowse:secret@127.0.0.1:1/cobrowse"
    assert main(["copy-stats", "--to", url, "--from", str(source)]) == 1
    err = capsys.readouterr().err
    assert "secret" not in err and "cannot connect" in err
