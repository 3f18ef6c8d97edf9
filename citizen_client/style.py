"""Look: large text, strong contrast, thick focus rings, big buttons."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

BASE_PT = 18
CODE_PT = 48
HEADING_PT = 24
FRAME_COLOUR = QColor(230, 81, 0)  # strong orange: "someone else is driving"
RING_COLOUR = QColor(230, 81, 0)

STYLESHEET = f"""
QWidget {{ background: #ffffff; color: #000000; font-size: {BASE_PT}pt; }}
QLabel#heading {{ font-size: {HEADING_PT}pt; font-weight: bold; }}
QLabel#code {{ font-size: {CODE_PT}pt; font-weight: bold; letter-spacing: 4px;
              color: #000000; background: #fff8c4; border: 3px solid #000000;
              padding: 12px 24px; }}
QLabel#verifier {{ font-size: {CODE_PT}pt; font-weight: bold; color: #000000;
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
QFrame#bar {{ background: #0b3d91; border: 3px solid #ffffff; }}
QFrame#bar QLabel {{ background: #0b3d91; color: #ffffff; font-weight: bold; }}
QFrame#bar[controlled="true"] {{ background: #e65100; }}
QFrame#bar[controlled="true"] QLabel {{ background: #e65100; color: #000000; }}
QFrame#bar QPushButton {{ background: #ffffff; color: #000000; border: 3px solid #ffffff; }}
QFrame#bar QPushButton:focus {{ border: 4px solid #ffb300; }}
QFrame#banner {{ background: #e8f5e9; border: 3px solid #1b5e20; }}
QFrame#banner QLabel {{ background: #e8f5e9; color: #000000; }}
"""


def apply(app: QApplication) -> None:
    font = QFont(app.font())
    font.setPointSize(BASE_PT)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET)
