"""The start page: type the citizen's code and follow the progress.

The check number is not shown here: at view consent the citizen has nothing to compare
it with (see :mod:`agent_app.checknumber`)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from agent_app import texts
from cobrowse.session.codes import CODE_DIGITS, EXAMPLE_CODE
from qtlang import translate

_BUSY = ("joining", "pairing", "waiting_view")


def _big(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class CodePage(QWidget):
    """Emits :attr:`join_requested` with the typed text; the session parses it."""

    join_requested = Signal(str)
    ask_again = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.greeting = QLabel()
        self.code = QLineEdit()
        self.code.setPlaceholderText(EXAMPLE_CODE)
        self.code.setFont(_big(26))
        self.code.setMaxLength(20)
        self.code.setAccessibleName(translate("agent", "Borgerens kode"))
        self.connect_button = QPushButton("&Forbind")
        self.connect_button.setFont(_big(14))
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.setWordWrap(True)
        self.progress = QLabel()
        self.progress.setFont(_big(14))
        self.again = QPushButton(translate("agent", "Spørg borgeren igen"))
        self.code.returnPressed.connect(self._submit)
        self.connect_button.clicked.connect(self._submit)
        self.code.textEdited.connect(lambda _: self.error.clear())
        self.again.clicked.connect(self.ask_again)
        self._layout()
        self.show_phase("ready")

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.code, 1)
        row.addWidget(self.connect_button)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.greeting)
        box.addWidget(
            QLabel(
                translate(
                    "agent",
                    "<h1>Ny borger</h1>Skriv koden, som borgeren læser op "
                    "({digits} cifre, mellemrum er valgfrie):",
                ).format(digits=CODE_DIGITS)
            )
        )
        box.addLayout(row)
        box.addWidget(self.error)
        box.addSpacing(16)
        box.addWidget(self.progress)
        box.addWidget(self.again, 0, Qt.AlignmentFlag.AlignLeft)
        box.addStretch(2)
        self.setMaximumWidth(720)

    def set_greeting(self, display_name: str, municipality: str) -> None:
        self.greeting.setText(
            translate("agent", "Logget ind som <b>{name}</b> ({municipality})").format(
                name=escape(display_name), municipality=escape(municipality)
            )
        )

    def _submit(self) -> None:
        if self.code.isEnabled():
            self.join_requested.emit(self.code.text())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.code.setFocus()
        self.code.selectAll()

    def show_phase(self, phase: str) -> None:
        busy = phase in _BUSY or phase == "view_denied"
        self.code.setEnabled(not busy)
        self.connect_button.setEnabled(not busy)
        self.progress.setText(texts.phase_text(phase) if phase != "ready" else "")
        self.again.setVisible(phase == "view_denied")
        if phase == "joining":
            self.error.clear()
        if phase == "signed_out":  # the relay line is gone: no "Logget ind som ..." left
            self.greeting.clear()

    def reset(self) -> None:
        self.code.clear()
        self.error.clear()
        self.show_phase("ready")
        self.code.setFocus()
