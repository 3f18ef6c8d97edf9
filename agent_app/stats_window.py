"""The supervisor's statistics window: hotline figures and bar charts for a date range.

The window only knows a *fetcher*: ``fetch(date_from, date_to)`` returns a
``concurrent.futures.Future`` that resolves to the report dict of the relay's
``stats`` message (``AgentEndpoint.request_stats`` fits), or fails with an error
whose ``reason`` is e.g. ``forbidden``.  The future may resolve on any thread; its
result crosses to the GUI thread through a queued signal before any widget is
touched.  Charts are drawn with QPainter (:class:`BarChart`): a few bars need no
plotting library and no image hand-over between threads.
"""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from agent_app.barchart import BarChart
from agent_app.stuck_panel import StuckPanel
from qtlang import current, translate

Fetcher = Callable[[date, date], "concurrent.futures.Future[dict[str, Any]]"]
WEEKDAYS: dict[str, object] = {
    "Monday": QT_TRANSLATE_NOOP("agent", "Man"),
    "Tuesday": QT_TRANSLATE_NOOP("agent", "Tir"),
    "Wednesday": QT_TRANSLATE_NOOP("agent", "Ons"),
    "Thursday": QT_TRANSLATE_NOOP("agent", "Tor"),
    "Friday": QT_TRANSLATE_NOOP("agent", "Fre"),
    "Saturday": QT_TRANSLATE_NOOP("agent", "Lør"),
    "Sunday": QT_TRANSLATE_NOOP("agent", "Søn"),
}
OUTCOMES: dict[str, object] = {
    "solved": QT_TRANSLATE_NOOP("agent", "Løst"),
    "citizen_finished_alone": QT_TRANSLATE_NOOP("agent", "Borgeren klarede resten selv"),
    "referred_borger_dk": QT_TRANSLATE_NOOP("agent", "Henvist til borger.dk"),
    "referred_skat_dk": QT_TRANSLATE_NOOP("agent", "Henvist til skat.dk"),
    "out_of_scope_cpr": QT_TRANSLATE_NOOP("agent", "Uden for området (CPR)"),
    "not_solved": QT_TRANSLATE_NOOP("agent", "Ikke løst"),
    "interrupted": QT_TRANSLATE_NOOP("agent", "Afbrudt (intet udfald valgt)"),
}
REFUSALS: dict[str, object] = {
    "forbidden": QT_TRANSLATE_NOOP(
        "agent", "Kun supervisorer og administratorer kan se hotlinens statistik."
    ),
    "bad_range": QT_TRANSLATE_NOOP("agent", "Slutdatoen ligger før startdatoen."),
    "not_signed_in": QT_TRANSLATE_NOOP("agent", "Du er ikke logget ind på relæet."),
    "connection_lost": QT_TRANSLATE_NOOP(
        "agent", "Forbindelsen til relæet blev afbrudt. Prøv igen."
    ),
}


class _Relay(QObject):
    """Carries a finished future from whatever thread to the GUI thread."""

    done = Signal(int, object)


class StatsWindow(QDialog):
    """Pick dates, press *Vis*, read the figures and charts."""

    def __init__(
        self, fetch: Fetcher, parent: QWidget | None = None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("agent", "Hotlinens statistik"))
        self._fetch = fetch
        self._request = 0
        self._relay = _Relay(self)
        self._relay.done.connect(self._answered, Qt.ConnectionType.QueuedConnection)
        today = today or date.today()
        self.date_from = _date_edit(today.replace(day=1))
        self.date_to = _date_edit(today)
        self.show_button = QPushButton(translate("agent", "Vis"))
        self.show_button.clicked.connect(self.refresh)
        self.status = QLabel(translate("agent", "Vælg en periode og tryk Vis."))
        self.status.setWordWrap(True)
        self.figures = QFormLayout()
        self.charts = {
            key: BarChart(title)
            for key, title in (
                ("weekday", translate("agent", "Henvendelser pr. ugedag")),
                ("hour", translate("agent", "Henvendelser pr. time")),
                ("topic", translate("agent", "Emner")),
                ("outcome", translate("agent", "Udfald")),
                ("municipality", translate("agent", "Kommuner")),
            )
        }
        self.stops = QLabel()
        self.stops.setWordWrap(True)
        self.stuck = StuckPanel()
        self._build()

    def _build(self) -> None:
        picker = QHBoxLayout()
        for text, widget in (
            (translate("agent", "Fra"), self.date_from),
            (translate("agent", "Til"), self.date_to),
        ):
            picker.addWidget(QLabel(text))
            picker.addWidget(widget)
        picker.addWidget(self.show_button)
        picker.addStretch()
        grid = QGridLayout()
        for n, key in enumerate(("weekday", "outcome", "hour", "topic", "municipality")):
            grid.addWidget(self.charts[key], n // 2, n % 2, Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addLayout(self.figures)
        inner.addLayout(grid)
        inner.addWidget(
            QLabel(translate("agent", "<b>Hvor sessionerne stoppede, pr. tjekliste</b>"))
        )
        inner.addWidget(self.stops)
        inner.addWidget(
            QLabel(
                translate(
                    "agent",
                    "<b>Hvor borgerne går i stå: trin hvor sessionen sluttede uløst "
                    "eller agenten måtte tage styringen</b>",
                )
            )
        )
        inner.addWidget(self.stuck)
        inner.addStretch()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addWidget(self.status)
        layout.addWidget(scroll)
        self.resize(900, 760)

    def refresh(self) -> None:
        """Ask for the report of the chosen period (never blocks)."""
        first, last = _day(self.date_from), _day(self.date_to)
        if last < first:
            self.status.setText(_t(REFUSALS["bad_range"]))
            return
        self._request += 1
        number = self._request
        self.status.setText(translate("agent", "Henter statistik …"))
        self.show_button.setEnabled(False)
        future = self._fetch(first, last)
        future.add_done_callback(lambda f: self._deliver(number, f))

    def _deliver(self, number: int, future: concurrent.futures.Future[dict[str, Any]]) -> None:
        """Any thread: hand the answer to the GUI thread."""
        try:
            self._relay.done.emit(number, future)
        except RuntimeError:
            pass  # the window was closed and deleted while the relay answered

    def _answered(self, number: int, future: concurrent.futures.Future[dict[str, Any]]) -> None:
        if number != self._request:
            return  # an older request; a newer one is on its way
        self.show_button.setEnabled(True)
        try:
            report = future.result()
        except Exception as exc:  # noqa: BLE001 - shown to the supervisor
            reason = str(getattr(exc, "reason", ""))
            failed = translate("agent", "Statistikken kunne ikke hentes ({error}).").format(
                error=exc
            )
            self.status.setText(_t(REFUSALS[reason]) if reason in REFUSALS else failed)
            return
        self.show_report(report)

    def show_report(self, report: dict[str, Any]) -> None:
        """Fill the figures and charts from a report dict."""
        trimmed = (
            translate(
                "agent",
                " Kun de største emner, kommuner og tjeklister er vist (resten er samlet "
                "som «andre»); den fulde rapport: cobrowse-relay report.",
            )
            if report.get("trimmed")
            else ""
        )
        period = translate("agent", "Periode {first} – {last}: {contacts} henvendelser.")
        self.status.setText(
            period.format(
                first=report["date_from"], last=report["date_to"], contacts=report["contacts"]
            )
            + trimmed
        )
        _clear(self.figures)
        for label, value in _figures(report):
            self.figures.addRow(label, QLabel(value))
        self.charts["weekday"].set_data(
            [(_t(WEEKDAYS.get(k, k)), n) for k, n in report["per_weekday"].items()]
        )
        hours = [(f"{h:02d}", n) for h, n in enumerate(report["per_hour"]) if n]
        self.charts["hour"].set_data(hours or [("–", 0)])
        self.charts["topic"].set_data(_top(report["per_topic"]))
        self.charts["outcome"].set_data(
            [(_t(OUTCOMES.get(k, k)), n) for k, n in report["per_outcome"].items()]
        )
        self.charts["municipality"].set_data(_top(report["per_municipality"]))
        self.stops.setText(
            "<br>".join(_stop(s) for s in report["checklist_stops"])
            or translate("agent", "Ingen tjeklister brugt i perioden.")
        )
        self.stuck.set_stuck(report.get("stuck", []))  # an older relay sends none


def _t(text: object) -> str:
    return translate("agent", str(text))


def _date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def _day(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())


def _clear(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)


def _top(counts: dict[str, int], limit: int = 10) -> list[tuple[str, int]]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    rest = sum(n for _, n in ranked[limit:])
    return ranked[:limit] + ([(translate("agent", "(øvrige)"), rest)] if rest else []) or [("–", 0)]


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    shown = f"{seconds / 60:.1f} min"
    return shown.replace(".", ",") if current() == "da" else shown  # 16,0 / 16.0


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


def _figures(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (translate("agent", "Henvendelser"), str(report["contacts"])),
        (translate("agent", "Median varighed"), _minutes(report["median_duration_s"])),
        (
            translate("agent", "90 % af sessionerne varede højst"),
            _minutes(report["p90_duration_s"]),
        ),
        (
            translate("agent", "Borgeren klarede resten selv"),
            _percent(report["finished_alone_share"]),
        ),
        (
            translate("agent", "Tid med agentens styring"),
            f"{_minutes(report['agent_driven_s'])} ({_percent(report['agent_driven_share'])})",
        ),
        (translate("agent", "Tid hvor borgeren styrede"), _minutes(report["citizen_driven_s"])),
    ]


def _stop(stop: dict[str, Any]) -> str:
    name = stop["checklist"]
    if stop["step"] is None:
        return translate(
            "agent", "{name}: alle {sessions} sessioner gennemførte tjeklisten"
        ).format(name=name, sessions=stop["sessions"])
    return translate(
        "agent",
        "{name}: oftest ved trin {step} "
        "({stopped} af {sessions} sessioner; {completed} gennemført)",
    ).format(
        name=name,
        step=stop["step"],
        stopped=stop["stopped"],
        sessions=stop["sessions"],
        completed=stop["completed"],
    )
