"""The statistics window's controls: the date fields, the municipality picker
(a supervisor's fixed to their own municipality) and the save dialog."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QFileDialog, QWidget

from agent_app.texts import MUNICIPALITIES
from qtlang import translate


class Viewer(NamedTuple):
    """Who looks: their role and their own municipality."""

    role: str
    municipality: str


def save_dialog(parent: QWidget, suggested: str) -> str:
    chosen, _ = QFileDialog.getSaveFileName(
        parent,
        translate("agent", "Gem kontaktregistreringer"),
        str(Path.home() / suggested),
        translate("agent", "CSV- og JSON-filer (*.csv *.json)"),
    )
    return chosen


def place_picker(viewer: Viewer | None) -> QComboBox:
    """A supervisor sees only their own municipality; anyone else picks one or all."""
    box = QComboBox()
    box.setAccessibleName(translate("agent", "Kommune"))
    if viewer is not None and viewer.role == "supervisor":
        box.addItem(viewer.municipality, viewer.municipality)
        box.setEnabled(False)
        box.setToolTip(translate("agent", "Som supervisor ser du din egen kommunes tal."))
        return box
    box.addItem(translate("agent", "Alle kommuner"), None)
    names = [m for m in MUNICIPALITIES[:-1]]  # not «Anden kommune»
    if viewer is not None and viewer.municipality not in names:
        names.append(viewer.municipality)
    for name in names:
        box.addItem(name, name)
    return box


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def day(edit: QDateEdit) -> date:
    chosen = edit.date()
    return date(chosen.year(), chosen.month(), chosen.day())
