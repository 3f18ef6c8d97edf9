"""Report figures checked by hand against a small known data set; text, CSV, HTML."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cobrowse.sessionlog import SessionLog
from relay.report import ChecklistStop, build_report, format_text, report_main, write_html
from relay.stats import StatsStore

CPH = ZoneInfo("Europe/Copenhagen")


@dataclass
class Case:
    start: datetime  # Copenhagen local time
    minutes: int
    agent_minutes: int
    topic: str | None
    outcome: str
    municipality: str | None
    checklist: str | None = None
    ticked: int = 0


def cph(day: int, hour: int, minute: int) -> datetime:
    return datetime(2024, 3, day, hour, minute, tzinfo=CPH)


CASES = [
    Case(cph(4, 19, 10), 10, 4, "digital_post", "solved", "Ballerup", "digital-post", 4),
    Case(
        cph(4, 20, 30), 20, 0, "digital_post", "citizen_finished_alone", "Egedal", "digital-post", 1
    ),
    Case(cph(5, 19, 45), 5, 2, "moving", "referred_borger_dk", "Ballerup", "flytning", 2),
    Case(cph(6, 21, 5), 30, 12, None, "not_solved", None, "digital-post", 1),
    Case(cph(7, 21, 50), 15, 6, "moving", "citizen_finished_alone", "Herlev", "flytning", 0),
    Case(cph(10, 23, 30), 8, 8, "digital_post", "out_of_scope_cpr", "Ballerup"),  # Sunday
    Case(cph(3, 23, 30), 9, 0, "moving", "solved", "Ballerup"),  # before the range
    Case(cph(11, 19, 0), 9, 0, "moving", "solved", "Ballerup"),  # after the range
]
STEPS = {"digital-post": 4, "flytning": 5}


class Clock:
    def __init__(self) -> None:
        self.now = cph(1, 0, 0)

    def __call__(self) -> datetime:
        return self.now


def record(log: SessionLog, clock: Clock, case: Case) -> str:
    clock.now = case.start
    sid = log.start_session(
        "anna",
        "Albertslund",
        citizen_municipality=case.municipality,
        topic=case.topic,
        checklist=case.checklist,
        steps_total=STEPS.get(case.checklist or ""),
    )
    if case.agent_minutes:
        log.append(sid, "control_on")
        clock.now = case.start + timedelta(minutes=case.agent_minutes)
        log.append(sid, "control_off", by="agent")
    for step in range(1, case.ticked + 1):
        log.append(sid, "step_ticked", step=step)
    clock.now = case.start + timedelta(minutes=case.minutes)
    log.end_session(sid, case.outcome)
    return sid


@pytest.fixture
def db(tmp_path: Path, stats_location: Path | str) -> Path | str:
    """The known data set, on SQLite and on PostgreSQL."""
    clock = Clock()
    with (
        SessionLog(tmp_path / "agent.db", clock=clock) as log,
        StatsStore(stats_location) as store,
    ):
        for case in CASES:
            assert store.store_upload(log.session_upload(record(log, clock, case)), "anna")
    return stats_location


@pytest.fixture
def store(db: Path | str) -> Iterator[StatsStore]:
    with StatsStore(db) as opened:
        yield opened


def test_figures_match_the_hand_count(store: StatsStore) -> None:
    r = build_report(store, date(2024, 3, 4), date(2024, 3, 10))
    assert r.contacts == 6
    assert r.per_weekday == {
        "Monday": 2,
        "Tuesday": 1,
        "Wednesday": 1,
        "Thursday": 1,
        "Friday": 0,
        "Saturday": 0,
        "Sunday": 1,
    }
    assert {h: n for h, n in r.per_hour.items() if n} == {19: 2, 20: 1, 21: 2, 23: 1}
    assert list(r.per_topic.items()) == [("digital_post", 3), ("moving", 2), ("(no topic)", 1)]
    assert r.per_outcome == {
        "solved": 1,
        "citizen_finished_alone": 2,
        "referred_borger_dk": 1,
        "referred_skat_dk": 0,
        "out_of_scope_cpr": 1,
        "not_solved": 1,
        "interrupted": 0,
    }
    assert list(r.per_municipality.items()) == [
        ("Ballerup", 3),
        ("(unknown)", 1),
        ("Egedal", 1),
        ("Herlev", 1),
    ]
    assert r.median_duration_s == 750.0  # (10 + 15) / 2 minutes
    assert r.p90_duration_s == 1800.0  # nearest rank 6 of 6: 30 minutes
    assert r.finished_alone_share == pytest.approx(2 / 6)
    assert (r.agent_driven_s, r.citizen_driven_s) == (32 * 60.0, 56 * 60.0)
    assert r.agent_driven_share == pytest.approx(32 / 88)
    assert r.checklist_stops == (
        ChecklistStop("digital-post", sessions=3, completed=1, step=2, stopped=2),
        ChecklistStop("flytning", sessions=2, completed=0, step=1, stopped=1),
    )


def test_figures_per_municipality(store: StatsStore) -> None:
    """Ballerup's three sessions; Albertslund is the agent's own municipality and
    so the contact municipality of the one session without a citizen's."""
    r = build_report(store, date(2024, 3, 4), date(2024, 3, 10), "Ballerup")
    assert (r.contacts, r.municipality, list(r.per_municipality)) == (3, "Ballerup", ["Ballerup"])
    assert r.per_outcome["solved"] == 1 and r.per_outcome["out_of_scope_cpr"] == 1
    assert (r.agent_driven_s, r.citizen_driven_s) == (14 * 60.0, 9 * 60.0)
    alb = build_report(store, date(2024, 3, 4), date(2024, 3, 10), "Albertslund")
    assert (alb.contacts, alb.per_outcome["not_solved"]) == (1, 1)
    assert "Hotline statistics 2024-03-04 to 2024-03-10 (Albertslund)" in format_text(alb)
    assert build_report(store, date(2024, 3, 4), date(2024, 3, 10), "Egedal").contacts == 1


def test_empty_period(store: StatsStore) -> None:
    r = build_report(store, date(2023, 1, 1), date(2023, 1, 31))
    assert r.contacts == 0 and r.median_duration_s is None and r.p90_duration_s is None
    assert r.finished_alone_share is None and r.agent_driven_share is None
    assert "Contacts                  0" in format_text(r)
    with pytest.raises(ValueError, match="before its start"):
        build_report(store, date(2023, 2, 1), date(2023, 1, 31))


def test_text_summary(store: StatsStore) -> None:
    text = format_text(build_report(store, date(2024, 3, 4), date(2024, 3, 10)))
    assert "Median duration           12.5 min" in text
    assert "Citizen finished alone    33.3 %" in text
    assert "digital-post            step 2 (2 of 3 sessions; 1 completed)" in text


def test_report_main_writes_html_and_csv(db: Path, tmp_path: Path) -> None:
    html, out = tmp_path / "r.html", tmp_path / "r.csv"
    text = report_main(db, date(2024, 3, 4), date(2024, 3, 10), html, out)
    assert text.startswith("Hotline statistics 2024-03-04 to 2024-03-10")
    page = html.read_text(encoding="utf-8")
    assert page.count("<svg") == 8 and "@media print" in page  # 6 + 2 stuck charts
    assert "<script" not in page and "src=" not in page  # self-contained
    assert "Contacts per weekday" in page and "digital_post" in page and "Wed" in page
    rows = {(r["section"], r["key"]): r["value"] for r in csv.DictReader(out.open())}
    assert rows[("summary", "contacts")] == "6"
    assert rows[("summary", "median_duration_s")] == "750.0"
    assert rows[("weekday", "Sunday")] == "1" and rows[("hour", "21")] == "2"
    assert rows[("checklist_stop", "flytning")] == "1"


def test_html_for_an_empty_period(store: StatsStore, tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    write_html(build_report(store, date(2023, 1, 1), date(2023, 1, 2)), path)
    page = path.read_text(encoding="utf-8")
    assert "0 contacts" in page and "<svg" in page
