"""Guidance checklist panel: search, tick steps, show a step or open a link at the citizen.

Only a step's citizen text ever goes to the citizen (with "Trin n af m"); the step's
title and notes are the agent's.  A step without citizen text cannot be shown: its
button is disabled and says why.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cobrowse.checklists import Catalogue, Checklist, Step
from qtlang import translate

ID_ROLE = Qt.ItemDataRole.UserRole
NOT_SHOWN = QT_TRANSLATE_NOOP(
    "agent", "Dette trin har ingen tekst til borgeren og kan ikke vises hos borgeren."
)


def not_shown() -> str:
    return translate("agent", str(NOT_SHOWN))


class ChecklistPanel(QWidget):
    chosen = Signal(object)  # Checklist
    ticked = Signal(int, bool)  # step number (1-based), done
    show_step = Signal(int, int, str, str)  # number, total, "" (no agent title), citizen text
    open_link = Signal(int, str)  # step number, url

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.checklist: Checklist | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("agent", "Søg tjekliste (titel eller emne) …"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.steps = QListWidget()
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.show_button = QPushButton(translate("agent", "&Vis trin for borgeren"))
        self.link_button = QPushButton(translate("agent", "Åbn &link hos borgeren"))
        self.problems = QLabel()
        self.problems.setStyleSheet("color: #8a5300;")
        self.problems.setWordWrap(True)
        self._wire()
        self._layout()
        self._fill_results("")
        self._show_problems()
        self._show_checklist(False)
        self.set_live(False)

    def _show_checklist(self, shown: bool) -> None:
        for widget in (self.title, self.steps, self.details, self.show_button, self.link_button):
            widget.setVisible(shown)

    def _wire(self) -> None:
        self.search.textChanged.connect(self._fill_results)
        self.search.returnPressed.connect(self._choose_first)
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemClicked.connect(self._choose_item)
        self.steps.currentRowChanged.connect(self._show_details)
        self.steps.itemChanged.connect(self._tick)
        self.show_button.clicked.connect(self._show_step)
        self.link_button.clicked.connect(self._open_link)

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.link_button)
        box = QVBoxLayout(self)
        box.addWidget(self.search)
        box.addWidget(self.results, 1)
        box.addWidget(self.problems)
        box.addWidget(self.title)
        box.addWidget(self.steps, 2)
        box.addWidget(self.details, 2)
        box.addLayout(buttons)

    def _show_problems(self) -> None:
        problems = self.catalogue.problems
        self.problems.setVisible(bool(problems))
        if problems:
            self.problems.setText(
                translate("agent", "{count} tjekliste(r) kunne ikke indlæses.").format(
                    count=len(problems)
                )
            )
            self.problems.setToolTip("\n".join(str(p) for p in problems))

    # --- choosing ----------------------------------------------------------------

    def _fill_results(self, query: str) -> None:
        self.results.clear()
        for checklist in self.catalogue.search(query):
            item = QListWidgetItem(f"{checklist.title}  ·  {checklist.topic}")
            item.setData(ID_ROLE, checklist.id)
            self.results.addItem(item)

    def _choose_first(self) -> None:
        if self.results.count():
            self._choose_item(self.results.item(0))

    def _choose_item(self, item: QListWidgetItem) -> None:
        checklist = self.catalogue.get(str(item.data(ID_ROLE)))
        if checklist is not None:
            self.choose(checklist)

    def choose(self, checklist: Checklist) -> None:
        self.checklist = checklist
        self._show_checklist(True)
        self.title.setText(
            translate("agent", "<b>{title}</b> ({steps} trin)").format(
                title=escape(checklist.title), steps=len(checklist.steps)
            )
        )
        self.steps.blockSignals(True)
        self.steps.clear()
        for number, step in enumerate(checklist.steps, 1):
            item = QListWidgetItem(f"{number}. {step.title}")
            if not step.for_citizen:
                item.setToolTip(not_shown())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.steps.addItem(item)
        self.steps.blockSignals(False)
        self.steps.setCurrentRow(0)
        self.chosen.emit(checklist)

    # --- steps -------------------------------------------------------------------

    def current_step(self) -> tuple[int, Step] | None:
        row = self.steps.currentRow()
        if self.checklist is None or not 0 <= row < len(self.checklist.steps):
            return None
        return row + 1, self.checklist.steps[row]

    def _show_details(self, row: int) -> None:
        current = self.current_step()
        if current is None:
            self.details.clear()
            return
        _, step = current
        parts = [f"<h3>{escape(step.title)}</h3>"]
        if step.notes:
            parts.append(
                translate("agent", "<p><b>Til dig:</b> {notes}</p>").format(
                    notes=escape(step.notes)
                )
            )
        if step.citizen_text:
            parts.append(
                translate("agent", "<p><b>Borgeren ser:</b> <i>{text}</i></p>").format(
                    text=escape(step.citizen_text)
                )
            )
        else:
            parts.append(f"<p><i>{not_shown()}</i></p>")
        if step.link:
            parts.append(
                translate("agent", "<p><b>Link:</b> {link}</p>").format(link=escape(step.link))
            )
        self.details.setHtml("".join(parts))
        self._update_buttons()

    def _tick(self, item: QListWidgetItem) -> None:
        self.ticked.emit(self.steps.row(item) + 1, item.checkState() == Qt.CheckState.Checked)

    def _show_step(self) -> None:
        current = self.current_step()
        if current is not None and self.checklist is not None:
            number, step = current
            if step.for_citizen:  # the agent's title stays on the agent's side
                self.show_step.emit(number, len(self.checklist.steps), "", step.citizen_text)

    def _open_link(self) -> None:
        current = self.current_step()
        if current is not None and current[1].link:
            self.open_link.emit(current[0], current[1].link)

    def set_live(self, live: bool) -> None:
        """Buttons that reach the citizen work only while a session is running."""
        self._live = live
        self._update_buttons()

    def _update_buttons(self) -> None:
        current = self.current_step()
        shown = current is not None and current[1].for_citizen
        self.show_button.setEnabled(self._live and shown)
        self.show_button.setToolTip("" if current is None or shown else not_shown())
        self.link_button.setEnabled(self._live and current is not None and bool(current[1].link))

    def reset(self) -> None:
        self.checklist = None
        self._show_checklist(False)
        self.title.clear()
        self.steps.clear()
        self.details.clear()
        self.search.clear()
        self._update_buttons()
