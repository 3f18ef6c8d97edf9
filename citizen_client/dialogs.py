"""Questions to the citizen: may the agent see the screen, control it, open a link?

A dialog is never run with ``exec()`` (that would nest the event loop): it is
shown and answers through :attr:`AskDialog.answered` (True = yes).  It stays on
top so it is not lost behind the citizen's browser.  Esc and closing the window
count as "no".
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QVBoxLayout

from citizen_client.texts import phrase
from citizen_client.window import button, label


class AskDialog(QDialog):
    """Question, detail, optional big number, [yes] [no]."""

    answered = Signal(bool)
    gone = Signal()  # hidden, answered or not: the focus may go back to the citizen's app

    def __init__(self, kind: str) -> None:
        super().__init__(None, Qt.WindowType.Dialog | Qt.WindowType.WindowStaysOnTopHint)
        self.kind = kind
        self.setObjectName(f"ask-{kind}")
        self.setMinimumWidth(720)
        self.question = label("question", "heading")
        self.detail = label("detail", "detail")
        self.number = label("number", "verifier", wrap=False)
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.hide()
        self.yes = button("yes")
        self.no = button("no", "secondary")
        for b in (self.yes, self.no):
            b.setAutoDefault(True)  # Enter presses the button that has the focus
        self.yes.clicked.connect(lambda: self._answer(True))
        self.no.clicked.connect(lambda: self._answer(False))
        self._done = False
        self._layout()

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.addWidget(self.yes)
        row.addSpacing(24)
        row.addWidget(self.no)
        row.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 28, 32, 28)
        box.addWidget(self.question)
        box.addSpacing(8)
        box.addWidget(self.detail)
        box.addWidget(self.number, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addSpacing(20)
        box.addLayout(row)

    def set_texts(
        self, title: str, question: str, detail: str, yes: str, no: str, number: str = ""
    ) -> None:
        self.setWindowTitle(title)
        self.question.setText(question)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.number.setText(number)
        self.number.setAccessibleName(number.replace(" ", "") or phrase("a11y:number"))
        self.number.setVisible(bool(number))
        self.yes.setText(yes)
        self.yes.setAccessibleName(yes)
        self.no.setText(no)
        self.no.setAccessibleName(no)

    def ask(self, focus_yes: bool) -> None:
        """Show without blocking; the keyboard focus starts on the chosen button."""
        self._done = False
        self.show()
        self.raise_()
        self.activateWindow()
        (self.yes if focus_yes else self.no).setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def withdraw(self) -> None:
        """Close without an answer (the question no longer applies)."""
        self._done = True
        if self.isVisible():
            self.hide()
            self.gone.emit()

    def _answer(self, yes: bool) -> None:
        if self._done:
            return
        self._done = True
        self.hide()
        self.answered.emit(yes)
        self.gone.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Escape:
            self._answer(False)
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self._answer(False)
        super().closeEvent(event)
