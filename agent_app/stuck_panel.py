"""The statistics window's "where citizens get stuck" part: per checklist, the step
where sessions most often ended unsolved or the agent had to take control
(the report's ``stuck`` list, docs/statistics.md), as a bar chart with the same
figures in words beside it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from agent_app.barchart import BarChart


class StuckPanel(QWidget):
    """A :class:`BarChart` (one bar per checklist: its worst step) and the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = BarChart("Værste trin pr. tjekliste (sessioner)")
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.text, 1, Qt.AlignmentFlag.AlignTop)

    def set_stuck(self, stuck: Sequence[dict[str, Any]]) -> None:
        """Show the report's ``stuck`` list (empty or missing: nothing to show)."""
        worst = [(c, _worst(c)) for c in stuck]
        shown = [(c, s) for c, s in worst if s is not None]
        self.chart.set_data(
            [(f"{c['checklist']}, trin {s['step']}", s["stuck"]) for c, s in shown] or [("–", 0)]
        )
        lines = [_line(c, s) for c, s in worst]
        self.text.setText("<br>".join(lines) or "Ingen tjeklister brugt i perioden.")
        self.chart.setAccessibleDescription(self.text.text().replace("<br>", ". "))


def _worst(checklist: dict[str, Any]) -> dict[str, Any] | None:
    return next((s for s in checklist["steps"] if s["step"] == checklist["worst"]), None)


def _line(checklist: dict[str, Any], step: dict[str, Any] | None) -> str:
    name = checklist["checklist"]
    if step is None:
        return f"{name}: ingen gik i stå ({checklist['sessions']} sessioner)"
    title = f" «{step['title']}»" if step.get("title") else ""
    return (
        f"{name}: trin {step['step']}{title} – {step['stuck']} af {checklist['sessions']} "
        f"sessioner ({step['ended_unsolved']} sluttede uløst, agenten tog styringen i "
        f"{step['control_taken']})"
    )
