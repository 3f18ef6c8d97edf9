"""The supervisor's statistics window, offscreen, with a fake fetcher answering
from another thread (as the endpoint's network thread does)."""

from __future__ import annotations

import concurrent.futures
import threading
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QLabel

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

    def __call__(self, first: date, last: date) -> concurrent.futures.Future[dict[str, Any]]:
        self.calls.append((first, last))
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
