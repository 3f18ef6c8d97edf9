"""Schema migrations: a statistics file from before migrations is upgraded in place;
the runner is all-or-nothing and refuses a database from a newer relay."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from test_stats import make_payload

from relay import _stats_schema as schema
from relay._stats_validate import validate_upload
from relay.accounts import (
    AccountDisabled,
    AccountStore,
    DuplicateAgent,
    UnknownAgent,
    hash_password,
)
from relay.db import Database, DatabaseError
from relay.migrations import Migration, migrate, version_of
from relay.stats import StatsStore

FIXTURE = Path(__file__).with_name("fixtures") / "stats_v0.sql"


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """stats.db as main's relay/stats.py made it before migrations (3 sessions)."""
    path = tmp_path / "stats.db"
    with sqlite3.connect(path) as db:
        db.executescript(FIXTURE.read_text(encoding="utf-8"))
    db.close()
    return path


def test_a_statistics_file_from_before_migrations_is_upgraded_in_place(
    old_file: Path, tmp_path: Path
) -> None:
    with Database(old_file) as db:
        assert version_of(db, "stats") == 0
    with StatsStore(old_file) as store:
        sessions = store.sessions_between(date(2024, 3, 4), date(2024, 3, 4))
        assert [s.checklist for s in sessions] == [
            "boligstoette",
            "digital-post-aktivering",
            None,
        ]
        assert [s.kle for s in sessions] == ["27.24.00", "00.01.00", None]  # backfilled
        assert {s.channel for s in sessions} == {"cobrowsing"}
        assert [s.outcome for s in sessions] == ["solved", "not_solved", "citizen_finished_alone"]
        assert store.event_count(sessions[0].session_id) == 9
        assert store.store_upload(make_payload(tmp_path), "anna") is True  # still writable
        assert len(store.sessions_between(date(2024, 3, 1), date(2024, 3, 31))) == 4
    with Database(old_file) as db:
        assert version_of(db, "stats") == len(schema.MIGRATIONS)


def test_upgrading_twice_changes_nothing(old_file: Path) -> None:
    StatsStore(old_file).close()
    with Database(old_file) as db:
        before = db.query("SELECT * FROM stat_sessions ORDER BY session_id")
        assert migrate(db, "stats", schema.MIGRATIONS) == len(schema.MIGRATIONS)
        assert db.query("SELECT * FROM stat_sessions ORDER BY session_id") == before


def test_version_1_upgrades_on_both_backends(stats_location: Path | str, tmp_path: Path) -> None:
    """A database left at version 1 (on SQLite or PostgreSQL) gets version 2's
    columns, with its sessions' KLE numbers filled in."""
    with Database(stats_location) as db:
        migrate(db, "stats", schema.MIGRATIONS[:1])
    payload = make_payload(tmp_path)
    payload["session"]["checklist"] = "flytning"
    with Database(stats_location) as db, db.transaction() as tx:
        up = validate_upload(payload, "anna")
        columns = ", ".join(up.session)
        tx.execute(
            f"INSERT INTO stat_sessions ({columns}, started_ts, duration_s, agent_s, "
            f"uploaded_by, received_at, digest) VALUES ({', '.join('?' * (len(up.session) + 6))})",
            [*up.session.values(), up.started_at.timestamp(), 600.0, 180.0, "anna", "x", "d"],
        )
    with StatsStore(stats_location) as store:
        [stored] = store.sessions_between(date(2024, 3, 4), date(2024, 3, 4))
        assert (stored.kle, stored.channel, stored.agent_s) == ("23.00.00", "cobrowsing", 180.0)


def test_a_failing_step_leaves_the_database_as_it_was(stats_location: Path | str) -> None:
    broken = (
        *schema.MIGRATIONS,
        Migration(3, "broken", ("CREATE TABLE extra (x INTEGER)", "SELECT no_such_function()")),
    )
    with Database(stats_location) as db:
        with pytest.raises(DatabaseError):
            migrate(db, "stats", broken)
        assert version_of(db, "stats") == 0
        with pytest.raises(DatabaseError):
            db.query("SELECT * FROM stat_sessions")  # version 1 was rolled back too


def test_a_database_from_a_newer_relay_is_refused(stats_location: Path | str) -> None:
    newer = (*schema.MIGRATIONS, Migration(3, "future", ("CREATE TABLE future (x INTEGER)",)))
    with Database(stats_location) as db:
        migrate(db, "stats", newer)
    with pytest.raises(ValueError, match="newer than this relay's 2"):
        StatsStore(stats_location)


def test_migrations_must_be_numbered_in_order() -> None:
    with pytest.raises(ValueError, match="numbered 1, 2, 3"):
        migrate(None, "x", (Migration(2, "skips 1", ()),))  # type: ignore[arg-type]


def test_accounts_work_on_both_backends(stats_location: Path | str) -> None:
    """Issue 14 moves accounts to PostgreSQL: the store already runs there."""
    store = AccountStore(stats_location)
    store.add("anna", "Anna Jensen", "Albertslund", "a-long-password", role="supervisor")
    with pytest.raises(DuplicateAgent):
        store.add("anna", "Anna", "Ballerup", "a-long-password")
    assert store.verify("anna", "a-long-password").municipality == "Albertslund"
    store.disable("anna")
    with pytest.raises(AccountDisabled):
        store.verify("anna", "a-long-password")
    with pytest.raises(UnknownAgent):
        store.set_role("nobody", "admin")
    assert [a.role for a in store.list()] == ["supervisor"]
    store.close()


def test_a_relay_db_from_before_migrations_keeps_its_accounts(tmp_path: Path) -> None:
    path = tmp_path / "relay.db"
    with sqlite3.connect(path) as db:  # the table as main's relay/accounts.py made it
        db.execute(
            "CREATE TABLE agents (name TEXT PRIMARY KEY, display_name TEXT NOT NULL, "
            "municipality TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('agent', "
            "'supervisor', 'admin')), pw_hash TEXT NOT NULL, disabled INTEGER NOT NULL "
            "DEFAULT 0, created TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO agents VALUES ('bo', 'Bo', 'Ballerup', 'admin', ?, 0, '2024')",
            (hash_password("a-long-password"),),
        )
    db.close()
    store = AccountStore(path)
    assert store.verify("bo", "a-long-password").role == "admin"
    store.close()
    with Database(path) as opened:
        assert version_of(opened, "accounts") == 1


def test_relays_starting_at_once_upgrade_once(stats_location: Path | str) -> None:
    """Several relays opening one new database together: each ends up at the newest
    version, none fails on the others' CREATEs (PostgreSQL: advisory lock)."""
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_store() -> None:
        start.wait(timeout=30)
        try:
            StatsStore(stats_location).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with Database(stats_location) as db:
        assert version_of(db, "stats") == len(schema.MIGRATIONS)
