"""Danish by default, English on request - ours and Qt's own texts; the "Om" box;
the text size and high contrast follow the computer's settings."""

from __future__ import annotations

from typing import Any

import pytest
from citizen_fakes import OFFSCREEN
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from citizen_client import style
from citizen_client.app import CitizenApp
from cobrowse import __version__

pytestmark = OFFSCREEN
YES_NO = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No


def button_texts(box: QMessageBox) -> list[str]:
    return sorted(b.text().replace("&", "") for b in box.buttons())


def menu_texts(edit: QLineEdit) -> list[str]:
    menu = edit.createStandardContextMenu()
    texts = [a.text().split("\t")[0].replace("&", "") for a in menu.actions()]
    menu.deleteLater()
    return texts


def test_qt_standard_buttons_and_menus_are_danish(citizen: CitizenApp, qtbot: Any) -> None:
    box = QMessageBox(QMessageBox.Icon.Question, "", "", YES_NO)
    qtbot.addWidget(box)
    assert button_texts(box) == ["Ja", "Nej"]
    edit = QLineEdit()
    qtbot.addWidget(edit)
    assert {"Fortryd", "Klip", "Kopiér", "Sæt ind"} <= set(menu_texts(edit))


def test_english_switches_our_texts_and_qts(citizen: CitizenApp, qtbot: Any) -> None:
    w = citizen.view.window
    assert (w.windowTitle(), w.about.text()) == ("Hjælp til din computer", "Om")
    assert w.status.heading.text() == "Forbinder …"
    w.language.click()
    assert (w.windowTitle(), w.about.text()) == ("Help with your computer", "About")
    assert (w.status.heading.text(), w.language.text()) == ("Connecting …", "Dansk")
    assert w.about.accessibleName() == "About the program"
    assert citizen.view.bar.accessibleName() == "Screen sharing"
    box = QMessageBox(QMessageBox.Icon.Question, "", "", YES_NO)
    qtbot.addWidget(box)
    assert button_texts(box) == ["No", "Yes"]
    w.language.click()
    assert w.status.heading.text() == "Forbinder …"
    assert w.about.accessibleName() == "Om programmet"
    assert citizen.view.bar.accessibleName() == "Skærmdeling"


def about_box() -> QMessageBox | None:
    boxes = [b for b in QApplication.topLevelWidgets() if b.objectName() == "about-box"]
    return next((b for b in boxes if b.isVisible()), None)  # type: ignore[misc]


def test_om_shows_version_hotline_and_privacy(citizen: CitizenApp, qtbot: Any) -> None:
    citizen.view.hotline_name = "Digital Hjælp Vestegnen"
    citizen.view.window.about.click()
    qtbot.waitUntil(lambda: about_box() is not None, timeout=5000)
    box = about_box()
    assert box is not None
    text = box.text()
    assert f"Version {__version__}" in text and "Digital Hjælp Vestegnen" in text
    assert "kan ikke se din skærm" in text
    assert box.windowTitle() == "Om programmet" and button_texts(box) == ["Luk"]
    box.button(QMessageBox.StandardButton.Close).click()
    qtbot.waitUntil(lambda: about_box() is None, timeout=5000)


def test_text_size_follows_the_platform_with_a_floor() -> None:
    assert style.base_pt(9) == 18  # Windows' default text: the designed size
    assert style.base_pt(6) == 18  # never smaller
    assert style.base_pt(14) == 28  # the citizen has turned the text size up
    assert "font-size: 28pt" in style.stylesheet(28) and "font-size: 75pt" in style.stylesheet(28)


def test_high_contrast_keeps_the_platforms_colours(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet, font = qapp.styleSheet(), qapp.font()
    monkeypatch.setattr(style, "high_contrast", lambda app: True)
    style.apply(qapp)
    applied = qapp.styleSheet()
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)
    assert "#" not in applied.replace("QLabel#", "").replace("QPushButton#", "").replace(
        "QFrame#", ""
    )
    assert "background" not in applied and "palette(highlight)" in applied
    assert "#0b3d91" in style.stylesheet(18)  # the client's own colours otherwise


def test_om_is_last_in_the_tab_order(citizen: CitizenApp) -> None:
    w = citizen.view.window
    chain, widget = [], w.nextInFocusChain()
    while widget is not w and len(chain) < 50:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    buttons = [b for b in chain if b in (w.language, w.status.action, w.status.second, w.about)]
    assert buttons == [w.language, w.status.action, w.status.second, w.about]
