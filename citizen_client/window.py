"""The one small window: a status page and a code page, plus the language button.

It only shows what :class:`citizen_client.app.CitizenApp` tells it; it holds no
session logic.  Every control has an accessible name for screen readers.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)


def label(name: str, object_name: str = "", *, wrap: bool = True) -> QLabel:
    lab = QLabel()
    lab.setObjectName(object_name)
    lab.setWordWrap(wrap)
    lab.setAccessibleName(name)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


def button(name: str, object_name: str = "") -> QPushButton:
    btn = QPushButton()
    btn.setObjectName(object_name or name)
    btn.setAccessibleName(name)
    btn.setAutoDefault(False)
    btn.setCursor(Qt.CursorShape.PointingHandCursor)
    return btn


class StatusPage(QWidget):
    """A heading, a sentence, and up to two buttons (the main one first)."""

    def __init__(self) -> None:
        super().__init__()
        self.heading = label("status", "heading")
        self.detail = label("status detail", "detail")
        self.action = button("status action")
        self.second = button("second action", "secondary")
        self.guide = button("guide", "secondary")  # "Se vejledningen igen" on the end screen
        for btn in (self.action, self.second, self.guide):
            btn.hide()
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.action)
        buttons.addWidget(self.second)
        buttons.addStretch(1)
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.heading)
        box.addSpacing(12)
        box.addWidget(self.detail)
        box.addSpacing(24)
        box.addLayout(buttons)
        box.addSpacing(16)
        box.addWidget(self.guide, alignment=Qt.AlignmentFlag.AlignLeft)  # a row of its own
        box.addStretch(1)


class CodePage(QWidget):
    """The session code, big, with what to do with it."""

    def __init__(self) -> None:
        super().__init__()
        self.note = label("note", "detail")
        self.heading = label("instruction", "heading")
        self.code = label("code", "code", wrap=False)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("hint", "detail")
        self.presence = label("hotline status", "presence")
        self.presence.hide()
        box = QVBoxLayout(self)
        box.addStretch(1)
        box.addWidget(self.note)
        box.addWidget(self.heading)
        box.addSpacing(16)
        box.addWidget(self.code, alignment=Qt.AlignmentFlag.AlignHCenter)
        box.addSpacing(16)
        box.addWidget(self.hint)
        box.addSpacing(16)
        box.addWidget(self.presence)
        box.addStretch(1)

    def show_presence(self, text: str, name: str, busy: bool) -> None:
        """The hotline's presence line ("an agent is ready" / "nobody is free"); ``""``
        hides it.  The accessible name is the sentence itself, so it is read out."""
        self.presence.setText(text)
        self.presence.setAccessibleName(text or name)
        self.presence.setAccessibleDescription(name)
        if self.presence.property("busy") != busy:
            self.presence.setProperty("busy", busy)
            self.presence.style().unpolish(self.presence)
            self.presence.style().polish(self.presence)
        self.presence.setVisible(bool(text))

    def show_code(self, digits: str, note: str = "") -> None:
        self.code.setText(digits)
        self.code.setAccessibleDescription(" ".join(digits.replace(" ", "")))
        self.note.setText(note)
        self.note.setVisible(bool(note))


class MainWindow(QWidget):
    """The citizen's window.  ``language_clicked`` and ``closing`` go to the app."""

    language_clicked = Signal()
    closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("main")
        self.setMinimumSize(760, 480)
        self.language = button("language", "secondary")
        self.language.clicked.connect(self.language_clicked)
        self.status = StatusPage()
        self.code = CodePage()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.status)
        self.pages.addWidget(self.code)
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.language)
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 20, 32, 32)
        box.addLayout(top)
        box.addWidget(self.pages, 1)

    def show_status(
        self, heading: str, detail: str = "", action: str = "", second: str = "", guide: str = ""
    ) -> None:
        self.status.heading.setText(heading)
        self.status.detail.setText(detail)
        self.status.detail.setVisible(bool(detail))
        for btn, text, name in (
            (self.status.action, action, "status action"),
            (self.status.second, second, "second action"),
            (self.status.guide, guide, "guide"),
        ):
            btn.setText(text)
            btn.setAccessibleName(text or name)
            btn.setVisible(bool(text))
        self.pages.setCurrentWidget(self.status)

    def show_code(self, heading: str, digits: str, hint: str, note: str = "") -> None:
        self.code.heading.setText(heading)
        self.code.hint.setText(hint)
        self.code.show_code(digits, note)
        self.pages.setCurrentWidget(self.code)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.closing.emit()
        super().closeEvent(event)
