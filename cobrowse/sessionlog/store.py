"""The agent-side session log: an append-only, hash-chained event log in SQLite.

Each event is committed in its own transaction as it happens (WAL journal,
``synchronous=FULL``: a committed event survives kill -9 and power loss). Events
are never updated or deleted; triggers refuse it. One hash chain runs through the
whole file (see :mod:`cobrowse.sessionlog.chain`); :meth:`SessionLog.verify`
finds the first broken link.

The ``sessions`` table is a derived cache, rewritten from the session's events in
the same transaction as each event, for SQL readers and exports. It is not part
of the chain, but ``verify()`` checks every cached row against its events. The
``uploaded`` flag is local bookkeeping and is not checked.

Typed text, codes, keys and screen content are never logged: event data is
limited to short scalars under allowed field names (see ``validate_data``), and
CPR numbers, e-mail addresses and phone numbers in notes and topics are masked
before they are written (:mod:`cobrowse.sessionlog.personal`).

Retention (:meth:`SessionLog.purge`) removes old sessions from the front of the
chain and leaves an anchor, so what is left still verifies
(:mod:`cobrowse.sessionlog.retention`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TextIO
from zoneinfo import ZoneInfo

from cobrowse.errors import CobrowseError
from cobrowse.sessionlog import export as _export
from cobrowse.sessionlog import retention
from cobrowse.sessionlog.chain import GENESIS, VerifyResult, format_at, row_hash, verify_chain
from cobrowse.sessionlog.db import (
    CACHE_COLUMNS,
    EVENT_COLUMNS,
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    cache_values,
    row_event,
    utc_range,
)
from cobrowse.sessionlog.model import (
    KINDS,
    OUTCOMES,
    Event,
    SessionSummary,
    agent_driven_seconds,
    fold,
    validate_data,
)
from cobrowse.sessionlog.personal import mask_data
from cobrowse.sessionlog.retention import PurgeResult
from cobrowse.sqlitedb import LockedDatabase

__all__ = [
    "KINDS",
    "OUTCOMES",
    "Event",
    "SessionLog",
    "SessionLogError",
    "SessionSummary",
    "VerifyResult",
    "agent_driven_seconds",
    "validate_data",
]

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


class SessionLogError(CobrowseError):
    """The session log file is missing, not a session log, or damaged."""

    reason = "session_log"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SessionLog(LockedDatabase):
    """An open session log. Safe to share between threads; call :meth:`close` when done.

    ``clock`` returns the current time as an aware datetime (tests pass a fake).
    With ``create=False`` a missing file raises SessionLogError instead of being made.
    """

    def __init__(
        self, path: Path | str, *, clock: Callable[[], datetime] = _utc_now, create: bool = True
    ) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        if not create and not self.path.is_file():
            raise SessionLogError(f"no session log at {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._open(create)
        except sqlite3.DatabaseError as exc:
            raise SessionLogError(f"{self.path} is not a readable session log: {exc}") from exc

    def _open(self, create: bool) -> None:
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and create:
            self._db.executescript(SCHEMA + f"PRAGMA user_version={SCHEMA_VERSION};")
            return
        while version in MIGRATIONS:
            self._db.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[version]} PRAGMA user_version={version + 1}; COMMIT;"
            )
            version += 1
        if version != SCHEMA_VERSION:
            self._db.close()
            raise SessionLogError(
                f"{self.path} is not a cobrowse session log "
                f"(schema version {version}, expected {SCHEMA_VERSION})"
            )

    # -- writing -------------------------------------------------------------------

    def start_session(
        self,
        agent: str,
        agent_municipality: str,
        *,
        citizen_municipality: str | None = None,
        topic: str | None = None,
        checklist: str | None = None,
        steps_total: int | None = None,
        session_id: str | None = None,
    ) -> str:
        """Record a new session (a ``started`` event) and return its id (a UUID string)."""
        sid = str(uuid.UUID(session_id) if session_id else uuid.uuid4())
        optional = {
            "citizen_municipality": citizen_municipality,
            "topic": topic,
            "checklist": checklist,
            "steps_total": steps_total,
        }
        data = {
            "agent": agent,
            "agent_municipality": agent_municipality,
            **{k: v for k, v in optional.items() if v is not None},
        }
        if steps_total is not None and (isinstance(steps_total, bool) or steps_total < 1):
            raise ValueError("steps_total must be a positive integer")
        with self._tx() as db:
            if db.execute("SELECT 1 FROM events WHERE session_id=?", (sid,)).fetchone():
                raise ValueError(f"session {sid} already exists")
            self._insert(db, sid, "started", mask_data(validate_data("started", data)))
        return sid

    def append(self, session_id: str, kind: str, **data: Any) -> Event:
        """Commit one event of a running session and return it.

        Raises ValueError for an unknown or ended session, for ``started``/``ended``
        (use start_session/end_session) and for invalid or forbidden data.
        """
        if kind in ("started", "ended"):
            raise ValueError(
                f"use {'start' if kind == 'started' else 'end'}_session to record {kind!r}"
            )
        return self._append_running(session_id, kind, mask_data(validate_data(kind, data)))

    def end_session(self, session_id: str, outcome: str, **data: Any) -> SessionSummary:
        """Commit the ``ended`` event with ``outcome`` (one of OUTCOMES); return the summary.

        Extra data such as ``reason="citizen_left"`` is allowed.
        """
        self._append_running(
            session_id, "ended", validate_data("ended", {"outcome": outcome, **data})
        )
        return self.summary(session_id)

    def recover_unfinished(self, reason: str = "agent_app_restarted") -> list[str]:
        """End every session left running by a crash.

        The end is dated at the session's last event - the last moment anything is
        known of it - so a crash does not count the hours until the next start as
        session (or agent-driven) time.  The outcome is the one the agent chose, if
        any, else ``interrupted``.  Call once at start-up, before starting new
        sessions; returns the ids ended.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT session_id FROM sessions WHERE ended_at IS NULL"
            ).fetchall()
        ids = [row[0] for row in rows]
        for sid in ids:
            last = self.summary(sid)
            events = self.events(sid)
            data = validate_data("ended", {"outcome": last.outcome or "interrupted"})
            self._append_running(sid, "ended", {**data, "reason": reason}, at=events[-1].at)
        return ids

    def _append_running(
        self, session_id: str, kind: str, data: dict[str, Any], at: datetime | None = None
    ) -> Event:
        with self._tx() as db:
            state = db.execute(
                "SELECT ended_at FROM sessions WHERE session_id=?", (session_id,)
            ).fetchone()
            if state is None:
                raise ValueError(f"unknown session {session_id}")
            if state[0] is not None:
                raise ValueError(f"session {session_id} has ended; no more events")
            return self._insert(db, session_id, kind, data, at)

    def _insert(
        self,
        db: sqlite3.Connection,
        sid: str,
        kind: str,
        data: dict[str, Any],
        at: datetime | None = None,
    ) -> Event:
        head = dict(db.execute("SELECT key, value FROM meta").fetchall())
        seq = int(head.get("head_seq", "0")) + 1
        prev = head.get("head_hash", GENESIS)
        at = at or self._clock()
        at_text = format_at(at)
        hash_ = row_hash(prev, seq, sid, at_text, kind, data)
        db.execute(
            f"INSERT INTO events ({EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?)",
            (seq, sid, at_text, kind, json.dumps(data, sort_keys=True), prev, hash_),
        )
        db.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            [("head_seq", str(seq)), ("head_hash", hash_)],
        )
        self._write_cache(db, fold(self._events(db, sid)))
        return Event(seq, sid, datetime.fromisoformat(at_text), kind, data)

    def _write_cache(self, db: sqlite3.Connection, s: SessionSummary) -> None:
        values = cache_values(s)
        updates = ", ".join(f"{c}=excluded.{c}" for c in CACHE_COLUMNS[1:])
        db.execute(
            f"INSERT INTO sessions ({', '.join(CACHE_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(values))}) "
            f"ON CONFLICT(session_id) DO UPDATE SET {updates}",
            values,
        )

    # -- reading -------------------------------------------------------------------

    @staticmethod
    def _events(db: sqlite3.Connection, sid: str) -> list[Event]:
        rows = db.execute(
            "SELECT seq, session_id, at, kind, data FROM events WHERE session_id=? ORDER BY seq",
            (sid,),
        ).fetchall()
        return [row_event(row) for row in rows]

    def events(self, session_id: str) -> list[Event]:
        """The session's events in order (empty for an unknown session)."""
        with self._lock:
            return self._events(self._db, session_id)

    def summary(self, session_id: str) -> SessionSummary:
        """The session's summary, derived from its events. ValueError if unknown."""
        with self._lock:
            events = self._events(self._db, session_id)
            row = self._db.execute(
                "SELECT uploaded FROM sessions WHERE session_id=?", (session_id,)
            ).fetchone()
        if not events:
            raise ValueError(f"unknown session {session_id}")
        return fold(events, uploaded=bool(row and row[0]))

    def sessions_between(
        self, date_from: date, date_to: date, tz: ZoneInfo = COPENHAGEN
    ) -> list[SessionSummary]:
        """Sessions started on local dates ``date_from``..``date_to`` (inclusive)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT session_id FROM sessions WHERE started_at >= ? AND started_at < ? "
                "ORDER BY started_at",
                utc_range(date_from, date_to, tz),
            ).fetchall()
        return [self.summary(row[0]) for row in rows]

    def pending_uploads(self) -> list[str]:
        """Ids of ended sessions not yet marked uploaded, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT session_id FROM sessions WHERE ended_at IS NOT NULL AND uploaded=0 "
                "ORDER BY started_at"
            ).fetchall()
        return [row[0] for row in rows]

    def mark_uploaded(self, session_ids: Iterable[str]) -> None:
        """Record that the relay acknowledged these sessions."""
        with self._tx() as db:
            db.executemany(
                "UPDATE sessions SET uploaded=1 WHERE session_id=?", [(sid,) for sid in session_ids]
            )

    def session_upload(self, session_id: str) -> dict[str, Any]:
        """The upload payload for one ended session (see docs/statistics.md), with
        its chain head: the relay keeps it so a rewritten log can be caught."""
        payload = _export.upload_payload(self.summary(session_id), self.events(session_id))
        payload["chain_head"] = self.chain_heads([session_id])[session_id]
        return payload

    def chain_heads(self, session_ids: Iterable[str] | None = None) -> dict[str, str]:
        """The hash of each ended session's last (``ended``) row: its chain head.

        All ended sessions still in the log when ``session_ids`` is None.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT e.session_id, e.hash FROM events e JOIN sessions s USING (session_id) "
                "WHERE s.ended_at IS NOT NULL AND e.kind='ended'"
            ).fetchall()
        heads = dict(rows)
        if session_ids is None:
            return heads
        return {sid: heads[sid] for sid in session_ids if sid in heads}

    def anchor(self) -> tuple[int, str, str | None]:
        """``(seq, hash, session_id)`` of the last purged row (``(0, GENESIS, None)``)."""
        with self._lock:
            return retention.anchor(self._db)

    def purge(self, older_than: timedelta, *, keep_not_uploaded: bool = True) -> PurgeResult:
        """Delete the sessions that ended more than ``older_than`` ago (retention).

        Whole sessions go, oldest first, up to the first one that must stay (still
        running, ended more recently, or not yet uploaded unless
        ``keep_not_uploaded`` is False); the chain stays verifiable from an anchor.
        """
        if older_than <= timedelta(0):
            raise ValueError("retention must be a positive period")
        now = self._clock()
        with self._tx() as db:
            return retention.purge(
                db, format_at(now - older_than), format_at(now), keep_not_uploaded=keep_not_uploaded
            )

    def verify(self) -> VerifyResult:
        """Check the whole chain, then every cached session row against its events."""
        with self._lock:
            head = dict(self._db.execute("SELECT key, value FROM meta").fetchall())
            start = retention.anchor(self._db)[:2]
            rows = self._db.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq")
            result = verify_chain(
                rows, int(head.get("head_seq", "0")), head.get("head_hash", GENESIS), start
            )
            if not result.ok:
                return result
            return self._verify_cache(result)

    def _verify_cache(self, chained: VerifyResult) -> VerifyResult:
        cached = {
            row[0]: row
            for row in self._db.execute(f"SELECT {', '.join(CACHE_COLUMNS)} FROM sessions")
        }
        ids = [r[0] for r in self._db.execute("SELECT DISTINCT session_id FROM events")]
        for sid in sorted(set(ids) | set(cached)):
            events = self._events(self._db, sid)
            if not events or cached.get(sid) != cache_values(fold(events)):
                return VerifyResult(
                    False,
                    None,
                    f"session {sid}: its summary row does not match its events",
                    chained.events_checked,
                )
        return chained

    def export(
        self,
        date_from: date,
        date_to: date,
        fmt: Literal["csv", "json"],
        out: TextIO,
        *,
        table: Literal["sessions", "events"] = "sessions",
    ) -> int:
        """Write sessions started in the local date range (and their events) to ``out``.

        JSON holds both sessions and events; CSV holds the one ``table`` asked for.
        Returns the number of sessions exported.
        """
        summaries = self.sessions_between(date_from, date_to)
        events = [e for s in summaries for e in self.events(s.session_id)]
        if fmt == "json":
            _export.write_json(summaries, events, out)
        elif fmt == "csv" and table == "sessions":
            _export.write_sessions_csv(summaries, out)
        elif fmt == "csv" and table == "events":
            _export.write_events_csv(events, out)
        else:
            raise ValueError(f"unknown export format {fmt!r} / table {table!r}")
        return len(summaries)
