"""The guidance step on the citizen's screen: a calm panel the mouse goes through,
and a small button that folds it away and back.

The panel (:class:`StepBanner`) is click-through: a click on it lands on the page
below, so it never blocks the form the citizen is filling in.  Only the fold
button (:class:`FoldTab`, a tiny window of its own just above the panel's corner)
takes clicks.  Folded, the panel is gone and the button says which step there is
to see.  A new step from the agent unfolds the panel again.  Both sit at the
bottom right, above the sharing bar's row, where a centred form has its margin.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QFrame, QPushButton, QVBoxLayout

from citizen_client.overlays import EDGE_GAP, usable_rect
from citizen_client.passive import make_passive, overlay_flags
from citizen_client.window import label, named

WIDTH = 400  # at most; less on a small screen
ABOVE_BAR = 64  # the panel's bottom edge above the usable screen's bottom


class FoldTab(QPushButton):
    """The one clickable part of the step guidance (a window of its own)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWindowFlags(overlay_flags())
        self.setObjectName("fold")
        named(self, "fold step")
        make_passive(self)


class StepBanner(QFrame):
    """Click-through panel: "Trin 3 af 7" and the step's text for the citizen."""

    folded_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__(None, overlay_flags(click_through=True))
        self.setObjectName("banner")
        named(self, "step")
        self.title = label("step", "heading")
        self.text = label("step text")
        box = QVBoxLayout(self)
        box.setContentsMargins(20, 12, 20, 14)
        box.addWidget(self.title)
        box.addWidget(self.text)
        make_passive(self)
        self.tab = FoldTab()
        self.tab.clicked.connect(self.toggle)
        self.folded = False
        self._words = ("", "")

    def show_step(self, title: str, text: str, fold: str, unfold: str) -> None:
        """Show (or, folded, offer) the step; ``fold``/``unfold`` label the button."""
        self.title.setText(title)
        self.title.setAccessibleName(title)
        self.text.setText(text)
        self.text.setAccessibleName(text)
        self._words = (fold, unfold)
        area = usable_rect()
        self.setFixedWidth(min(WIDTH, area.width() - 2 * EDGE_GAP))
        self.adjustSize()
        self._layout()

    def toggle(self) -> None:
        self.folded = not self.folded
        self._layout()
        self.folded_changed.emit(self.folded)

    def unfold(self) -> None:
        self.folded = False

    def withdraw(self) -> None:
        self.hide()
        self.tab.hide()

    def _layout(self) -> None:
        area = usable_rect()
        right, bottom = area.right() - EDGE_GAP, area.bottom() - ABOVE_BAR
        self.tab.setText(self._words[1] if self.folded else self._words[0])
        self.tab.setAccessibleName(self.tab.text())
        self.tab.adjustSize()
        if self.folded:
            self.hide()
            self.tab.move(QPoint(right - self.tab.width() + 1, bottom - self.tab.height() + 1))
        else:
            self.move(right - self.width() + 1, bottom - self.height() + 1)
            self.tab.move(QPoint(right - self.tab.width() + 1, self.y() - self.tab.height()))
            self.show()
        self.tab.show()
        self.tab.raise_()
