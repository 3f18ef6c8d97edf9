"""relay/db.py: one layer over SQLite and PostgreSQL; passwords stay out of messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.db import Database, DatabaseError, IntegrityError, is_url, redact
from relay.stats import StatsStore

URL = "postgresql://cobrowse:s3cret-pw@127.0.0.1:1/cobrowse"  # nothing listens on port 1


def test_a_url_password_never_reaches_a_message() -> None:
    assert redact(URL) == "postgresql://cobrowse:***@127.0.0.1:1/cobrowse"
    with pytest.raises(DatabaseError) as info:
        Database(URL)
    assert "s3cret" not in str(info.value) and "cannot connect" in str(info.value)
    with pytest.raises(ValueError) as store_info:
        StatsStore(URL)
    assert "s3cret" not in str(store_info.value)


def test_locations() -> None:
    assert is_url("postgresql://x/y") and is_url("postgres://x/y")
    assert not is_url("stats.db") and not is_url(Path("postgresql:/x"))


def test_same_sql_on_both_backends(stats_location: Path | str) -> None:
    with Database(stats_location) as db:
        with db.transaction() as tx:
            tx.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v DOUBLE PRECISION)")
            tx.executemany("INSERT INTO t VALUES (?, ?)", [("a", 1.5), ("b", 1712345678.123456)])
        assert db.query("SELECT k, v FROM t ORDER BY k") == [("a", 1.5), ("b", 1712345678.123456)]
        with pytest.raises(IntegrityError), db.transaction() as tx:
            tx.execute("INSERT INTO t VALUES (?, ?)", ("c", 3.0))
            tx.execute("INSERT INTO t VALUES (?, ?)", ("a", 2.0))
        assert [k for (k,) in db.query("SELECT k FROM t ORDER BY k")] == ["a", "b"]  # rolled back


def test_a_closed_database_stays_closed(stats_location: Path | str) -> None:
    db = Database(stats_location)
    db.close()
    with pytest.raises(DatabaseError, match="closed"):
        db.query("SELECT 1")  # PostgreSQL's reconnect must not reopen it
