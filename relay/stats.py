"""The relay's central statistics store: session uploads from every agent, in SQLite.

The agent app sends each ended session (format in docs/statistics.md); call
:meth:`StatsStore.store_upload` with the payload and the authenticated account
name. Storing is idempotent per ``session_id`` and all-or-nothing: a payload is
validated completely first and written in one transaction. Only metadata is
kept: no notes, no typed text, no screen content.

With each session the store keeps the agent's chain head (the hash of the session's
last row in the agent's hash-chained log); :meth:`StatsStore.chain_heads` gives
them back to the same agent, so ``cobrowse-log verify --relay`` can tell a log
rewritten after upload.

This module imports neither Qt nor the screen, control or crypto code.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cobrowse.sessionlog.export import UPLOAD_FIELDS
from cobrowse.sqlitedb import LockedDatabase
from relay._stats_validate import FORMAT, ValidUpload, validate_upload

__all__ = ["FORMAT", "COPENHAGEN", "StatsStore", "StoredSession"]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS stat_sessions (
    session_id TEXT PRIMARY KEY, agent TEXT NOT NULL, agent_municipality TEXT NOT NULL,
    citizen_municipality TEXT, topic TEXT, checklist TEXT, step_reached INTEGER NOT NULL,
    steps_total INTEGER, outcome TEXT NOT NULL, started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL, started_ts REAL NOT NULL, duration_s REAL NOT NULL,
    agent_s REAL NOT NULL, uploaded_by TEXT NOT NULL, received_at TEXT NOT NULL,
    digest TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS stat_sessions_started ON stat_sessions(started_ts);
CREATE TABLE IF NOT EXISTS stat_events (
    session_id TEXT NOT NULL REFERENCES stat_sessions(session_id), n INTEGER NOT NULL,
    at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (session_id, n));
CREATE TABLE IF NOT EXISTS stat_chain_heads (
    session_id TEXT PRIMARY KEY REFERENCES stat_sessions(session_id), head TEXT NOT NULL);
"""
MAX_HEADS = 100
"""Session ids per ``chain_heads`` request (a 4 KiB text frame holds about 100)."""
_SESSION_COLUMNS = UPLOAD_FIELDS  # stored as uploaded (cobrowse.sessionlog.export)


@dataclass(frozen=True, slots=True)
class StoredSession:
    """One stored session as the report needs it (times are aware, UTC)."""

    session_id: str
    agent: str
    agent_municipality: str
    citizen_municipality: str | None
    topic: str | None
    checklist: str | None
    step_reached: int
    steps_total: int | None
    outcome: str
    started_at: datetime
    duration_s: float
    agent_s: float

    @property
    def citizen_s(self) -> float:
        """Time the citizen drove: the session minus agent control."""
        return max(0.0, self.duration_s - self.agent_s)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StatsStore(LockedDatabase):
    """The statistics database at ``path`` (created if missing). Thread-safe.

    Call :meth:`close` when done, or use it as a context manager.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise ValueError(f"{self.path} is not a usable statistics database: {exc}") from exc

    def store_upload(self, payload: object, uploaded_by: str) -> bool:
        """Validate and store one session upload from account ``uploaded_by``.

        Returns True if stored, False if this exact session was already stored
        (the agent app may then mark it uploaded). Raises ValueError, storing
        nothing, if the payload is malformed, is not ``uploaded_by``'s session,
        or reuses a stored session_id with different content.
        """
        upload = validate_upload(payload, uploaded_by)
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        sid = upload.session["session_id"]
        with self._tx() as db:
            row = db.execute(
                "SELECT digest FROM stat_sessions WHERE session_id=?", (sid,)
            ).fetchone()
            if row is not None:
                if row[0] != digest:
                    raise ValueError(f"session {sid} was already stored with different content")
                return False
            self._insert(db, upload, uploaded_by, digest)
        return True

    def _insert(
        self, db: sqlite3.Connection, up: ValidUpload, uploaded_by: str, digest: str
    ) -> None:
        values = [up.session[c] for c in _SESSION_COLUMNS] + [
            up.started_at.timestamp(),
            up.duration_seconds,
            up.agent_seconds,
            uploaded_by,
            self._clock().astimezone(UTC).isoformat(),
            digest,
        ]
        db.execute(
            f"INSERT INTO stat_sessions ({', '.join(_SESSION_COLUMNS)}, started_ts, "
            "duration_s, agent_s, uploaded_by, received_at, digest) VALUES "
            f"({', '.join('?' * len(values))})",
            values,
        )
        db.executemany(
            "INSERT INTO stat_events VALUES (?, ?, ?, ?, ?)",
            [
                (e.session_id, e.seq, e.at.isoformat(), e.kind, json.dumps(dict(e.data)))
                for e in up.events
            ],
        )
        if up.chain_head is not None:
            db.execute(
                "INSERT INTO stat_chain_heads VALUES (?, ?)",
                (up.session["session_id"], up.chain_head),
            )

    def chain_heads(self, agent: str, session_ids: list[str]) -> dict[str, str | None]:
        """The stored chain head of each of ``agent``'s sessions in ``session_ids``.

        None for a session not stored, stored without a head, or uploaded by
        another account (whether it exists is not revealed).
        """
        wanted = list(dict.fromkeys(session_ids))[:MAX_HEADS]
        marks = ", ".join("?" * len(wanted))
        with self._lock:
            rows = self._db.execute(
                "SELECT h.session_id, h.head FROM stat_chain_heads h JOIN stat_sessions s "
                f"USING (session_id) WHERE s.uploaded_by = ? AND h.session_id IN ({marks})",
                [agent, *wanted],
            ).fetchall()
        found = dict(rows)
        return {sid: found.get(sid) for sid in wanted}

    def has_session(self, session_id: str) -> bool:
        """True if the session has been stored."""
        with self._lock:
            return (
                self._db.execute(
                    "SELECT 1 FROM stat_sessions WHERE session_id=?", (session_id,)
                ).fetchone()
                is not None
            )

    def event_count(self, session_id: str) -> int:
        """How many events are stored for the session."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM stat_events WHERE session_id=?", (session_id,)
            ).fetchone()
        return int(row[0])

    def sessions_between(
        self, date_from: date, date_to: date, tz: ZoneInfo = COPENHAGEN
    ) -> list[StoredSession]:
        """Sessions that started on local dates ``date_from``..``date_to`` inclusive."""
        start = datetime.combine(date_from, time(0), tzinfo=tz).timestamp()
        end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz).timestamp()
        with self._lock:
            rows = self._db.execute(
                "SELECT session_id, agent, agent_municipality, citizen_municipality, topic, "
                "checklist, step_reached, steps_total, outcome, started_at, duration_s, "
                "agent_s FROM stat_sessions WHERE started_ts >= ? AND started_ts < ? "
                "ORDER BY started_ts",
                (start, end),
            ).fetchall()
        return [_stored(row) for row in rows]


def _stored(row: tuple[Any, ...]) -> StoredSession:
    values = list(row)
    values[9] = datetime.fromisoformat(values[9]).astimezone(UTC)
    return StoredSession(*values)
