"""Session-log output: CSV/JSON export and the upload payload for the relay.

The upload payload (``FORMAT``) is documented in docs/statistics.md; the relay's
``relay.stats`` validates it. Agent notes never leave the agent's machine: note
events are uploaded with empty data and the summary carries no notes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, TextIO

from cobrowse.sessionlog.chain import format_at
from cobrowse.sessionlog.model import Event, SessionSummary

FORMAT = "cobrowse-session/1"
SESSION_COLUMNS = (
    "session_id",
    "agent",
    "agent_municipality",
    "citizen_municipality",
    "topic",
    "checklist",
    "step_reached",
    "steps_total",
    "outcome",
    "started_at",
    "ended_at",
    "total_seconds",
    "agent_seconds",
    "citizen_seconds",
    "uploaded",
    "notes",
)
EVENT_COLUMNS = ("seq", "session_id", "at", "kind", "data")
UPLOAD_FIELDS = (
    "session_id",
    "agent",
    "agent_municipality",
    "citizen_municipality",
    "topic",
    "checklist",
    "step_reached",
    "steps_total",
    "outcome",
    "started_at",
    "ended_at",
)


def summary_record(s: SessionSummary) -> dict[str, Any]:
    """A session summary as a flat JSON-ready dict (times as UTC ISO strings)."""
    return {
        "session_id": s.session_id,
        "agent": s.agent,
        "agent_municipality": s.agent_municipality,
        "citizen_municipality": s.citizen_municipality,
        "topic": s.topic,
        "checklist": s.checklist,
        "step_reached": s.step_reached,
        "steps_total": s.steps_total,
        "outcome": s.outcome,
        "started_at": format_at(s.started_at),
        "ended_at": None if s.ended_at is None else format_at(s.ended_at),
        "total_seconds": s.total_seconds,
        "agent_seconds": s.agent_seconds,
        "citizen_seconds": s.citizen_seconds,
        "uploaded": s.uploaded,
        "notes": list(s.notes),
    }


def event_record(e: Event) -> dict[str, Any]:
    """One event as a JSON-ready dict."""
    return {
        "seq": e.seq,
        "session_id": e.session_id,
        "at": format_at(e.at),
        "kind": e.kind,
        "data": dict(e.data),
    }


def write_json(summaries: Iterable[SessionSummary], events: Iterable[Event], out: TextIO) -> None:
    """Write ``{"sessions": [...], "events": [...]}`` to ``out``."""
    doc = {
        "sessions": [summary_record(s) for s in summaries],
        "events": [event_record(e) for e in events],
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""A cell starting with one of these is a live formula in Excel/LibreOffice (OWASP
"CSV injection"); :func:`csv_cell` defuses it."""


def csv_cell(value: object) -> object:
    """``value`` safe for a spreadsheet: text that starts like a formula gets a
    leading ``'`` (shown as text, not run).  Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _safe_row(row: dict[str, Any]) -> dict[str, Any]:
    return {key: csv_cell(value) for key, value in row.items()}


def write_sessions_csv(summaries: Iterable[SessionSummary], out: TextIO) -> None:
    """One row per session; notes joined with `` | ``; formula prefixes defused."""
    writer = csv.DictWriter(out, fieldnames=SESSION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for s in summaries:
        row = summary_record(s)
        row["notes"] = " | ".join(s.notes)
        writer.writerow(_safe_row(row))


def write_events_csv(events: Iterable[Event], out: TextIO) -> None:
    """One row per event; ``data`` as compact JSON; formula prefixes defused."""
    writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for e in events:
        row = event_record(e)
        row["data"] = json.dumps(row["data"], ensure_ascii=False, sort_keys=True)
        writer.writerow(_safe_row(row))


def upload_payload(summary: SessionSummary, events: Iterable[Event]) -> dict[str, Any]:
    """The JSON-ready payload the agent app sends to the relay for one ended session.

    Raises ValueError if the session has not ended (only ended sessions are sent).
    """
    if summary.ended_at is None:
        raise ValueError(f"session {summary.session_id} has not ended; nothing to upload")
    record = summary_record(summary)
    session = {name: record[name] for name in UPLOAD_FIELDS}
    uploaded_events = []
    for n, e in enumerate(events, start=1):
        data = {} if e.kind == "note" else dict(e.data)
        uploaded_events.append({"n": n, "at": format_at(e.at), "kind": e.kind, "data": data})
    return {"format": FORMAT, "session": session, "events": uploaded_events}
