"""The "Om" box: which program this is, its version, whose hotline it calls, and
that the relay in between never sees the screen (what a careful citizen, or the
relative helping them, wants to check)."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox, QWidget

from citizen_client.texts import phrase
from cobrowse import __version__


def about_text(hotline_name: str) -> str:
    lines = [
        f"<b>{escape(phrase('title'))}</b>",
        escape(phrase("about_version", version=__version__)),
    ]
    if hotline_name:
        lines.append(escape(phrase("about_hotline", hotline=hotline_name)))
    return "<br>".join(lines) + f"<p>{escape(phrase('about_privacy'))}</p>"


def show_about(parent: QWidget, hotline_name: str) -> QMessageBox:
    """Shown without blocking; "Luk" (Qt's own Close, in the window's language) or
    Esc closes it."""
    box = QMessageBox(QMessageBox.Icon.Information, phrase("about_title"), "", parent=parent)
    box.setObjectName("about-box")
    box.setTextFormat(box.textFormat().RichText)
    box.setText(about_text(hotline_name))
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.button(QMessageBox.StandardButton.Close).setIcon(QIcon())  # the word is enough
    box.setAccessibleName(phrase("about_title"))
    box.open()
    return box
