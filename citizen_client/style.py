"""Look: large text, strong contrast, thick focus rings, big buttons.

The text size follows the computer's own: the platform's default text size times
:data:`FACTOR`, never below :data:`FLOOR_PT` (so a citizen who has turned up the text
size, e.g. with Windows' "Make text bigger", gets bigger text here too).  When the
computer asks for high contrast (Qt 6.10+ reads the platform setting), the client
sets no colours of its own: the platform's high-contrast palette shows, and only
sizes, borders and the focus ring (in the palette's own colours) are styled.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QApplication

FLOOR_PT = 18  # the smallest body text: the size the client was designed at
FACTOR = 2.0  # times the platform's default text (9 pt on Windows, 10 on Linux)
FRAME_COLOUR = QColor(230, 81, 0)  # strong orange: "someone else is driving"
RING_COLOUR = QColor(230, 81, 0)


def base_pt(system_pt: float) -> int:
    """The body text size for a platform whose default text is ``system_pt``."""
    return max(FLOOR_PT, round(system_pt * FACTOR))


def high_contrast(app: QGuiApplication) -> bool:
    """Has the citizen asked the computer for high contrast?  (Qt 6.10+; older Qt
    cannot tell, and the client's own strong-contrast colours are used.)"""
    accessibility = getattr(app.styleHints(), "accessibility", None)
    if accessibility is None:
        return False
    return bool(accessibility().contrastPreference() == Qt.ContrastPreference.HighContrast)


def stylesheet(base: int, colours: bool = True) -> str:
    """The client's style sheet for body text of ``base`` pt; ``colours=False`` keeps
    only sizes and shapes and draws borders in the palette's colours (high contrast)."""
    sheet = _sheet(base, lambda size: round(size * base / FLOOR_PT))
    if colours:
        return sheet
    sheet = _COLOUR.sub("", sheet)
    sheet = _FOCUS.sub(r"\1palette(highlight)", sheet)
    return _BORDER.sub(r"\1palette(window-text)", sheet)


_COLOUR = re.compile(r"(?<![-\w])(?:background|color|border-color|border-left-color): [^;]+;\s*")
_FOCUS = re.compile(r"(solid )#ffb300")
_BORDER = re.compile(r"(solid )#[0-9a-f]{6}")


def _sheet(base: int, pt: Callable[[int], int]) -> str:
    return f"""
QWidget {{ background: #ffffff; color: #000000; font-size: {base}pt; }}
QLabel#heading {{ font-size: {pt(24)}pt; font-weight: bold; }}
QLabel#code {{ font-size: {pt(48)}pt; font-weight: bold; letter-spacing: 4px;
              color: #000000; background: #fff8c4; border: 3px solid #000000;
              padding: 12px 24px; }}
QLabel#verifier {{ font-size: {pt(48)}pt; font-weight: bold; color: #000000;
                  background: #fff8c4; border: 3px solid #000000; padding: 8px 20px; }}
QLabel#detail {{ color: #1a1a1a; }}
QLabel#presence {{ color: #000000; background: #e8f5e9; border-left: 8px solid #1b5e20;
                  padding: 10px 16px; }}
QLabel#presence[busy="true"] {{ background: #eef3fb; border-left-color: #0b3d91; }}
QPushButton {{ background: #0b3d91; color: #ffffff; border: 3px solid #0b3d91;
              border-radius: 8px; padding: 12px 28px; min-height: 40px; font-weight: bold; }}
QPushButton:hover {{ background: #0d4fbd; }}
QPushButton:focus {{ border: 4px solid #ffb300; outline: none; }}
QPushButton#secondary {{ background: #ffffff; color: #0b3d91; border: 3px solid #0b3d91; }}
QPushButton#secondary:focus {{ border: 4px solid #ffb300; }}
QPushButton#danger {{ background: #b00020; border-color: #b00020; }}
QPushButton#danger:focus {{ border: 4px solid #ffb300; }}
QDialog {{ border: 4px solid #0b3d91; }}
QFrame#bar {{ background: #0b3d91; border: 2px solid #ffffff;
             font-size: {pt(14)}pt; }}
QFrame#bar QLabel {{ background: #0b3d91; color: #ffffff; font-weight: bold;
                    font-size: {pt(14)}pt; padding: 0 4px; }}
QFrame#bar[controlled="true"] {{ background: #e65100; }}
QFrame#bar[controlled="true"] QLabel {{ background: #e65100; color: #000000; }}
QFrame#bar QPushButton {{ background: #ffffff; color: #000000; border: 2px solid #ffffff;
                         border-radius: 5px; padding: 2px 10px; min-height: 0;
                         font-size: {pt(14)}pt; }}
QFrame#bar QPushButton:hover {{ background: #fff8c4; }}
QFrame#banner {{ background: #e8f5e9; border: 3px solid #1b5e20; }}
QFrame#banner QLabel {{ background: #e8f5e9; color: #000000; font-size: {pt(16)}pt; }}
QFrame#banner QLabel#heading {{ font-size: {pt(18)}pt; }}
QPushButton#fold {{ background: #1b5e20; color: #ffffff; border: 2px solid #ffffff;
                   border-radius: 5px; padding: 2px 12px; min-height: 0;
                   font-size: {pt(14)}pt; }}
QPushButton#fold:hover {{ background: #2e7d32; }}
QPushButton#about {{ background: transparent; color: #0b3d91; border: 2px solid transparent;
                    text-decoration: underline; font-weight: normal; font-size: {pt(14)}pt;
                    padding: 2px 6px; min-height: 0; }}
QPushButton#about:focus {{ border: 3px solid #ffb300; }}
"""


def apply(app: QApplication) -> None:
    """The client's look, sized from the platform's text size; no colours of our own
    when the computer is set to high contrast."""
    system = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont).pointSizeF()
    base = base_pt(system if system > 0 else app.font().pointSizeF())
    font = QFont(app.font())
    font.setPointSize(base)
    app.setFont(font)
    app.setStyleSheet(stylesheet(base, colours=not high_contrast(app)))
