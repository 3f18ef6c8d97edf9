"""Session-log vocabulary: event kinds, outcomes, data validation and the summary fold.

Everything here is pure (no I/O, no clock) so the agent's log and the relay's
statistics store validate and summarise sessions with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

OUTCOMES = (
    "solved",
    "citizen_finished_alone",
    "referred_borger_dk",
    "referred_skat_dk",
    "out_of_scope_cpr",
    "not_solved",
    "interrupted",  # ended without the agent choosing (relay lost, app closed or crashed)
)
CONSENT_WHAT = ("view", "control")
CONTROL_ENDED_BY = ("agent", "citizen", "disconnect", "session_end")

# kind -> required fields: a type, or a tuple of allowed string values.
_Spec = Mapping[str, type | tuple[str, ...]]
KIND_FIELDS: Mapping[str, _Spec] = {
    "started": {"agent": str, "agent_municipality": str},
    "joined": {},
    "paired": {},
    "consent_requested": {"what": CONSENT_WHAT},
    "consent_granted": {"what": CONSENT_WHAT},
    "consent_denied": {"what": CONSENT_WHAT},
    "control_on": {},
    "control_off": {"by": CONTROL_ENDED_BY},
    "pause": {},
    "resume": {},
    "pointer": {},
    "step_shown": {"step": int},
    "step_ticked": {"step": int},
    "link_opened": {"url": str},
    "link_refused": {"url": str},
    "note": {"note": str},
    "topic_set": {"topic": str},
    "checklist_set": {"checklist": str},
    "outcome_set": {"outcome": OUTCOMES},
    "municipality_set": {"citizen_municipality": str},
    "ended": {"outcome": OUTCOMES},
}
KINDS = tuple(KIND_FIELDS)

# A data key is refused when any of its _-separated words is one of these: typed
# text, codes, keys, passwords and screen content are never logged.
FORBIDDEN_WORDS = frozenset(
    {
        "text",
        "typed",
        "password",
        "passwd",
        "pin",
        "code",
        "codes",
        "key",
        "keys",
        "secret",
        "token",
        "pixels",
        "pixel",
        "screen",
        "screenshot",
        "image",
        "clipboard",
        "cpr",
        "keystroke",
        "keystrokes",
    }
)
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_STR = 500
MAX_NOTE = 4000
MAX_STEP = 1000


def validate_data(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check one event's data and return a plain copy.

    Raises ValueError (saying which key and why) for an unknown kind, a missing or
    wrong required field, a forbidden key, or a value that is not a short scalar.
    """
    spec = KIND_FIELDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown event kind {kind!r}; known: {', '.join(KINDS)}")
    for key, value in data.items():
        _check_key(kind, key)
        _check_scalar(kind, key, value)
    for key, want in spec.items():
        if key not in data:
            raise ValueError(f"event {kind!r} needs field {key!r}")
        _check_required(kind, key, want, data[key])
    return dict(data)


def _check_key(kind: str, key: object) -> None:
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise ValueError(f"event {kind!r}: bad field name {key!r} (lowercase a-z, 0-9, _)")
    words = set(key.split("_"))
    if words & FORBIDDEN_WORDS:
        raise ValueError(
            f"event {kind!r}: field {key!r} is forbidden: typed text, codes, keys, "
            "passwords and screen content are never logged"
        )


def _check_scalar(kind: str, key: str, value: object) -> None:
    limit = MAX_NOTE if key == "note" else MAX_STR
    if isinstance(value, str):
        if len(value) > limit:
            raise ValueError(f"event {kind!r}: field {key!r} is longer than {limit} characters")
    elif isinstance(value, float) and value != value:
        raise ValueError(f"event {kind!r}: field {key!r} is NaN")
    elif value is not None and not isinstance(value, int | float | bool):
        raise ValueError(
            f"event {kind!r}: field {key!r} must be a string, number, "
            f"bool or null, not {type(value).__name__}"
        )


def _check_required(kind: str, key: str, want: type | tuple[str, ...], value: object) -> None:
    if isinstance(want, tuple):
        if value not in want:
            raise ValueError(f"event {kind!r}: {key}={value!r} is not one of {', '.join(want)}")
    elif want is int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STEP:
            raise ValueError(f"event {kind!r}: {key} must be an integer 1..{MAX_STEP}")
    elif not isinstance(value, str) or not value.strip():
        raise ValueError(f"event {kind!r}: {key} must be a non-empty string")


@dataclass(frozen=True, slots=True)
class Event:
    """One committed event. ``seq`` is the position in the whole log's chain."""

    seq: int
    session_id: str
    at: datetime
    kind: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What a session amounts to, derived from its events alone.

    Durations are in seconds. ``total_seconds`` and ``citizen_seconds`` are None
    until the session has ended; ``agent_seconds`` is time under agent control.
    """

    session_id: str
    agent: str
    agent_municipality: str
    citizen_municipality: str | None
    topic: str | None
    checklist: str | None
    step_reached: int
    steps_total: int | None
    outcome: str | None
    notes: tuple[str, ...]
    started_at: datetime
    ended_at: datetime | None
    total_seconds: float | None
    agent_seconds: float
    citizen_seconds: float | None
    uploaded: bool = False


def agent_driven_seconds(events: Iterable[Event], end: datetime | None) -> float:
    """Seconds between each control_on and the next control_off.

    A control period still open is closed at ``end`` (the session end), or at the
    last event when the session has not ended.
    """
    total, since, last = 0.0, None, None
    for event in events:
        last = event.at
        if event.kind == "control_on" and since is None:
            since = event.at
        elif event.kind in ("control_off", "ended") and since is not None:
            total += max(0.0, (event.at - since).total_seconds())
            since = None
    closing = end or last
    if since is not None and closing is not None:
        total += max(0.0, (closing - since).total_seconds())
    return total


def fold(events: list[Event], uploaded: bool = False) -> SessionSummary:
    """Summarise one session's events (in seq order; the first must be ``started``)."""
    if not events or events[0].kind != "started":
        raise ValueError("a session's first event must be 'started'")
    first = events[0]
    fields: dict[str, Any] = {
        "citizen_municipality": None,
        "topic": None,
        "checklist": None,
        "steps_total": None,
        "outcome": None,
        **first.data,
    }
    notes: list[str] = []
    step_reached, ended_at = 0, None
    for event in events[1:]:
        _apply(event, fields, notes)
        if event.kind == "step_ticked":
            step_reached = max(step_reached, int(event.data["step"]))
        elif event.kind == "ended":
            ended_at = event.at
    total = None if ended_at is None else max(0.0, (ended_at - first.at).total_seconds())
    agent = agent_driven_seconds(events, ended_at)
    return SessionSummary(
        session_id=first.session_id,
        agent=fields["agent"],
        agent_municipality=fields["agent_municipality"],
        citizen_municipality=fields["citizen_municipality"],
        topic=fields["topic"],
        checklist=fields["checklist"],
        step_reached=step_reached,
        steps_total=fields["steps_total"],
        outcome=fields["outcome"],
        notes=tuple(notes),
        started_at=first.at,
        ended_at=ended_at,
        total_seconds=total,
        agent_seconds=agent,
        citizen_seconds=None if total is None else max(0.0, total - agent),
        uploaded=uploaded,
    )


def _apply(event: Event, fields: dict[str, Any], notes: list[str]) -> None:
    data = event.data
    if event.kind == "topic_set":
        fields["topic"] = data["topic"]
    elif event.kind == "municipality_set":
        fields["citizen_municipality"] = data["citizen_municipality"]
    elif event.kind == "checklist_set":
        fields["checklist"] = data["checklist"]
        fields["steps_total"] = data.get("steps_total", fields["steps_total"])
    elif event.kind in ("outcome_set", "ended"):
        fields["outcome"] = data["outcome"]
    elif event.kind == "note":
        notes.append(data["note"])
