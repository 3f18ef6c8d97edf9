"""``cobrowse-relay copy-stats``: move a relay's SQLite statistics into PostgreSQL.

A hotline that started on the default ``stats.db`` and later wants a central
database (docs/relay.md) copies what it has collected with :func:`copy_stats`:

* The source is read from a consistent snapshot (SQLite's backup API, so a
  running relay may keep writing) brought to this relay's schema in a temporary
  folder; the source file itself is never changed.
* The target gets the same schema through the same migrations
  (:class:`~relay.stats.StatsStore`), then every session it does not hold yet,
  with its events and chain head, in **one transaction**: all of it or nothing.
* A session already in the target with the same content is left alone, so a
  second run copies nothing (idempotent) and a copy interrupted by a network
  failure can simply be run again.  A session in both with *different* content
  means the two databases disagree: nothing is copied and the error says which.

Agent accounts are not copied: the relay reads them from ``relay.db`` in its data
folder whatever ``[stats] database`` says, and password hashes do not belong in
the database the analysts' BI tools read.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from relay.db import Database, Tx, redact
from relay.stats import StatsStore

TABLES = ("stat_sessions", "stat_events", "stat_chain_heads")
"""Copied in this order (events and chain heads refer to their session)."""
BATCH = 500


class CopyRefused(ValueError):
    """The copy cannot be made as asked; nothing was written."""


@dataclass(frozen=True, slots=True)
class CopySummary:
    """What a copy did: rows written per table, and sessions the target had already."""

    source: str
    target: str
    copied: dict[str, int]
    already_there: int
    dry_run: bool = False

    def text(self) -> str:
        """The summary IT staff read after the command."""
        sessions, events, heads = (self.copied[t] for t in TABLES)
        verb = "Would copy" if self.dry_run else "Copied"
        lines = [
            f"{verb} {sessions} sessions ({events} events, {heads} chain heads)",
            f"  from {self.source}",
            f"  to   {self.target}",
            f"{self.already_there} sessions were in the target already "
            "(same content; left as they are).",
        ]
        if self.dry_run:
            lines.append("Nothing was written (--dry-run).")
        return "\n".join(lines) + "\n"


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def copy_stats(source: Path, target: str | Path, *, dry_run: bool = False) -> CopySummary:
    """Copy the statistics in the SQLite file ``source`` into ``target`` (a
    ``postgresql://`` URL or another SQLite file); see the module's docstring."""
    if not source.is_file():
        raise CopyRefused(f"no statistics file at {source}")
    if not isinstance(target, str) or "://" not in target:
        if Path(target).resolve() == source.resolve():
            raise CopyRefused("the source and the target are the same file")
    with tempfile.TemporaryDirectory(prefix="cobrowse-copy-") as folder:
        snapshot = _snapshot(source, Path(folder) / "stats.db")
        StatsStore(target).close()  # the target's schema, by the same migrations
        with sqlite3.connect(snapshot) as reader, Database(target) as db:
            copied, there = _copy(reader, db, dry_run)
        reader.close()
    return CopySummary(str(source), redact(target), copied, there, dry_run)


def _snapshot(source: Path, copy: Path) -> Path:
    """A consistent copy of ``source`` at this relay's schema version."""
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as live:
            with sqlite3.connect(copy) as out:
                live.backup(out)
            out.close()
        live.close()
    except sqlite3.DatabaseError as exc:
        raise CopyRefused(f"{source} is not a statistics database: {exc}") from None
    if not _has_table(copy, "stat_sessions"):
        raise CopyRefused(f"{source} holds no statistics (no stat_sessions table)")
    StatsStore(copy).close()  # an older schema is upgraded here, never in the source
    return copy


def _has_table(path: Path, name: str) -> bool:
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone()
    db.close()
    return found is not None


def _copy(reader: sqlite3.Connection, db: Database, dry_run: bool) -> tuple[dict[str, int], int]:
    copied = dict.fromkeys(TABLES, 0)
    there = 0
    try:
        with db.transaction() as tx:
            if tx.dialect == "postgresql":  # one copy at a time; relays keep uploading
                tx.query("SELECT pg_advisory_xact_lock(?)", (0x636F63,))
            new, there = _new_sessions(reader, tx)
            for table in TABLES:
                copied[table] = _copy_table(reader, tx, table, new)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return copied, there


def _new_sessions(reader: sqlite3.Connection, tx: Tx) -> tuple[set[str], int]:
    """The source's sessions the target lacks; refuses if any differs in content."""
    theirs = {
        str(r[0]): str(r[1]) for r in tx.query("SELECT session_id, digest FROM stat_sessions")
    }
    ours = {
        str(r[0]): str(r[1]) for r in reader.execute("SELECT session_id, digest FROM stat_sessions")
    }
    clash = sorted(sid for sid, digest in ours.items() if theirs.get(sid, digest) != digest)
    if clash:
        raise CopyRefused(
            f"{len(clash)} sessions are in both databases with different content "
            f"(first: {clash[0]}); nothing was copied"
        )
    new = {sid for sid in ours if sid not in theirs}
    return new, len(ours) - len(new)


def _copy_table(reader: sqlite3.Connection, tx: Tx, table: str, new: set[str]) -> int:
    """Insert the rows of ``table`` that belong to ``new`` sessions; their count."""
    columns = [c[1] for c in reader.execute(f"PRAGMA table_info({table})")]
    insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    key = columns.index("session_id")
    count = 0
    for batch in _batches(reader, f"SELECT {', '.join(columns)} FROM {table}"):
        rows = [row for row in batch if row[key] in new]
        tx.executemany(insert, rows)
        count += len(rows)
    return count


def _batches(reader: sqlite3.Connection, sql: str) -> Iterator[list[tuple[object, ...]]]:
    cursor = reader.execute(sql)
    while batch := cursor.fetchmany(BATCH):
        yield batch
