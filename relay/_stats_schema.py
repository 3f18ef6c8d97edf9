"""The statistics store's schema, as migrations (relay/migrations.py) for both backends.

Version 1 is the schema the relay used before migrations existed, so a
statistics file made then is taken up as it is.  Types are those SQLite and
PostgreSQL both accept: ``DOUBLE PRECISION`` (PostgreSQL's ``REAL`` would be
single precision), ``TEXT`` for times (ISO 8601 with offset) and for event data
(compact JSON, which BI tools can cast to ``jsonb``).
"""

from __future__ import annotations

import json

from cobrowse.checklists import shipped_kle
from relay.db import Tx
from relay.migrations import Migration

TRACK = "stats"
CHANNEL = "cobrowsing"
"""Every session the relay stores came through co-browsing (a contact record's channel)."""

_V1 = (
    """CREATE TABLE IF NOT EXISTS stat_sessions (
    session_id TEXT PRIMARY KEY, agent TEXT NOT NULL, agent_municipality TEXT NOT NULL,
    citizen_municipality TEXT, topic TEXT, checklist TEXT, step_reached INTEGER NOT NULL,
    steps_total INTEGER, outcome TEXT NOT NULL, started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL, started_ts DOUBLE PRECISION NOT NULL,
    duration_s DOUBLE PRECISION NOT NULL, agent_s DOUBLE PRECISION NOT NULL,
    uploaded_by TEXT NOT NULL, received_at TEXT NOT NULL, digest TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS stat_sessions_started ON stat_sessions(started_ts)",
    """CREATE TABLE IF NOT EXISTS stat_events (
    session_id TEXT NOT NULL REFERENCES stat_sessions(session_id), n INTEGER NOT NULL,
    at TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (session_id, n))""",
    """CREATE TABLE IF NOT EXISTS stat_chain_heads (
    session_id TEXT PRIMARY KEY REFERENCES stat_sessions(session_id), head TEXT NOT NULL)""",
)


def kle_of(checklist: str | None, events: list[tuple[str, str]]) -> str | None:
    """A session's KLE number: from its last ``checklist_set`` event that carries
    one (``(kind, data JSON)`` pairs), else the shipped checklist's, else None."""
    found = None
    for kind, data in events:
        if kind == "checklist_set":
            found = json.loads(data).get("kle") or found
    return found or (shipped_kle().get(checklist) if checklist else None)


def _backfill_kle(tx: Tx) -> None:
    """Sessions stored before contact records get their checklist's KLE number."""
    rows = tx.query("SELECT session_id, checklist FROM stat_sessions WHERE checklist IS NOT NULL")
    for session_id, checklist in rows:
        events = tx.query(
            "SELECT kind, data FROM stat_events WHERE session_id = ? AND kind = ? ORDER BY n",
            (session_id, "checklist_set"),
        )
        kle = kle_of(checklist, [(str(k), str(d)) for k, d in events])
        if kle is not None:
            tx.execute("UPDATE stat_sessions SET kle = ? WHERE session_id = ?", (kle, session_id))


MIGRATIONS = (
    Migration(1, "session uploads, their events and chain heads", _V1),
    Migration(
        2,
        "contact records: channel and KLE number per session; municipality index",
        (
            f"ALTER TABLE stat_sessions ADD COLUMN channel TEXT NOT NULL DEFAULT '{CHANNEL}'",
            "ALTER TABLE stat_sessions ADD COLUMN kle TEXT",
            "CREATE INDEX IF NOT EXISTS stat_sessions_place "
            "ON stat_sessions(citizen_municipality, started_ts)",
            "CREATE INDEX IF NOT EXISTS stat_events_kind ON stat_events(kind, session_id)",
            _backfill_kle,
        ),
    ),
)
