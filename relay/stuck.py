"""Where citizens get stuck: per checklist, the step at which sessions end unsolved
or the agent has to take over the citizen's mouse and keyboard.

The figures come from the events each agent uploads (``stat_events``): which
checklist is in use (``checklist_set``, or the ``started`` event's data), the
steps the agent ticks (``step_ticked``) or shows the citizen (``step_shown``),
``control_on`` and the session's outcome.  While a session runs, the citizen is
*at* a step: step 1 when a checklist is chosen, the step after one the agent
ticks (skipping steps already ticked), or the step the agent shows.  A session
is *stuck* at a step when it ends unsolved there, or when the agent takes
control there.  The step with the most stuck sessions is the self-service form
step that most needs fixing.

:func:`stuck_steps` is a pure function over event rows; :func:`read_rows` is the
one query that feeds it from today's SQLite store (kept apart so another store
can feed the same function).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from relay.stats import COPENHAGEN, StatsStore

UNSOLVED = ("not_solved", "referred_borger_dk", "referred_skat_dk")
"""Outcomes that count as "ended unsolved".  ``interrupted`` (the connection or
the app broke) and ``out_of_scope_cpr`` (not a self-service matter) say nothing
about a form step and are left out."""
KINDS = ("started", "checklist_set", "step_ticked", "step_shown", "control_on")


@dataclass(frozen=True, slots=True)
class EventRow:
    """One uploaded event with its session's outcome (rows in session, event order)."""

    session_id: str
    outcome: str
    kind: str
    data: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StepStuck:
    """How many sessions got stuck at one step, and how."""

    step: int
    title: str | None
    ended_unsolved: int
    control_taken: int
    stuck: int
    """Sessions stuck here either way (a session counts once)."""


@dataclass(frozen=True, slots=True)
class ChecklistStuck:
    """One checklist: ``steps`` where sessions got stuck (step order) and ``worst``,
    the step with the most stuck sessions (the lowest on a tie; None if none)."""

    checklist: str
    sessions: int
    steps: tuple[StepStuck, ...]

    @property
    def worst(self) -> StepStuck | None:
        return min(self.steps, key=lambda s: (-s.stuck, s.step), default=None)


@dataclass(slots=True)
class _Session:
    """The fold state of one session."""

    outcome: str
    checklist: str | None = None
    total: int | None = None
    at: int = 1
    ticked: set[int] = field(default_factory=set)
    used: set[str] = field(default_factory=set)
    control: set[tuple[str, int]] = field(default_factory=set)

    def choose(self, data: Mapping[str, Any]) -> None:
        if isinstance(data.get("checklist"), str):
            self.checklist = data["checklist"]
            total = data.get("steps_total")
            self.total = total if isinstance(total, int) else None
            self.at, self.ticked = 1, set()
            self.used.add(self.checklist)

    def apply(self, kind: str, data: Mapping[str, Any]) -> None:
        step = data.get("step")
        if kind in ("started", "checklist_set"):
            self.choose(data)
        elif kind == "step_ticked" and isinstance(step, int):
            self.ticked.add(step)
            self.at = step + 1
            while self.at in self.ticked:
                self.at += 1
        elif kind == "step_shown" and isinstance(step, int):
            self.at = step
        elif kind == "control_on":
            self.control.update(filter(None, [self.where()]))

    def where(self) -> tuple[str, int] | None:
        """(checklist, step) the citizen is at; None without a checklist or past its end."""
        if self.checklist is None or (self.total is not None and self.at > self.total):
            return None
        return self.checklist, self.at


def stuck_steps(
    rows: Iterable[EventRow], titles: Mapping[str, Sequence[str]] | None = None
) -> tuple[ChecklistStuck, ...]:
    """Per checklist (sorted by id), where its sessions got stuck.

    ``rows`` are every session's events in order; ``titles`` optionally gives each
    checklist's step titles (step 1 first) for labelling.
    """
    used: Counter[str] = Counter()
    ended: Counter[tuple[str, int]] = Counter()
    control: Counter[tuple[str, int]] = Counter()
    stuck: Counter[tuple[str, int]] = Counter()
    for s in _fold(rows):
        end = s.where() if s.outcome in UNSOLVED else None
        used.update(s.used)
        control.update(s.control)
        ended.update([end] if end else [])
        stuck.update(s.control | ({end} if end else set()))
    return tuple(
        ChecklistStuck(
            name,
            used[name],
            tuple(
                StepStuck(key[1], _title(titles, *key), ended[key], control[key], n)
                for key, n in sorted(stuck.items())
                if key[0] == name
            ),
        )
        for name in sorted(used)
    )


def _fold(rows: Iterable[EventRow]) -> list[_Session]:
    sessions: dict[str, _Session] = {}
    for row in rows:
        session = sessions.setdefault(row.session_id, _Session(row.outcome))
        session.apply(row.kind, row.data)
    return list(sessions.values())


def _title(titles: Mapping[str, Sequence[str]] | None, checklist: str, step: int) -> str | None:
    steps = (titles or {}).get(checklist, ())
    return steps[step - 1] if 0 < step <= len(steps) else None


@cache
def default_titles() -> Mapping[str, Sequence[str]]:
    """Step titles of the shipped checklists, by checklist id (for labels only)."""
    from cobrowse.checklists import DEFAULT_FOLDER, load_folders

    catalogue = load_folders([DEFAULT_FOLDER])
    return {c.id: tuple(step.title for step in c.steps) for c in catalogue.checklists}


def read_rows(
    store: StatsStore,
    date_from: date,
    date_to: date,
    municipality: str | None = None,
    tz: ZoneInfo = COPENHAGEN,
) -> list[EventRow]:
    """The events :func:`stuck_steps` needs, of sessions started on the local dates
    ``date_from``..``date_to`` (of one contact municipality if given), read through
    the store's :meth:`~relay.stats.StatsStore.session_events` (SQLite or PostgreSQL)."""
    events = store.session_events(None, date_from, date_to, municipality, tz)
    return [EventRow(e.session_id, e.outcome, e.kind, e.data) for e in events if e.kind in KINDS]


def stuck_report(
    store: StatsStore, date_from: date, date_to: date, municipality: str | None = None
) -> tuple[ChecklistStuck, ...]:
    """:func:`stuck_steps` for sessions started on ``date_from``..``date_to``."""
    return stuck_steps(read_rows(store, date_from, date_to, municipality), default_titles())


# --- presentation (text, CSV and the report's JSON) ------------------------------


def stuck_to_dict(c: ChecklistStuck) -> dict[str, Any]:
    """One checklist's stuck steps as JSON values; ``worst`` is a step number or null."""
    worst = c.worst
    return {
        "checklist": c.checklist,
        "sessions": c.sessions,
        "worst": None if worst is None else worst.step,
        "steps": [
            {
                "step": s.step,
                "title": s.title,
                "ended_unsolved": s.ended_unsolved,
                "control_taken": s.control_taken,
                "stuck": s.stuck,
            }
            for s in c.steps
        ],
    }


def step_name(step: StepStuck) -> str:
    """E.g. ``"step 4 (Log ind og udfyld)"``."""
    return f"step {step.step}" + (f" ({step.title})" if step.title else "")


def stuck_text(c: ChecklistStuck) -> str:
    """E.g. ``"step 4 (Log ind): 3 of 6 sessions stuck (2 ended unsolved, 2 control)"``."""
    worst = c.worst
    if worst is None:
        return f"nobody stuck ({c.sessions} sessions)"
    return (
        f"{step_name(worst)}: {worst.stuck} of {c.sessions} sessions stuck "
        f"({worst.ended_unsolved} ended unsolved, agent took control in {worst.control_taken})"
    )


def stuck_csv_rows(stuck: Iterable[ChecklistStuck]) -> Iterator[tuple[str, str, object]]:
    """``stuck_step,<checklist>,<worst step>`` then per step ``stuck_ended_unsolved``,
    ``stuck_control_taken`` and ``stuck_sessions`` keyed ``<checklist>#<step>``."""
    for c in stuck:
        worst = c.worst
        yield ("stuck_step", c.checklist, "" if worst is None else worst.step)
        for s in c.steps:
            key = f"{c.checklist}#{s.step}"
            yield ("stuck_ended_unsolved", key, s.ended_unsolved)
            yield ("stuck_control_taken", key, s.control_taken)
            yield ("stuck_sessions", key, s.stuck)
