"""The supervisor's statistics window, offscreen, with a fake fetcher answering
from another thread (as the endpoint's network thread does)."""

from __future__ import annotations

import concurrent.futures
import csv
import json
import threading
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

from agent_app.stats_controls import Viewer
from agent_app.stats_window import StatsWindow
from cobrowse.session.endpoint import StatsError

MS = 5000
REPORT: dict[str, Any] = {
    "date_from": "2024-03-01",
    "date_to": "2024-03-31",
    "contacts": 5,
    "per_weekday": {
        "Monday": 3,
        "Tuesday": 0,
        "Wednesday": 1,
        "Thursday": 1,
        "Friday": 0,
        "Saturday": 0,
        "Sunday": 0,
    },
    "per_hour": [0] * 19 + [3, 1, 1, 0, 0],
    "per_topic": {"digital_post": 3, "moving": 2},
    "per_outcome": {
        "solved": 3,
        "citizen_finished_alone": 1,
        "referred_borger_dk": 0,
        "referred_skat_dk": 0,
        "out_of_scope_cpr": 0,
        "not_solved": 1,
    },
    "per_municipality": {"Ballerup": 4, "(unknown)": 1},
    "median_duration_s": 600.0,
    "p90_duration_s": 900.0,
    "finished_alone_share": 0.2,
    "agent_driven_s": 1200.0,
    "citizen_driven_s": 1800.0,
    "agent_driven_share": 0.4,
    "checklist_stops": [
        {"checklist": "digital-post", "sessions": 4, "completed": 2, "step": 3, "stopped": 2}
    ],
    "stuck": [
        {
            "checklist": "boligstoette",
            "sessions": 6,
            "worst": 4,
            "steps": [
                {"step": 2, "title": None, "ended_unsolved": 0, "control_taken": 1, "stuck": 1},
                {
                    "step": 4,
                    "title": "Log ind og udfyld",
                    "ended_unsolved": 2,
                    "control_taken": 1,
                    "stuck": 3,
                },
            ],
        },
        {"checklist": "flytning", "sessions": 2, "worst": None, "steps": []},
    ],
}


class Fetcher:
    """Records requests; answers each on a worker thread."""

    def __init__(self, answer: object) -> None:
        self.answer = answer
        self.calls: list[tuple[date, date]] = []
        self.places: list[str | None] = []

    def __call__(
        self, first: date, last: date, municipality: str | None = None
    ) -> concurrent.futures.Future[dict[str, Any]]:
        self.calls.append((first, last))
        self.places.append(municipality)
        future: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()

        def settle() -> None:
            if isinstance(self.answer, BaseException):
                future.set_exception(self.answer)
            else:
                future.set_result(self.answer)  # type: ignore[arg-type]

        threading.Thread(target=settle).start()
        return future


def texts(window: StatsWindow) -> str:
    return " | ".join(label.text() for label in window.findChildren(QLabel))


@pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
def test_shows_figures_and_charts(qtbot: Any) -> None:
    fetch = Fetcher(REPORT)
    window = StatsWindow(fetch, today=date(2024, 3, 31))
    qtbot.addWidget(window)
    window.show_button.click()
    qtbot.waitUntil(lambda: "5 henvendelser" in window.status.text(), timeout=MS)
    assert fetch.calls == [(date(2024, 3, 1), date(2024, 3, 31))]
    shown = texts(window)
    assert "10,0 min" in shown and "20 %" in shown and "oftest ved trin 3" in shown
    assert window.charts["weekday"].data[0] == ("Man", 3)
    assert window.charts["hour"].data == [("19", 3), ("20", 1), ("21", 1)]
    assert ("Borgeren klarede resten selv", 1) in window.charts["outcome"].data
    assert window.show_button.isEnabled()
    assert window.stuck.chart.data == [("boligstoette, trin 4", 3)]
    assert "trin 4 «Log ind og udfyld» – 3 af 6 sessioner (2 sluttede uløst" in shown
    assert "flytning: ingen gik i stå" in shown
    assert "trin 4 «Log ind og udfyld»" in window.stuck.chart.accessibleDescription()
    window.show()
    assert not window.grab().isNull()  # painting the charts works
    assert "Kun de største" not in window.status.text()
    window.show_report(dict(REPORT, trimmed=True))  # the relay had to shorten it
    assert "Kun de største" in window.status.text()
    window.show_report({k: v for k, v in REPORT.items() if k != "stuck"})  # an older relay
    assert window.stuck.chart.data == [("–", 0)]


def test_refusal_and_bad_range_are_explained(qtbot: Any) -> None:
    fetch = Fetcher(StatsError("forbidden"))
    window = StatsWindow(fetch, today=date(2024, 3, 31))
    qtbot.addWidget(window)
    window.refresh()
    qtbot.waitUntil(lambda: "Kun supervisorer" in window.status.text(), timeout=MS)
    window.date_to.setDate(QDate(2024, 2, 1))
    window.refresh()
    assert "før startdatoen" in window.status.text() and len(fetch.calls) == 1


def test_the_municipality_follows_the_viewer(qtbot: Any) -> None:
    fetch = Fetcher(dict(REPORT, municipality="Ballerup"))
    window = StatsWindow(fetch, today=date(2024, 3, 31), viewer=Viewer("supervisor", "Ballerup"))
    qtbot.addWidget(window)
    assert not window.place.isEnabled() and window.place.currentText() == "Ballerup"
    window.refresh()
    qtbot.waitUntil(lambda: "5 henvendelser" in window.status.text(), timeout=MS)
    assert fetch.places == ["Ballerup"]
    assert window.status.text().startswith("Ballerup, periode 2024-03-01 – 2024-03-31")
    assert window.windowTitle().endswith("Ballerup")

    fetch = Fetcher(REPORT)  # an admin's report of all municipalities
    admin = StatsWindow(fetch, today=date(2024, 3, 31), viewer=Viewer("admin", "Ishøj"))
    qtbot.addWidget(admin)
    assert admin.place.isEnabled() and admin.municipality is None
    admin.refresh()
    qtbot.waitUntil(lambda: "Alle kommuner, periode" in admin.status.text(), timeout=MS)
    admin.place.setCurrentText("Glostrup")
    admin.refresh()
    qtbot.waitUntil(lambda: len(fetch.places) == 2, timeout=MS)
    assert fetch.places == [None, "Glostrup"]


def record(n: int, municipality: str = "Ballerup") -> dict[str, Any]:
    return {
        "session_id": f"s{n}",
        "channel": "cobrowsing",
        "municipality": municipality,
        "topic": "=HYPERLINK(1)" if n == 0 else "Flytning",
        "outcome": "solved",
        "duration_s": 60.0 + n,
    }


class Pages:
    """A contacts fetcher: ``total`` records in pages of two, answered on a thread."""

    def __init__(self, total: int, error: BaseException | None = None) -> None:
        self.records = [record(n) for n in range(total)]
        self.error = error
        self.calls: list[tuple[str | None, int]] = []
        self.threads: set[str] = set()

    def __call__(
        self, first: date, last: date, municipality: str | None, offset: int
    ) -> concurrent.futures.Future[dict[str, Any]]:
        self.calls.append((municipality, offset))
        self.threads.add(threading.current_thread().name)
        page = self.records[offset : offset + 2]
        following = offset + 2 if offset + 2 < len(self.records) else None
        answer = {"type": "contacts", "contacts": page, "next_offset": following}
        return Fetcher(self.error or answer)(first, last)


def export_window(qtbot: Any, pages: Pages, path: Path, role: str = "admin") -> StatsWindow:
    window = StatsWindow(
        Fetcher(REPORT),
        today=date(2024, 3, 31),
        viewer=Viewer(role, "Ballerup"),
        contacts=pages,
        choose_file=lambda parent, suggested: str(path),
    )
    qtbot.addWidget(window)
    return window


def test_contacts_are_exported_page_by_page_off_the_gui_thread(qtbot: Any, tmp_path: Path) -> None:
    pages = Pages(5)
    window = export_window(qtbot, pages, tmp_path / "kontakter.csv")
    window.export_button.click()
    assert not window.export_button.isEnabled()  # the click returned at once
    qtbot.waitUntil(lambda: "5 kontaktregistreringer" in window.export_status.text(), timeout=MS)
    assert window.export_button.isEnabled()
    assert pages.calls == [(None, 0), (None, 2), (None, 4)]
    assert threading.current_thread().name not in pages.threads  # fetched on a worker
    with (tmp_path / "kontakter.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["session_id"] for r in rows] == ["s0", "s1", "s2", "s3", "s4"]
    assert rows[0]["topic"] == "'=HYPERLINK(1)" and rows[1]["kle"] == ""
    assert str(tmp_path / "kontakter.csv") in window.export_status.text()

    window.format.setCurrentText("JSON")
    window.place.setCurrentText("Ballerup")
    window._choose_file = lambda parent, suggested: str(tmp_path / suggested)
    window.export_button.click()
    qtbot.waitUntil(lambda: window.export_button.isEnabled(), timeout=MS)
    written = tmp_path / "kontakter-Ballerup-2024-03-01-2024-03-31.json"
    doc = json.loads(written.read_text(encoding="utf-8"))
    assert (doc["municipality"], doc["from"], len(doc["contacts"])) == ("Ballerup", "2024-03-01", 5)
    assert pages.calls[-1] == ("Ballerup", 4)


def test_export_errors_are_plain_danish_and_leave_no_file(qtbot: Any, tmp_path: Path) -> None:
    pages = Pages(3, StatsError("forbidden"))
    target = tmp_path / "kontakter.csv"
    window = export_window(qtbot, pages, target, role="supervisor")
    window.export_button.click()
    qtbot.waitUntil(lambda: window.export_button.isEnabled(), timeout=MS)
    assert "Kun supervisorer" in window.export_status.text()
    assert list(tmp_path.iterdir()) == []

    pages.error = StatsError("connection_lost")
    target.write_text("an earlier export\n", encoding="utf-8")
    window.export_button.click()
    qtbot.waitUntil(lambda: window.export_button.isEnabled(), timeout=MS)
    assert "Forbindelsen til relæet blev afbrudt" in window.export_status.text()
    assert target.read_text(encoding="utf-8") == "an earlier export\n"  # not half-replaced
    assert list(tmp_path.iterdir()) == [target]

    pages.error = None
    missing = export_window(qtbot, pages, tmp_path / "no such folder" / "k.csv")
    missing.export_button.click()
    qtbot.waitUntil(lambda: missing.export_button.isEnabled(), timeout=MS)
    assert "kunne ikke skrives" in missing.export_status.text()

    cancelled = export_window(qtbot, pages, Path(""))
    cancelled._choose_file = lambda parent, suggested: ""
    calls = len(pages.calls)
    cancelled.export_button.click()
    assert cancelled.export_button.isEnabled() and len(pages.calls) == calls
