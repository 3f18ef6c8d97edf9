"""Versioned schema migrations that upgrade SQLite and PostgreSQL databases in place.

Each store names a *track* (``"stats"``, ``"accounts"``) and a list of
:class:`Migration` steps numbered 1, 2, 3, ...  The table ``schema_versions``
keeps each track's version.  :func:`migrate` runs every step above it, all in one
transaction with the new version: an upgrade happens completely or not at all,
and two relays starting at once against one PostgreSQL database upgrade it once
(the second waits on a lock, then finds nothing left to do).

A step is SQL both backends understand, or a function of the open transaction
for data work (it may look at ``tx.dialect``).  Released steps are never edited:
a change is a new step.  A database whose version is above what this relay knows
was upgraded by a newer relay; it is refused rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from relay.db import Database, DatabaseError, Tx

__all__ = ["Migration", "migrate", "version_of"]

Step = str | Callable[[Tx], None]
_VERSIONS = """
CREATE TABLE IF NOT EXISTS schema_versions (
    track TEXT PRIMARY KEY, version INTEGER NOT NULL, applied_at TEXT NOT NULL)
"""
_LOCK_KEY = 0x636F62  # any fixed number: PostgreSQL's advisory lock for migrations


@dataclass(frozen=True, slots=True)
class Migration:
    """Schema version ``version`` of a track: what it brings and the steps to get there."""

    version: int
    what: str
    steps: tuple[Step, ...]


def migrate(db: Database, track: str, migrations: Sequence[Migration]) -> int:
    """Bring ``track`` in ``db`` to the newest of ``migrations``; returns that version.

    Raises :class:`DatabaseError` if the database is newer than ``migrations``.
    """
    _check_numbering(migrations)
    newest = len(migrations)
    with db.transaction() as tx:
        if tx.dialect == "postgresql":  # before CREATE: concurrent CREATEs can collide
            tx.query("SELECT pg_advisory_xact_lock(?)", (_LOCK_KEY,))
        tx.execute(_VERSIONS)
        current = _version(tx, track)
        if current > newest:
            raise DatabaseError(
                f"the {track} schema is at version {current}, newer than this relay's "
                f"{newest}: it was upgraded by a newer cobrowse-relay"
            )
        for migration in migrations[current:]:
            for step in migration.steps:
                step(tx) if callable(step) else tx.execute(step)
        if newest > current:
            _set_version(tx, track, current, newest)
    return newest


def version_of(db: Database, track: str) -> int:
    """The track's schema version (0: never migrated, or no such table yet)."""
    with db.transaction() as tx:
        tx.execute(_VERSIONS)
        return _version(tx, track)


def _version(tx: Tx, track: str) -> int:
    rows = tx.query("SELECT version FROM schema_versions WHERE track = ?", (track,))
    return int(rows[0][0]) if rows else 0


def _set_version(tx: Tx, track: str, old: int, new: int) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if old == 0:
        tx.execute("INSERT INTO schema_versions VALUES (?, ?, ?)", (track, new, now))
    else:
        tx.execute(
            "UPDATE schema_versions SET version = ?, applied_at = ? WHERE track = ?",
            (new, now, track),
        )


def _check_numbering(migrations: Sequence[Migration]) -> None:
    numbers = [m.version for m in migrations]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3, ... not {numbers}")
