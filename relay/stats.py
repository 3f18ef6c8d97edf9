"""The relay's central statistics store: session uploads from every agent.

The database is a SQLite file by default or PostgreSQL named by a URL
(``[stats] database`` in relay.toml); opening it upgrades its schema in place
(relay/_stats_schema.py, relay/migrations.py).

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cobrowse.sessionlog.export import UPLOAD_FIELDS
from relay import _stats_schema as schema
from relay._stats_validate import FORMAT, ValidUpload, validate_upload
from relay.db import Database, DatabaseError, Tx, redact
from relay.migrations import migrate

__all__ = ["FORMAT", "COPENHAGEN", "StatsStore", "StoredSession", "SessionEvent"]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
MAX_HEADS = 100
"""Session ids per ``chain_heads`` request (a 4 KiB text frame holds about 100)."""
_SESSION_COLUMNS = UPLOAD_FIELDS  # stored as uploaded (cobrowse.sessionlog.export)
_STORED_COLUMNS = (
    "session_id, agent, agent_municipality, citizen_municipality, topic, checklist, "
    "step_reached, steps_total, outcome, started_at, duration_s, agent_s, kle, channel"
)
PLACE = "COALESCE(citizen_municipality, agent_municipality)"
"""A contact's municipality: the citizen's when the agent recorded it, else the agent's."""


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
    kle: str | None = None
    channel: str = schema.CHANNEL

    @property
    def citizen_s(self) -> float:
        """Time the citizen drove: the session minus agent control."""
        return max(0.0, self.duration_s - self.agent_s)

    @property
    def municipality(self) -> str:
        """The contact's municipality (see :data:`PLACE`)."""
        return self.citizen_municipality or self.agent_municipality


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """One stored event of a session, with the session's outcome (``at`` aware, UTC)."""

    session_id: str
    outcome: str
    kind: str
    data: dict[str, Any]
    at: datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


class StatsStore:
    """The statistics database at ``location``: a SQLite file (created if missing)
    or a ``postgresql://`` URL.  Opening upgrades its schema (relay/_stats_schema.py).
    Thread-safe; every method blocks (call it off the event loop).

    Call :meth:`close` when done, or use it as a context manager.
    """

    def __init__(self, location: Path | str, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.location = location
        self._clock = clock
        try:
            self._db = Database(location)
        except DatabaseError as exc:
            raise ValueError(
                f"{redact(location)} is not a usable statistics database: {exc}"
            ) from exc
        try:
            migrate(self._db, schema.TRACK, schema.MIGRATIONS)
        except DatabaseError as exc:
            self._db.close()
            raise ValueError(
                f"{redact(location)} is not a usable statistics database: {exc}"
            ) from exc

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._db.dialect

    def close(self) -> None:
        """Close the database; the object is unusable afterwards."""
        self._db.close()

    def __enter__(self) -> StatsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        with self._db.transaction() as tx:
            row = tx.query("SELECT digest FROM stat_sessions WHERE session_id=?", (sid,))
            if row:
                if row[0][0] != digest:
                    raise ValueError(f"session {sid} was already stored with different content")
                return False
            self._insert(tx, upload, uploaded_by, digest)
        return True

    def _insert(self, tx: Tx, up: ValidUpload, uploaded_by: str, digest: str) -> None:
        events = [
            (e.session_id, e.seq, e.at.isoformat(), e.kind, json.dumps(dict(e.data)))
            for e in up.events
        ]
        kle = schema.kle_of(up.session["checklist"], [(e[3], e[4]) for e in events])
        values = [up.session[c] for c in _SESSION_COLUMNS] + [
            up.started_at.timestamp(),
            up.duration_seconds,
            up.agent_seconds,
            uploaded_by,
            self._clock().astimezone(UTC).isoformat(),
            digest,
            kle,
        ]
        tx.execute(
            f"INSERT INTO stat_sessions ({', '.join(_SESSION_COLUMNS)}, started_ts, "
            "duration_s, agent_s, uploaded_by, received_at, digest, kle) VALUES "
            f"({', '.join('?' * len(values))})",
            values,
        )
        tx.executemany("INSERT INTO stat_events VALUES (?, ?, ?, ?, ?)", events)
        if up.chain_head is not None:
            tx.execute(
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
        rows = self._db.query(
            "SELECT h.session_id, h.head FROM stat_chain_heads h JOIN stat_sessions s "
            f"ON s.session_id = h.session_id WHERE s.uploaded_by = ? "
            f"AND h.session_id IN ({marks})",
            [agent, *wanted],
        )
        found = {str(sid): str(head) for sid, head in rows}
        return {sid: found.get(sid) for sid in wanted}

    def has_session(self, session_id: str) -> bool:
        """True if the session has been stored."""
        return bool(self._db.query("SELECT 1 FROM stat_sessions WHERE session_id=?", (session_id,)))

    def event_count(self, session_id: str) -> int:
        """How many events are stored for the session."""
        rows = self._db.query("SELECT COUNT(*) FROM stat_events WHERE session_id=?", (session_id,))
        return int(rows[0][0])

    def sessions_between(
        self,
        date_from: date,
        date_to: date,
        tz: ZoneInfo = COPENHAGEN,
        municipality: str | None = None,
    ) -> list[StoredSession]:
        """Sessions that started on local dates ``date_from``..``date_to`` inclusive,
        of one contact municipality (:data:`PLACE`) if given, oldest first."""
        where, params = _period(date_from, date_to, tz, municipality)
        rows = self._db.query(
            f"SELECT {_STORED_COLUMNS} FROM stat_sessions WHERE {where} "
            "ORDER BY started_ts, session_id",
            params,
        )
        return [_stored(row) for row in rows]

    def session_events(
        self,
        checklist: str | None,
        since: date,
        until: date,
        municipality: str | None = None,
        tz: ZoneInfo = COPENHAGEN,
    ) -> Iterator[SessionEvent]:
        """The stored events of sessions started on local dates ``since``..``until``
        (inclusive), of one checklist and one contact municipality if given, in
        session then event order.  Notes come without text (as uploaded)."""
        where, params = _period(since, until, tz, municipality)
        if checklist is not None:
            where, params = where + " AND s.checklist = ?", [*params, checklist]
        rows = self._db.query(
            "SELECT e.session_id, s.outcome, e.kind, e.data, e.at FROM stat_events e "
            f"JOIN stat_sessions s ON s.session_id = e.session_id WHERE {where} "
            "ORDER BY s.started_ts, e.session_id, e.n",
            params,
        )
        for sid, outcome, kind, data, at in rows:
            when = datetime.fromisoformat(at).astimezone(UTC)
            yield SessionEvent(str(sid), str(outcome), str(kind), json.loads(data), when)


def _period(
    date_from: date, date_to: date, tz: ZoneInfo, municipality: str | None
) -> tuple[str, list[Any]]:
    """The WHERE clause (columns of stat_sessions, qualified ``s.`` where joined)
    for a local date range and an optional contact municipality."""
    start = datetime.combine(date_from, time(0), tzinfo=tz).timestamp()
    end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz).timestamp()
    params: list[Any]
    where, params = "started_ts >= ? AND started_ts < ?", [start, end]
    if municipality is not None:
        where, params = f"{where} AND {PLACE} = ?", [*params, municipality]
    return where, params


def _stored(row: tuple[Any, ...]) -> StoredSession:
    values = list(row)
    values[9] = datetime.fromisoformat(values[9]).astimezone(UTC)
    values[10], values[11] = float(values[10]), float(values[11])
    return StoredSession(*values)
