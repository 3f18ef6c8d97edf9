"""The session log's SQLite schema and row conversions (internal to sessionlog)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cobrowse.sessionlog.chain import format_at
from cobrowse.sessionlog.model import Event, SessionSummary

SCHEMA_VERSION = 2
# Purging (retention) removes a prefix of the chain: ``purges`` records, append-only,
# the seq and hash of the last removed row; verification starts from the newest one.
# Only rows at or below that anchor can be deleted; every other delete is refused.
PURGES = """
CREATE TABLE IF NOT EXISTS purges (
    anchor_seq INTEGER PRIMARY KEY, anchor_hash TEXT NOT NULL, anchor_session TEXT NOT NULL,
    purged_at TEXT NOT NULL, sessions INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS purges_no_update BEFORE UPDATE ON purges
    BEGIN SELECT RAISE(ABORT, 'session log purges are append-only'); END;
CREATE TRIGGER IF NOT EXISTS purges_no_delete BEFORE DELETE ON purges
    BEGIN SELECT RAISE(ABORT, 'session log purges are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
    WHEN OLD.seq > (SELECT COALESCE(MAX(anchor_seq), 0) FROM purges)
    BEGIN SELECT RAISE(ABORT, 'session log events are append-only'); END;
"""
MIGRATIONS = {1: "DROP TRIGGER events_no_delete;" + PURGES}
"""Schema version -> the script that brings it to the next version."""
SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY, session_id TEXT NOT NULL, at TEXT NOT NULL,
    kind TEXT NOT NULL, data TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_session ON events(session_id, seq);
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'session log events are append-only'); END;
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY, agent TEXT NOT NULL, agent_municipality TEXT NOT NULL,
    citizen_municipality TEXT, topic TEXT, checklist TEXT, step_reached INTEGER NOT NULL,
    steps_total INTEGER, outcome TEXT, notes TEXT NOT NULL, started_at TEXT NOT NULL,
    ended_at TEXT, agent_seconds REAL NOT NULL, uploaded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
    + PURGES
)
CACHE_COLUMNS = (
    "session_id",
    "agent",
    "agent_municipality",
    "citizen_municipality",
    "topic",
    "checklist",
    "step_reached",
    "steps_total",
    "outcome",
    "notes",
    "started_at",
    "ended_at",
    "agent_seconds",
)
EVENT_COLUMNS = "seq, session_id, at, kind, data, prev_hash, hash"


def row_event(row: tuple[Any, ...]) -> Event:
    seq, sid, at, kind, data = row
    return Event(seq, sid, datetime.fromisoformat(at), kind, json.loads(data))


def cache_values(s: SessionSummary) -> tuple[Any, ...]:
    return (
        s.session_id,
        s.agent,
        s.agent_municipality,
        s.citizen_municipality,
        s.topic,
        s.checklist,
        s.step_reached,
        s.steps_total,
        s.outcome,
        json.dumps(list(s.notes), ensure_ascii=False),
        format_at(s.started_at),
        None if s.ended_at is None else format_at(s.ended_at),
        s.agent_seconds,
    )


def utc_range(date_from: date, date_to: date, tz: ZoneInfo) -> tuple[str, str]:
    start = datetime.combine(date_from, time(0), tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time(0), tzinfo=tz)
    return format_at(start), format_at(end)
