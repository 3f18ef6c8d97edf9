"""The supervisor's statistics window: hotline figures and bar charts for a date range.

The window only knows a *fetcher*: ``fetch(date_from, date_to, municipality)``
returns a ``concurrent.futures.Future`` that resolves to the report dict of the
relay's ``stats`` message (``AgentEndpoint.request_stats`` fits), or fails with an
error whose ``reason`` is e.g. ``forbidden``.  The municipality picker follows the
*viewer*: a supervisor's is fixed to their own municipality (the relay enforces
it too), an admin picks one or all.  With a *contacts fetcher* the window also
exports the period's contact records to a file (agent_app/contacts_export.py).
The future may resolve on any thread; its result crosses to the GUI thread
through a queued signal before any widget is touched.  Charts are drawn with
QPainter (:class:`BarChart`): a few bars need no plotting library and no image
hand-over between threads.
"""

from __future__ import annotations

import concurrent.futures
import html
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
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
from agent_app.contacts_export import ContactsFetcher, Export, start_export, suggested_name
from agent_app.stats_controls import Viewer, date_edit, day, place_picker, save_dialog
from agent_app.stats_texts import (
    OUTCOMES,
    REFUSALS,
    WEEKDAYS,
    export_outcome,
    figures,
    stop,
    t,
    top,
)
from agent_app.stuck_panel import StuckPanel
from cobrowse.contactfile import FORMATS
from qtlang import translate

Fetcher = Callable[[date, date, str | None], "concurrent.futures.Future[dict[str, Any]]"]
FileChooser = Callable[[QWidget, str], str]
"""``choose(parent, suggested name)``: the file to write, or "" when cancelled."""


class _Relay(QObject):
    """Carries a finished future from whatever thread to the GUI thread."""

    done = Signal(int, object)
    exported = Signal(object, object)  # the export's future, its file


class StatsWindow(QDialog):
    """Pick dates, press *Vis*, read the figures and charts."""

    def __init__(
        self,
        fetch: Fetcher,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
        viewer: Viewer | None = None,
        contacts: ContactsFetcher | None = None,
        choose_file: FileChooser | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("agent", "Hotlinens statistik"))
        self._fetch, self._contacts = fetch, contacts
        self._choose_file = choose_file or save_dialog
        self._request = 0
        self._relay = _Relay(self)
        self._relay.done.connect(self._answered, Qt.ConnectionType.QueuedConnection)
        self._relay.exported.connect(self._exported, Qt.ConnectionType.QueuedConnection)
        today = today or date.today()
        self.date_from = date_edit(today.replace(day=1))
        self.date_to = date_edit(today)
        self.place = place_picker(viewer)
        self.show_button = QPushButton(translate("agent", "Vis"))
        self.show_button.clicked.connect(self.refresh)
        self.status = QLabel(translate("agent", "Vælg en periode og tryk Vis."))
        self.status.setWordWrap(True)
        self.format = QComboBox()
        self.format.addItems([f.upper() for f in FORMATS])
        self.format.setAccessibleName(translate("agent", "Filformat"))
        self.export_button = QPushButton(translate("agent", "Eksportér kontakter …"))
        self.export_button.clicked.connect(self.export_contacts)
        self.export_status = QLabel()
        self.export_status.setWordWrap(True)
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
            (translate("agent", "Kommune"), self._place_shown()),
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
        if self._contacts is not None:
            layout.addLayout(self._export_row())
            layout.addWidget(self.export_status)
        layout.addWidget(scroll)
        self.resize(900, 760)

    def _place_shown(self) -> QWidget:
        """The picker, or for a supervisor (who cannot choose) their municipality as
        plain text: a greyed-out list looks broken."""
        if self.place.isEnabled():
            return self.place
        self.place.setParent(self)
        self.place.hide()
        shown = QLabel(f"<b>{html.escape(self.place.currentText())}</b>")
        shown.setToolTip(self.place.toolTip())
        shown.setAccessibleName(translate("agent", "Kommune"))
        return shown

    def _export_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(
            QLabel(translate("agent", "Kontaktregistreringer for periode og kommune som"))
        )
        row.addWidget(self.format)
        row.addWidget(self.export_button)
        row.addStretch()
        return row

    @property
    def municipality(self) -> str | None:
        """The chosen municipality (None: all)."""
        chosen = self.place.currentData()
        return chosen if isinstance(chosen, str) else None

    def refresh(self) -> None:
        """Ask for the report of the chosen period (never blocks)."""
        first, last = day(self.date_from), day(self.date_to)
        if last < first:
            self.status.setText(t(REFUSALS["bad_range"]))
            return
        self._request += 1
        number = self._request
        self.status.setText(translate("agent", "Henter statistik …"))
        self.show_button.setEnabled(False)
        future = self._fetch(first, last, self.municipality)
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
            self.status.setText(t(REFUSALS[reason]) if reason in REFUSALS else failed)
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
        period = translate("agent", "{place}, periode {first} – {last}: {contacts} henvendelser.")
        place = report.get("municipality") or translate("agent", "Alle kommuner")
        self.setWindowTitle(translate("agent", "Hotlinens statistik – {place}").format(place=place))
        self.status.setText(
            period.format(
                place=place,
                first=report["date_from"],
                last=report["date_to"],
                contacts=report["contacts"],
            )
            + trimmed
        )
        _clear(self.figures)
        for label, value in figures(report):
            self.figures.addRow(label, QLabel(value))
        self.charts["weekday"].set_data(
            [(t(WEEKDAYS.get(k, k)), n) for k, n in report["per_weekday"].items()]
        )
        hours = [(f"{h:02d}", n) for h, n in enumerate(report["per_hour"]) if n]
        self.charts["hour"].set_data(hours or [("–", 0)])
        self.charts["topic"].set_data(top(report["per_topic"]))
        self.charts["outcome"].set_data(
            [(t(OUTCOMES.get(k, k)), n) for k, n in report["per_outcome"].items()]
        )
        self.charts["municipality"].set_data(top(report["per_municipality"]))
        self.stops.setText(
            "<br>".join(stop(s) for s in report["checklist_stops"])
            or translate("agent", "Ingen tjeklister brugt i perioden.")
        )
        self.stuck.set_stuck(report.get("stuck", []))  # an older relay sends none

    def export_contacts(self) -> None:
        """Ask for a file, then fetch and write the period's contact records on a
        worker thread; the answer comes back through :meth:`_exported`."""
        first, last = day(self.date_from), day(self.date_to)
        if self._contacts is None:
            return
        if last < first:
            self.export_status.setText(t(REFUSALS["bad_range"]))
            return
        fmt = FORMATS[self.format.currentIndex()]
        name = self._choose_file(self, suggested_name(first, last, self.municipality, fmt))
        if not name:
            return  # cancelled
        job = Export(first, last, self.municipality, fmt, Path(name))
        self.export_button.setEnabled(False)
        self.export_status.setText(translate("agent", "Henter kontaktregistreringer …"))
        future = start_export(self._contacts, job)
        future.add_done_callback(lambda f: self._deliver_export(f, job.path))

    def _deliver_export(self, future: concurrent.futures.Future[int], path: Path) -> None:
        """The worker thread: hand the result to the GUI thread."""
        try:
            self._relay.exported.emit(future, path)
        except RuntimeError:
            pass  # the window was closed meanwhile; the file is written all the same

    def _exported(self, future: concurrent.futures.Future[int], path: Path) -> None:
        self.export_button.setEnabled(True)
        self.export_status.setText(export_outcome(future, path))


def _clear(form: QFormLayout) -> None:
    while form.rowCount():
        form.removeRow(0)
