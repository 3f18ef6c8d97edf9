"""Look: large text, strong contrast, thick focus rings, big buttons."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

BASE_PT = 18
CODE_PT = 48
HEADING_PT = 24
BAR_PT = 14  # the sharing bar: a small strip, still big bold text
STEP_PT = 16
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
QFrame#bar {{ background: #0b3d91; border: 2px solid #ffffff;
             font-size: {BAR_PT}pt; }}
QFrame#bar QLabel {{ background: #0b3d91; color: #ffffff; font-weight: bold;
                    font-size: {BAR_PT}pt; padding: 0 4px; }}
QFrame#bar[controlled="true"] {{ background: #e65100; }}
QFrame#bar[controlled="true"] QLabel {{ background: #e65100; color: #000000; }}
QFrame#bar QPushButton {{ background: #ffffff; color: #000000; border: 2px solid #ffffff;
                         border-radius: 5px; padding: 2px 10px; min-height: 0;
                         font-size: {BAR_PT}pt; }}
QFrame#bar QPushButton:hover {{ background: #fff8c4; }}
QFrame#banner {{ background: #e8f5e9; border: 3px solid #1b5e20; }}
QFrame#banner QLabel {{ background: #e8f5e9; color: #000000; font-size: {STEP_PT}pt; }}
QFrame#banner QLabel#heading {{ font-size: {STEP_PT + 2}pt; }}
QPushButton#fold {{ background: #1b5e20; color: #ffffff; border: 2px solid #ffffff;
                   border-radius: 5px; padding: 2px 12px; min-height: 0;
                   font-size: {BAR_PT}pt; }}
QPushButton#fold:hover {{ background: #2e7d32; }}
"""


ACCENT = "#0b3d91"  # buttons and frames; a hotline's branding may set its own


def apply(app: QApplication, accent: str = ACCENT) -> None:
    font = QFont(app.font())
    font.setPointSize(BASE_PT)
    app.setFont(font)
    app.setStyleSheet(STYLESHEET.replace(ACCENT, accent))
