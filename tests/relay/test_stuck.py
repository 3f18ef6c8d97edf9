"""Where citizens get stuck: a known data set of real uploads, counted by hand.

Each session is recorded in a real agent log, uploaded to a real statistics store,
and read back through the report; the expected steps are worked out below each case.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cobrowse.sessionlog import SessionLog
from relay.report import build_report, format_text, report_to_dict, write_csv, write_html
from relay.stats import StatsStore
from relay.statsapi import fit_report
from relay.stuck import EventRow, StepStuck, stuck_steps

CPH = ZoneInfo("Europe/Copenhagen")
STEPS = {"boligstoette": 5, "flytning": 4, "digital-post-aktivering": 4}
# (checklist at start, [(kind, value)...], outcome); ("set", id) switches checklist,
# ("tick", n), ("show", n), ("control", 0) takes control and hands it back.
SESSIONS: list[tuple[str | None, list[tuple[str, Any]], str]] = [
    # boligstoette: control at 4
    ("boligstoette", [("tick", 1), ("tick", 2), ("tick", 3), ("control", 0)], "solved"),
    # boligstoette: ended unsolved at 4
    ("boligstoette", [("tick", 1), ("tick", 2), ("tick", 3)], "not_solved"),
    # boligstoette: control at 2, then ended unsolved at 4 (one stuck session at each)
    (
        "boligstoette",
        [("tick", 1), ("control", 0), ("tick", 2), ("tick", 3)],
        "referred_borger_dk",
    ),
    # boligstoette: every step done - not stuck
    ("boligstoette", [("tick", n) for n in range(1, 6)], "solved"),
    # boligstoette: broke off at 2 - interrupted says nothing about the form
    ("boligstoette", [("tick", 1)], "interrupted"),
    # boligstoette: the agent shows step 3 and takes control there (twice: counted once)
    ("boligstoette", [("show", 3), ("control", 0), ("control", 0)], "out_of_scope_cpr"),
    # flytning: control at 1, twice over two sessions; unsolved at 2 once
    ("flytning", [("control", 0)], "solved"),
    ("flytning", [("control", 0)], "citizen_finished_alone"),
    ("flytning", [("tick", 1)], "not_solved"),
    # starts with digital-post-aktivering (control at 1), switches to flytning, ticks
    # 1 and then 3: the citizen is at the step after the last tick, so unsolved at 4
    (
        "digital-post-aktivering",
        [("control", 0), ("set", "flytning"), ("tick", 1), ("tick", 3)],
        "not_solved",
    ),
    # no checklist at all: nothing to report
    (None, [("control", 0)], "not_solved"),
]


def _record(log: SessionLog, clock: list[datetime], case: tuple[Any, ...]) -> str:
    checklist, actions, outcome = case
    sid = log.start_session(
        "anna", "Albertslund", checklist=checklist, steps_total=STEPS.get(checklist or "")
    )
    for kind, value in actions:
        clock[0] += timedelta(minutes=1)
        if kind == "tick":
            log.append(sid, "step_ticked", step=value)
        elif kind == "show":
            log.append(sid, "step_shown", step=value)
        elif kind == "set":
            log.append(sid, "checklist_set", checklist=value, steps_total=STEPS[value])
        else:
            log.append(sid, "control_on")
            clock[0] += timedelta(minutes=1)
            log.append(sid, "control_off", by="agent")
    clock[0] += timedelta(minutes=1)
    log.end_session(sid, outcome)
    return sid


@pytest.fixture
def store(tmp_path: Path) -> Iterator[StatsStore]:
    clock = [datetime(2024, 3, 4, 19, 0, tzinfo=CPH)]
    with (
        SessionLog(tmp_path / "agent.db", clock=lambda: clock[0]) as log,
        StatsStore(tmp_path / "stats.db") as stats,
    ):
        for case in SESSIONS:
            assert stats.store_upload(log.session_upload(_record(log, clock, case)), "anna")
        clock[0] = datetime(2024, 4, 1, 19, 0, tzinfo=CPH)  # after the range: left out
        late = ("flytning", [("tick", 1), ("tick", 2), ("control", 0)], "not_solved")
        assert stats.store_upload(log.session_upload(_record(log, clock, late)), "anna")
        yield stats


def test_the_report_names_the_step_where_each_checklist_gets_stuck(store: StatsStore) -> None:
    stuck = {c.checklist: c for c in build_report(store, date(2024, 3, 1), date(2024, 3, 31)).stuck}
    assert set(stuck) == {"boligstoette", "flytning", "digital-post-aktivering"}
    bolig = stuck["boligstoette"]
    assert bolig.sessions == 6
    assert bolig.steps == (
        StepStuck(2, "Find oplysningerne frem", 0, 1, 1),
        StepStuck(3, "Åbn ansøgningen", 0, 1, 1),
        StepStuck(4, "Log ind og udfyld", 2, 1, 3),
    )
    assert bolig.worst is not None and bolig.worst.step == 4
    flyt = stuck["flytning"]
    assert flyt.sessions == 4
    assert [(s.step, s.ended_unsolved, s.control_taken) for s in flyt.steps] == [
        (1, 0, 2),
        (2, 1, 0),
        (4, 1, 0),
    ]
    assert flyt.worst is not None and flyt.worst.step == 1
    dp = stuck["digital-post-aktivering"]
    assert [(s.step, s.stuck) for s in dp.steps] == [(1, 1)] and dp.sessions == 1


def test_a_tie_names_the_earlier_step_and_no_stuck_session_names_none() -> None:
    rows = [
        EventRow("a", "not_solved", "started", {"checklist": "x", "steps_total": 3}),
        EventRow("a", "not_solved", "step_ticked", {"step": 2}),
        EventRow("b", "not_solved", "started", {"checklist": "x", "steps_total": 3}),
        EventRow("c", "solved", "started", {"checklist": "y", "steps_total": 2}),
        EventRow("c", "solved", "control_on", {}),  # step 1 of y
        EventRow("d", "not_solved", "started", {"checklist": "z", "steps_total": 1}),
        EventRow("d", "not_solved", "step_ticked", {"step": 1}),  # past the last step
    ]
    x, y, z = stuck_steps(rows)
    assert x.worst is not None and x.worst.step == 1 and [s.step for s in x.steps] == [1, 3]
    assert y.worst is not None and (y.worst.step, y.worst.control_taken) == (1, 1)
    assert z.worst is None and z.sessions == 1


def test_text_csv_and_json_carry_the_stuck_step(store: StatsStore, tmp_path: Path) -> None:
    report = build_report(store, date(2024, 3, 1), date(2024, 3, 31))
    text = format_text(report)
    assert "Where citizens get stuck" in text
    assert "boligstoette" in text and "step 4 (Log ind og udfyld): 3 of 6 sessions stuck" in text
    write_csv(report, tmp_path / "r.csv")
    with open(tmp_path / "r.csv", encoding="utf-8", newline="") as f:
        rows = [tuple(r) for r in csv.reader(f)]
    assert ("stuck_step", "boligstoette", "4") in rows
    assert ("stuck_step", "flytning", "1") in rows
    assert ("stuck_ended_unsolved", "boligstoette#4", "2") in rows
    assert ("stuck_control_taken", "flytning#1", "2") in rows
    sent = fit_report(report_to_dict(report))
    bolig = next(c for c in sent["stuck"] if c["checklist"] == "boligstoette")
    assert bolig["worst"] == 4 and bolig["steps"][-1]["stuck"] == 3
    json.dumps(sent)  # plain JSON values


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []
        self.cells: list[str] = []
        self._in_td = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg" and found.get("role") == "img":
            self.labels.append(found.get("aria-label") or "")
        self._in_td = tag == "td"

    def handle_data(self, data: str) -> None:
        if self._in_td:
            self.cells.append(data)


def test_html_has_an_accessible_chart_and_a_table_per_checklist(
    store: StatsStore, tmp_path: Path
) -> None:
    write_html(build_report(store, date(2024, 3, 1), date(2024, 3, 31)), tmp_path / "r.html")
    page = _Collect()
    page.feed((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert any(label.startswith("boligstoette: step 4") for label in page.labels)
    assert any(label.startswith("flytning: step 1") for label in page.labels)
    assert "step 4 (Log ind og udfyld)" in page.cells
