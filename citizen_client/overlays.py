"""Always-on-top windows outside the main window: the sharing bar, the coloured
frame while controlled and the pointer highlight ring (the step banner is in
:mod:`citizen_client.banner`).

None of them ever takes the keyboard focus (:mod:`citizen_client.passive`): the
citizen's own application keeps it.  The frame and the ring are click-through.
The bar is a small strip docked at the bottom centre, above the taskbar - where it
covers least of a browser (never its tabs or address bar) - and the citizen can
drag it anywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QMouseEvent, QPainter, QPaintEvent, QRegion
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from citizen_client.passive import make_passive, overlay_flags
from citizen_client.style import FRAME_COLOUR, RING_COLOUR
from citizen_client.window import button, label, named

FRAME_WIDTH = 8
RING_SIZE = 120
RING_MS = 1500
RING_INNER = 18  # ring thickness in pixels
EDGE_GAP = 12  # between the bar and the bottom of the usable screen


def screen_rect() -> QRect:
    screen = QGuiApplication.primaryScreen()
    return screen.geometry() if screen is not None else QRect(0, 0, 1280, 800)


def usable_rect() -> QRect:
    """The primary screen without the taskbar/panels."""
    screen = QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)


class SharingBar(QFrame):
    """A small strip: what is happening, [Tag styringen tilbage], [Pause]/[Fortsæt],
    [Stop].  Mouse only - it never takes the focus; drag it by its text to move it."""

    pause_clicked = Signal()
    stop_clicked = Signal()
    take_back_clicked = Signal()

    def __init__(self) -> None:
        super().__init__(None, overlay_flags())
        self.setObjectName("bar")
        named(self, "sharing bar")
        self.text = label("sharing status", wrap=False)
        self.pause = button("pause")
        self.stop = button("stop")
        self.take_back = button("take back control")
        self.pause.clicked.connect(self.pause_clicked)
        self.stop.clicked.connect(self.stop_clicked)
        self.take_back.clicked.connect(self.take_back_clicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 4, 4)
        row.setSpacing(6)
        for w in (self.text, self.take_back, self.pause, self.stop):
            row.addWidget(w)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        make_passive(self)
        self.anchor: QPoint | None = None  # bottom centre, once the citizen moved it
        self._drag: QPoint | None = None

    def set_texts(self, text: str, pause: str, stop: str, take_back: str = "") -> None:
        self.text.setText(text)
        self.text.setAccessibleName(text)
        for btn, words in ((self.pause, pause), (self.stop, stop), (self.take_back, take_back)):
            btn.setText(words)
            btn.setAccessibleName(words or btn.accessibleName())
        self.take_back.setVisible(bool(take_back))
        self.pause.setVisible(bool(pause))
        if self.property("controlled") != bool(take_back):
            self.setProperty("controlled", bool(take_back))
            for w in (self, *self.findChildren(QWidget)):
                self.style().unpolish(w)
                self.style().polish(w)
        self.adjustSize()
        self._place()

    def _place(self) -> None:
        area = usable_rect()
        anchor = self.anchor or QPoint(area.center().x(), area.bottom() - EDGE_GAP)
        self._move_within(QPoint(anchor.x() - self.width() // 2, anchor.y() - self.height()))

    def _move_within(self, top_left: QPoint) -> None:
        area = screen_rect()
        x = min(max(top_left.x(), area.left()), area.right() - self.width() + 1)
        y = min(max(top_left.y(), area.top()), area.bottom() - self.height() + 1)
        self.move(x, y)

    # dragging: the bar moves with the mouse and stays where it is let go ----------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.globalPosition().toPoint() - self.pos()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drag is not None:
            self._move_within(event.globalPosition().toPoint() - self._drag)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if self._drag is not None:
            self._drag = None
            self.setCursor(Qt.CursorShape.OpenHandCursor)
            self.anchor = QPoint(self.x() + self.width() // 2, self.y() + self.height())


class ControlFrame:
    """Four thin click-through windows around the screen while the agent controls it."""

    def __init__(self) -> None:
        self.edges = [self._edge() for _ in range(4)]

    @staticmethod
    def _edge() -> QWidget:
        edge = QWidget(None, overlay_flags(click_through=True))
        edge.setObjectName("frame-edge")
        named(edge, "control frame")
        edge.setStyleSheet(f"background: {FRAME_COLOUR.name()};")
        edge.setProperty("shown_to_agent", True)  # tells the agent it is in control
        make_passive(edge)
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
        super().__init__(None, overlay_flags(click_through=True))
        self.setObjectName("highlight")
        named(self, "pointer highlight")
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setProperty("shown_to_agent", True)  # the agent sees where it pointed
        make_passive(self)
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
