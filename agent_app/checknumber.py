"""The check number, large, while the agent waits for the citizen's control consent.

That is the moment it matters: the citizen's *Tillad styring* dialog shows the same
four digits, and the agent reads them aloud so the citizen can tell that the helper
on the phone is the one asking to take over.  (At view consent the citizen has
nothing to compare, so the number is not shown large there; the toolbar always
has it in small type.)
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from qtlang import translate

CAPTION = QT_TRANSLATE_NOOP("agent", "Læs tallet op for borgeren:")
HINT = QT_TRANSLATE_NOOP(
    "agent",
    "Borgeren ser det samme tal i sit vindue og trykker »Tillad styring«, når tallene "
    "passer. Passer de ikke, skal borgeren trykke »Nej«.",
)


class CheckNumberBanner(QFrame):
    """Caption, the four digits in large type, and what the citizen should do."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkNumber")
        self.setStyleSheet(
            "QFrame#checkNumber { background: #e8f0fe; border: 2px solid #1a56b0;"
            " border-radius: 6px; } QLabel { color: #0b2a5b; background: transparent; }"
        )
        self.caption = QLabel(translate("agent", str(CAPTION)))
        self.caption.setFont(_font(16, bold=True))
        self.digits = QLabel()
        self.digits.setFont(_font(40, bold=True))
        self.digits.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(translate("agent", str(HINT)))
        self.hint.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 10, 16, 10)
        box.addWidget(self.caption, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.digits, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.hint)
        self.number = ""
        self.hide()

    def set_number(self, digits: str) -> None:
        self.number = digits
        self.digits.setText(" ".join(digits))
        self.digits.setAccessibleName(
            translate("agent", "Kontroltal {digits}").format(digits=digits)
        )
        self.setAccessibleName(f"{self.caption.text()} {digits}")

    def show_for(self, phase: str) -> None:
        """Shown only while the agent waits for the citizen's control consent."""
        self.setVisible(phase == "waiting_control" and bool(self.number))


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font
