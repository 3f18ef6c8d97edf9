"""Inline warning in the log panel: personal data in a note or topic about to be saved.

It says what was found (kinds and counts, not the data itself) and shows the text
as it would be saved masked; *Ret teksten* goes back to editing, *Gem maskeret*
saves the masked text.  The session log masks such data anyway
(``cobrowse.sessionlog.personal``); this lets the agent rephrase first.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cobrowse.sessionlog import personal
from qtlang import translate


class PrivacyWarning(QWidget):
    save_masked = Signal()
    edit = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.edit_button = QPushButton(translate("agent", "&Ret teksten"))
        self.mask_button = QPushButton(translate("agent", "Gem &maskeret"))
        self.edit_button.clicked.connect(self.edit)
        self.mask_button.clicked.connect(self.save_masked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.mask_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.text)
        box.addLayout(buttons)
        self.hide()

    def show_for(self, what: str, value: str) -> None:
        """Show the warning for ``value`` (``what`` is "Noten" or "Emnet")."""
        found = personal.describe(personal.find(value))
        self.text.setText(
            translate(
                "agent",
                "{what} indeholder personoplysninger ({found}). De må ikke stå i loggen. "
                "Ret teksten, eller gem den sådan: »{masked}«",
            ).format(what=what, found=found, masked=personal.mask(value))
        )
        self.show()
