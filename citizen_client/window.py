"""The one small window: a status page and a code page, the language button and
the small "Om" corner.

It only shows what :class:`citizen_client.app.CitizenApp` tells it; it holds no
session logic.  Every control has an accessible name for screen readers, in the
window's language (:func:`name_parts` renames them after a language switch).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from citizen_client.texts import phrase


def named(widget: QWidget, name: str) -> None:
    """Give ``widget`` the accessible name ``name`` (a key of the ``a11y:`` texts) in
    the installed language; :func:`name_parts` renames it after a switch."""
    widget.setProperty("a11y", name)
    widget.setAccessibleName(phrase("a11y:" + name))


def name_parts(top: QWidget) -> None:
    """Every named part of ``top`` gets its accessible name in the installed language
    (texts that name a part themselves are set again afterwards, by the view)."""
    for widget in (top, *top.findChildren(QWidget)):
        name = widget.property("a11y")
        if name:
            widget.setAccessibleName(phrase("a11y:" + str(name)))


def label(name: str, object_name: str = "", *, wrap: bool = True) -> QLabel:
    lab = QLabel()
    lab.setObjectName(object_name)
    lab.setWordWrap(wrap)
    named(lab, name)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


def button(name: str, object_name: str = "") -> QPushButton:
    btn = QPushButton()
    btn.setObjectName(object_name or name)
    named(btn, name)
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
    """The citizen's window.  ``language_clicked``, ``about_clicked`` and ``closing``
    go to the app."""

    language_clicked = Signal()
    about_clicked = Signal()
    closing = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("main")
        self.setMinimumSize(760, 480)
        self._placed = False
        self.language = button("language", "secondary")
        self.language.clicked.connect(self.language_clicked)
        self.about = button("about", "about")  # small, in the corner: who made this
        self.about.clicked.connect(self.about_clicked)
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
        # added last, so "Om" is last in the Tab order: the window opens with the focus
        # on the language button or the page's own buttons, never on the small link
        top.insertWidget(0, self.about, alignment=Qt.AlignmentFlag.AlignTop)

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

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """The first time only: in the middle of the main screen, where the citizen
        looks (window managers would put it in a corner).  Later the window comes
        back where it was - the citizen may have moved it."""
        if not self._placed and not event.spontaneous():
            self._placed = True
            screen = QGuiApplication.primaryScreen()
            if screen is not None:
                self.move(centred(self.size(), screen.availableGeometry()))
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.closing.emit()
        super().closeEvent(event)


def centred(size: QSize, area: QRect) -> QPoint:
    """Top-left corner that puts a window of ``size`` in the middle of ``area``, kept
    inside it (a window larger than the screen starts at its top-left corner)."""
    x = area.x() + max(0, (area.width() - size.width()) // 2)
    y = area.y() + max(0, (area.height() - size.height()) // 2)
    return QPoint(x, y)
