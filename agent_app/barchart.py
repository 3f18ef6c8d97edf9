"""A horizontal bar chart drawn with QPainter: a few bars need no plotting library
and no image hand-over between threads.  Screen readers get the figures as the
widget's accessible description."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#1f5f8b")


class BarChart(QWidget):
    """Horizontal bars with a label and a count each; ``set_data`` replaces them."""

    ROW = 20

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.data: list[tuple[str, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_data(self, data: Sequence[tuple[str, int]]) -> None:
        self.data = list(data)
        self.setAccessibleName(self.title)
        self.setAccessibleDescription("; ".join(f"{label}: {n}" for label, n in self.data))
        self.setFixedHeight(self.ROW * (len(self.data) + 1) + 8)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(360, self.ROW * (len(self.data) + 1) + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.drawText(
            QRectF(0, 0, self.width(), self.ROW), Qt.AlignmentFlag.AlignLeft, self.title
        )
        painter.setFont(self.font())
        metrics = QFontMetrics(self.font())
        label_w = max((metrics.horizontalAdvance(label) for label, _ in self.data), default=0) + 8
        count_w = metrics.horizontalAdvance("00000")
        top = max((n for _, n in self.data), default=0) or 1
        span = max(self.width() - label_w - count_w - 8, 10)
        for row, (label, count) in enumerate(self.data, start=1):
            y = row * self.ROW
            painter.drawText(
                QRectF(0, y, label_w - 6, self.ROW),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            width = span * count / top
            painter.fillRect(QRectF(label_w, y + 4, width, self.ROW - 8), BAR)
            painter.drawText(
                QRectF(label_w + width + 4, y, count_w, self.ROW),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                str(count),
            )
        painter.end()
