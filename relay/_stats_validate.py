"""Strict validation of a session upload (format ``cobrowse-session/1``).

Anything the agent app sends is checked field by field before the store touches
the database; the first problem raises ValueError saying where it is.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cobrowse.sessionlog import OUTCOMES, Event, agent_driven_seconds, validate_data
from cobrowse.sessionlog.export import UPLOAD_FIELDS as SESSION_KEYS
from cobrowse.sessionlog.personal import mask_data

FORMAT = "cobrowse-session/1"
SESSION_FIELDS = frozenset(SESSION_KEYS)  # the upload format is the agent log's own
EVENT_FIELDS = frozenset({"n", "at", "kind", "data"})
MAX_EVENTS = 10_000
MAX_NAME = 100
UPLOAD_FIELDS = frozenset({"format", "session", "events"})
OPTIONAL_FIELDS = frozenset({"chain_head"})  # agent apps before the anchor did not send it
_HEAD = re.compile(r"[0-9a-f]{64}")
_PLACE = re.compile(r"[^\W\d_][^\W\d_ .'-]*(?:[ .'-]+[^\W\d_]+)*\.?")


@dataclass(frozen=True, slots=True)
class ValidUpload:
    """A checked upload: the session fields, parsed times, events and derived durations."""

    session: Mapping[str, Any]
    started_at: datetime
    ended_at: datetime
    events: tuple[Event, ...]
    agent_seconds: float
    chain_head: str | None = None

    @property
    def duration_seconds(self) -> float:
        return (self.ended_at - self.started_at).total_seconds()


def validate_upload(payload: object, uploaded_by: str) -> ValidUpload:
    """Check ``payload`` completely; raise ValueError naming the first problem.

    ``uploaded_by`` is the authenticated relay account; it must be the session's agent.
    """
    doc = _exact_keys(payload, UPLOAD_FIELDS, "upload", OPTIONAL_FIELDS)
    head = doc.get("chain_head")
    if head is not None and not (isinstance(head, str) and _HEAD.fullmatch(head)):
        raise ValueError("upload: chain_head must be 64 lowercase hex digits")
    if doc["format"] != FORMAT:
        raise ValueError(f"upload: format must be {FORMAT!r}, got {doc['format']!r}")
    session = _exact_keys(doc["session"], SESSION_FIELDS, "session")
    _check_session(session)
    if session["agent"] != uploaded_by:
        raise ValueError(
            f"session.agent {session['agent']!r} is not the uploading account {uploaded_by!r}"
        )
    started, ended = (
        _time(session["started_at"], "session.started_at"),
        _time(session["ended_at"], "session.ended_at"),
    )
    if ended < started:
        raise ValueError("session.ended_at is before session.started_at")
    events = _check_events(doc["events"], session, started, ended)
    seconds = agent_driven_seconds(events, ended)
    # what the agent typed is stored masked here too: an older agent app may not mask
    return ValidUpload(mask_data(session), started, ended, events, seconds, head)


def check_municipality(payload: object, municipality: str) -> None:
    """Raise ValueError unless the upload's ``agent_municipality`` is ``municipality``
    (the uploading account's own): an agent reports for its own municipality only."""
    session = payload.get("session") if isinstance(payload, dict) else None
    claimed = session.get("agent_municipality") if isinstance(session, dict) else None
    if claimed != municipality:
        raise ValueError(
            f"session.agent_municipality must be the account's municipality {municipality!r}"
        )


def _exact_keys(
    value: object, keys: frozenset[str], where: str, optional: frozenset[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where} must be an object, not {type(value).__name__}")
    missing, extra = keys - value.keys(), value.keys() - keys - optional
    if missing:
        raise ValueError(f"{where} lacks {', '.join(sorted(missing))}")
    if extra:
        raise ValueError(f"{where} has unknown field(s) {', '.join(sorted(map(str, extra)))}")
    return value


def _check_session(s: Mapping[str, Any]) -> None:
    sid = s["session_id"]
    try:
        ok = isinstance(sid, str) and str(uuid.UUID(sid)) == sid
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"session.session_id {sid!r} is not a lowercase UUID")
    for name in ("agent", "agent_municipality"):
        _name(s[name], f"session.{name}")
    for name in ("citizen_municipality", "topic", "checklist"):
        if s[name] is not None:
            _name(s[name], f"session.{name}")
    if s["citizen_municipality"] is not None:
        _place(s["citizen_municipality"], "session.citizen_municipality")
    _int(s["step_reached"], 0, "session.step_reached")
    if s["steps_total"] is not None:
        _int(s["steps_total"], 1, "session.steps_total")
        if s["step_reached"] > s["steps_total"]:
            raise ValueError("session.step_reached is beyond session.steps_total")
    if s["outcome"] not in OUTCOMES:
        raise ValueError(f"session.outcome {s['outcome']!r} is not one of {', '.join(OUTCOMES)}")


def _name(value: object, where: str) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        raise ValueError(f"{where} must be a non-empty string of at most {MAX_NAME} characters")
    if not value.isprintable():
        raise ValueError(f"{where} must not hold control characters")


def _place(value: str, where: str) -> None:
    """A municipality's name: letters first, then letters, spaces, ``-``, ``.``,
    ``'`` (``Lyngby-Taarbæk``, ``Høje-Taastrup``); no paths, no formulas."""
    if not _PLACE.fullmatch(value):
        raise ValueError(f"{where} is not a municipality name")


def _int(value: object, low: int, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 1000:
        raise ValueError(f"{where} must be an integer {low}..1000")


def _time(value: object, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.utcoffset() is None:
        raise ValueError(f"{where} must be an ISO 8601 time with a UTC offset")
    return parsed


def _check_events(
    raw: object, session: Mapping[str, Any], started: datetime, ended: datetime
) -> tuple[Event, ...]:
    if not isinstance(raw, list) or not 2 <= len(raw) <= MAX_EVENTS:
        raise ValueError(f"events must be a list of 2..{MAX_EVENTS} events")
    events, previous = [], started
    for index, item in enumerate(raw, start=1):
        where = f"events[{index - 1}]"
        e = _exact_keys(item, EVENT_FIELDS, where)
        if e["n"] != index or isinstance(e["n"], bool):
            raise ValueError(f"{where}.n must be {index}")
        at = _time(e["at"], f"{where}.at")
        if not previous <= at <= ended:
            raise ValueError(f"{where}.at is out of order or outside the session")
        if not isinstance(e["data"], dict) or not isinstance(e["kind"], str):
            raise ValueError(f"{where} needs a string kind and an object data")
        data = mask_data(_event_data(e["kind"], e["data"], where))  # as old apps may not
        events.append(Event(index, session["session_id"], at, e["kind"], data))
        previous = at
    _check_ends(events, session, started, ended)
    return tuple(events)


def _event_data(kind: str, data: dict[str, Any], where: str) -> dict[str, Any]:
    if kind == "note":
        if data:
            raise ValueError(f"{where}: note events are uploaded without their text")
        return {}
    try:
        return validate_data(kind, data)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


def _check_ends(
    events: list[Event], session: Mapping[str, Any], started: datetime, ended: datetime
) -> None:
    first, last = events[0], events[-1]
    if first.kind != "started" or first.at != started or first.data["agent"] != session["agent"]:
        raise ValueError(
            "events[0] must be the 'started' event of session.agent at session.started_at"
        )
    if last.kind != "ended" or last.at != ended or last.data["outcome"] != session["outcome"]:
        raise ValueError("the last event must be 'ended' at session.ended_at with session.outcome")
    if any(e.kind in ("started", "ended") for e in events[1:-1]):
        raise ValueError("'started' and 'ended' may appear only first and last")
