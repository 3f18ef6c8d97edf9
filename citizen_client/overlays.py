"""Always-on-top windows outside the main window: the sharing bar, the coloured
frame while controlled, the pointer highlight ring and the step banner.

The frame and the ring are click-through (``WindowTransparentForInput``) and never
take the keyboard focus, so they cannot get in the citizen's way.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from citizen_client.style import FRAME_COLOUR, RING_COLOUR
from citizen_client.window import button, label

ON_TOP = Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint | Qt.WindowType.Tool
CLICK_THROUGH = (
    ON_TOP | Qt.WindowType.WindowTransparentForInput | Qt.WindowType.WindowDoesNotAcceptFocus
)
FRAME_WIDTH = 8
RING_SIZE = 120
RING_MS = 1500
RING_INNER = 18  # ring thickness in pixels


def _passive(widget: QWidget) -> None:
    widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)


def screen_rect() -> QRect:
    screen = QGuiApplication.primaryScreen()
    return screen.geometry() if screen is not None else QRect(0, 0, 1280, 800)


class SharingBar(QFrame):
    """Top-centre bar: what is happening, [Pause]/[Fortsæt], [Stop] or [Tag kontrollen
    tilbage].  It can take focus (it has buttons) but never steals it when shown."""

    pause_clicked = Signal()
    stop_clicked = Signal()
    take_back_clicked = Signal()

    def __init__(self) -> None:
        super().__init__(None, ON_TOP)
        self.setObjectName("bar")
        self.setAccessibleName("sharing bar")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.text = label("sharing status", wrap=False)
        self.pause = button("pause")
        self.stop = button("stop")
        self.take_back = button("take back control")
        self.pause.clicked.connect(self.pause_clicked)
        self.stop.clicked.connect(self.stop_clicked)
        self.take_back.clicked.connect(self.take_back_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 8, 10, 8)
        for w in (self.text, self.take_back, self.pause, self.stop):
            row.addWidget(w)
        row.insertStretch(1, 1)

    def set_texts(self, text: str, pause: str, stop: str, take_back: str = "") -> None:
        self.text.setText(text)
        self.text.setAccessibleName(text)
        for btn, words in ((self.pause, pause), (self.stop, stop), (self.take_back, take_back)):
            btn.setText(words)
            btn.setAccessibleName(words or btn.accessibleName())
        self.take_back.setVisible(bool(take_back))
        self.pause.setVisible(bool(pause))
        self.setProperty("controlled", bool(take_back))
        self.style().unpolish(self)
        self.style().polish(self)
        for child in self.findChildren(QWidget):
            self.style().unpolish(child)
            self.style().polish(child)
        self.adjustSize()
        self._place()

    def _place(self) -> None:
        area = screen_rect()
        self.move(area.x() + (area.width() - self.width()) // 2, area.y() + FRAME_WIDTH + 4)


class ControlFrame:
    """Four thin click-through windows around the screen while the agent controls it."""

    def __init__(self) -> None:
        self.edges = [self._edge() for _ in range(4)]

    @staticmethod
    def _edge() -> QWidget:
        edge = QWidget(None, CLICK_THROUGH)
        edge.setObjectName("frame-edge")
        edge.setAccessibleName("control frame")
        edge.setStyleSheet(f"background: {FRAME_COLOUR.name()};")
        _passive(edge)
        return edge

    def show_around(self, area: QRect) -> None:
        x, y, w, h, t = area.x(), area.y(), area.width(), area.height(), FRAME_WIDTH
        rects = [
            QRect(x, y, w, t),
            QRect(x, y + h - t, w, t),
            QRect(x, y, t, h),
            QRect(x + w - t, y, t, h),
        ]
        for edge, rect in zip(self.edges, rects, strict=True):
            edge.setGeometry(rect)
            edge.show()

    def hide(self) -> None:
        for edge in self.edges:
            edge.hide()

    def visible(self) -> bool:
        return all(edge.isVisible() for edge in self.edges)


class HighlightRing(QWidget):
    """A ring drawn for :data:`RING_MS` where the agent points."""

    def __init__(self) -> None:
        super().__init__(None, CLICK_THROUGH)
        self.setObjectName("highlight")
        self.setAccessibleName("pointer highlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        _passive(self)
        self.resize(RING_SIZE, RING_SIZE)
        # A ring-shaped window: only the ring exists, even without a compositor.
        whole = QRegion(0, 0, RING_SIZE, RING_SIZE, QRegion.RegionType.Ellipse)
        hole = QRegion(
            RING_INNER,
            RING_INNER,
            RING_SIZE - 2 * RING_INNER,
            RING_SIZE - 2 * RING_INNER,
            QRegion.RegionType.Ellipse,
        )
        self.setMask(whole.subtracted(hole))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(RING_MS)
        self.timer.timeout.connect(self.hide)

    def point_at(self, pos: QPoint) -> None:
        self.move(pos.x() - RING_SIZE // 2, pos.y() - RING_SIZE // 2)
        self.show()
        self.raise_()
        self.timer.start()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(Qt.GlobalColor.white)
        p.drawEllipse(self.rect())
        p.setBrush(RING_COLOUR)
        p.drawEllipse(self.rect().adjusted(4, 4, -4, -4))
        p.end()


class StepBanner(QFrame):
    """A calm banner at the bottom of the screen with the current guidance step."""

    def __init__(self) -> None:
        super().__init__(None, ON_TOP | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setObjectName("banner")
        self.setAccessibleName("step")
        _passive(self)
        self.title = label("step title", "heading")
        self.text = label("step text")
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 14, 24, 14)
        box.addWidget(self.title)
        box.addWidget(self.text)

    def show_step(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.title.setAccessibleName(title)
        self.text.setText(text)
        self.text.setVisible(bool(text))
        area = screen_rect()
        self.setFixedWidth(min(900, area.width() - 40))
        self.adjustSize()
        self.move(area.x() + (area.width() - self.width()) // 2, area.bottom() - self.height() - 60)
        self.show()
