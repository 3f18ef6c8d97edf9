"""The hotline statistics report: figures from the central store, as text, CSV or HTML.

``build_report`` computes every figure; ``format_text``, ``write_csv`` and
``write_html`` present it; ``report_main`` is what ``cobrowse-relay report`` calls.
Weekdays and hours are Europe/Copenhagen local time. Callers must check that the
user may read hotline statistics (supervisor or admin) before calling.
"""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cobrowse.sessionlog import OUTCOMES
from cobrowse.sessionlog.export import csv_cell
from relay.stats import COPENHAGEN, StatsStore, StoredSession
from relay.stuck import ChecklistStuck, stuck_csv_rows, stuck_report, stuck_text, stuck_to_dict

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NO_TOPIC = "(no topic)"
NO_MUNICIPALITY = "(unknown)"


@dataclass(frozen=True, slots=True)
class ChecklistStop:
    """Where sessions using one checklist stopped.

    A session that did not tick the last step stopped at the first step it did not
    tick. ``step`` is the most common such step (the lowest on a tie), ``stopped``
    how many sessions stopped there; None when every session completed it.
    """

    checklist: str
    sessions: int
    completed: int
    step: int | None
    stopped: int


@dataclass(frozen=True, slots=True)
class Report:
    """All figures for sessions started on ``date_from``..``date_to`` (inclusive).

    Durations are seconds. ``p90_duration_s`` uses the nearest-rank method.
    Shares are fractions 0..1, None when there are no sessions.
    """

    date_from: date
    date_to: date
    contacts: int
    per_weekday: dict[str, int]
    per_hour: dict[int, int]
    per_topic: dict[str, int]
    per_outcome: dict[str, int]
    per_municipality: dict[str, int]
    median_duration_s: float | None
    p90_duration_s: float | None
    finished_alone_share: float | None
    agent_driven_s: float
    citizen_driven_s: float
    checklist_stops: tuple[ChecklistStop, ...]
    municipality: str | None = None  # the contact municipality reported on; None: all
    stuck: tuple[ChecklistStuck, ...] = ()
    """Where citizens got stuck, per checklist (:mod:`relay.stuck`)."""

    @property
    def agent_driven_share(self) -> float | None:
        total = self.agent_driven_s + self.citizen_driven_s
        return None if total == 0 else self.agent_driven_s / total


def build_report(
    store: StatsStore, date_from: date, date_to: date, municipality: str | None = None
) -> Report:
    """Compute the report for sessions started on the local dates given, of one
    contact municipality (relay.stats.PLACE) if given."""
    if date_to < date_from:
        raise ValueError("the report's end date is before its start date")
    sessions = store.sessions_between(date_from, date_to, COPENHAGEN, municipality)
    local = [s.started_at.astimezone(COPENHAGEN) for s in sessions]
    durations = sorted(s.duration_s for s in sessions)
    outcomes = Counter(s.outcome for s in sessions)
    return Report(
        date_from=date_from,
        date_to=date_to,
        contacts=len(sessions),
        per_weekday={d: sum(1 for t in local if t.weekday() == i) for i, d in enumerate(WEEKDAYS)},
        per_hour={h: sum(1 for t in local if t.hour == h) for h in range(24)},
        per_topic=_ranked(s.topic or NO_TOPIC for s in sessions),
        per_outcome={o: outcomes[o] for o in OUTCOMES},
        per_municipality=_ranked(s.citizen_municipality or NO_MUNICIPALITY for s in sessions),
        median_duration_s=statistics.median(durations) if durations else None,
        p90_duration_s=durations[math.ceil(0.9 * len(durations)) - 1] if durations else None,
        finished_alone_share=(
            outcomes["citizen_finished_alone"] / len(sessions) if sessions else None
        ),
        agent_driven_s=sum(s.agent_s for s in sessions),
        citizen_driven_s=sum(s.citizen_s for s in sessions),
        checklist_stops=_checklist_stops(sessions),
        municipality=municipality,
        stuck=stuck_report(store, date_from, date_to, municipality),
    )


def _ranked(values: Iterable[str]) -> dict[str, int]:
    """Counts, most frequent first, then alphabetically."""
    return dict(sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0])))


def _checklist_stops(sessions: list[StoredSession]) -> tuple[ChecklistStop, ...]:
    by_checklist: dict[str, list[StoredSession]] = {}
    for s in sessions:
        if s.checklist:
            by_checklist.setdefault(s.checklist, []).append(s)
    result = []
    for name in sorted(by_checklist):
        group = by_checklist[name]
        stops = Counter(s.step_reached + 1 for s in group if not _completed(s))
        step, stopped = min(stops.items(), key=lambda kv: (-kv[1], kv[0]), default=(None, 0))
        result.append(
            ChecklistStop(name, len(group), len(group) - sum(stops.values()), step, stopped)
        )
    return tuple(result)


def _completed(s: StoredSession) -> bool:
    return s.steps_total is not None and s.step_reached >= s.steps_total


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON values (the relay's ``stats`` message).

    Dates are ``YYYY-MM-DD``; ``per_hour`` is a list of 24 counts (local hours
    0-23); the other tables are objects in the report's order; durations are
    seconds and shares fractions (null without sessions).
    """
    return {
        "date_from": report.date_from.isoformat(),
        "date_to": report.date_to.isoformat(),
        "contacts": report.contacts,
        "per_weekday": dict(report.per_weekday),
        "per_hour": [report.per_hour.get(h, 0) for h in range(24)],
        "per_topic": dict(report.per_topic),
        "per_outcome": dict(report.per_outcome),
        "per_municipality": dict(report.per_municipality),
        "median_duration_s": report.median_duration_s,
        "p90_duration_s": report.p90_duration_s,
        "finished_alone_share": report.finished_alone_share,
        "agent_driven_s": report.agent_driven_s,
        "citizen_driven_s": report.citizen_driven_s,
        "agent_driven_share": report.agent_driven_share,
        "checklist_stops": [
            {
                "checklist": s.checklist,
                "sessions": s.sessions,
                "completed": s.completed,
                "step": s.step,
                "stopped": s.stopped,
            }
            for s in report.checklist_stops
        ],
        "stuck": [stuck_to_dict(c) for c in report.stuck],
    }


def minutes(seconds: float | None) -> str:
    """Seconds as ``"12.5 min"`` (or ``"-"``)."""
    return "-" if seconds is None else f"{seconds / 60:.1f} min"


def percent(share: float | None) -> str:
    """A share as ``"25.0 %"`` (or ``"-"``)."""
    return "-" if share is None else f"{share * 100:.1f} %"


def headline(report: Report) -> list[tuple[str, str]]:
    """The key figures as (label, value) pairs, shared by text, CSV and HTML."""
    return [
        ("Contacts", str(report.contacts)),
        ("Median duration", minutes(report.median_duration_s)),
        ("90th percentile duration", minutes(report.p90_duration_s)),
        ("Citizen finished alone", percent(report.finished_alone_share)),
        ("Agent-driven time", minutes(report.agent_driven_s)),
        ("Citizen-driven time", minutes(report.citizen_driven_s)),
        ("Agent-driven share", percent(report.agent_driven_share)),
    ]


def stop_text(stop: ChecklistStop) -> str:
    """E.g. ``"step 3 (2 of 5 sessions; 1 completed)"``."""
    where = (
        "none stopped"
        if stop.step is None
        else (f"step {stop.step} ({stop.stopped} of {stop.sessions} sessions")
    )
    tail = f"; {stop.completed} completed" + ("" if stop.step is None else ")")
    return where + tail


def format_text(report: Report) -> str:
    """The report as plain text for the terminal."""
    place = f" ({report.municipality})" if report.municipality else ""
    lines = [f"Hotline statistics {report.date_from} to {report.date_to}{place}", ""]
    lines += [f"{label:<26}{value}" for label, value in headline(report)]
    tables: list[tuple[str, dict[str, int]]] = [
        ("Per weekday", report.per_weekday),
        ("Per hour", {f"{h:02d}": n for h, n in report.per_hour.items() if n}),
        ("Per topic", report.per_topic),
        ("Per outcome", report.per_outcome),
        ("Per municipality", report.per_municipality),
    ]
    for title, counts in tables:
        lines += ["", title] + [f"  {key:<24}{n:>5}" for key, n in counts.items()]
    lines += ["", "Where sessions stopped, per checklist"]
    lines += [f"  {s.checklist:<24}{stop_text(s)}" for s in report.checklist_stops] or [
        "  (no checklists used)"
    ]
    lines += ["", "Where citizens get stuck (ended unsolved or agent took control), per checklist"]
    lines += [f"  {c.checklist:<24}{stuck_text(c)}" for c in report.stuck] or [
        "  (no checklists used)"
    ]
    return "\n".join(lines) + "\n"


def write_csv(report: Report, path: Path) -> None:
    """Write the report as ``section,key,value`` rows (spreadsheet-friendly)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = _SafeWriter(csv.writer(f))
        out.writerow(["section", "key", "value"])
        out.writerow(["period", "from", report.date_from.isoformat()])
        out.writerow(["period", "to", report.date_to.isoformat()])
        if report.municipality:
            out.writerow(["period", "municipality", report.municipality])
        out.writerows(("summary", k, v) for k, v in _summary_values(report))
        out.writerows(("weekday", k, n) for k, n in report.per_weekday.items())
        out.writerows(("hour", f"{h:02d}", n) for h, n in report.per_hour.items())
        out.writerows(("topic", k, n) for k, n in report.per_topic.items())
        out.writerows(("outcome", k, n) for k, n in report.per_outcome.items())
        out.writerows(("municipality", k, n) for k, n in report.per_municipality.items())
        for s in report.checklist_stops:
            out.writerow(("checklist_stop", s.checklist, "" if s.step is None else s.step))
        out.writerows(stuck_csv_rows(report.stuck))


class _SafeWriter:
    """A csv writer whose every cell goes through :func:`csv_cell`: topics,
    municipalities and checklist names come from agents and must not become live
    spreadsheet formulas."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([csv_cell(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def _summary_values(report: Report) -> list[tuple[str, object]]:
    def num(x: float | None) -> object:
        return "" if x is None else round(x, 3)

    return [
        ("contacts", report.contacts),
        ("median_duration_s", num(report.median_duration_s)),
        ("p90_duration_s", num(report.p90_duration_s)),
        ("finished_alone_share", num(report.finished_alone_share)),
        ("agent_driven_s", num(report.agent_driven_s)),
        ("citizen_driven_s", num(report.citizen_driven_s)),
    ]


def write_html(report: Report, path: Path) -> None:
    """Write a self-contained, printable HTML report with embedded SVG charts."""
    from relay._report_html import render_html  # matplotlib loads only when needed

    Path(path).write_text(render_html(report), encoding="utf-8")


def report_main(
    db_path: Path | str,
    date_from: date,
    date_to: date,
    html: Path | None,
    csv: Path | None,
    municipality: str | None = None,
) -> str:
    """Build the report from the store at ``db_path``, write the files asked for,
    and return the text summary (what ``cobrowse-relay report`` prints)."""
    with StatsStore(db_path) as store:
        report = build_report(store, date_from, date_to, municipality)
    if html is not None:
        write_html(report, html)
    if csv is not None:
        write_csv(report, csv)
    return format_text(report)
