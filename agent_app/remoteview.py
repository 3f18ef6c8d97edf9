"""The citizen's screen: painted incrementally, scaled to fit or 1:1, with their cursor.

:class:`RemoteCanvas` keeps its own QImage of the citizen's screen (GUI thread
only) and patches it from :class:`~agent_app.frames.FrameUpdate` regions, then
repaints just the widget area those regions cover.  It maps mouse positions back
to the citizen's pixels and reports input as signals; what is *sent* is decided by
:class:`~agent_app.remoteinput.InputRouter`.  :class:`RemoteView` is the scroll
area around it (1:1 mode scrolls; fit mode scales).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from agent_app.frames import FrameUpdate
from agent_app.remoteinput import BUTTONS, key_message
from cobrowse.session import events as ev
from qtlang import translate

_CURSOR = QPolygonF(
    [
        QPointF(0, 0),
        QPointF(0, 17),
        QPointF(4.5, 13),
        QPointF(8, 20),
        QPointF(10.5, 19),
        QPointF(7.2, 12),
        QPointF(12.5, 12),
    ]
)
_MIN_CURSOR_SCALE = 1.0
"""The citizen's pointer image keeps at least its own size when the view scales the
screen down, so the agent can always find it."""
_MODE_CURSORS = {
    "view": Qt.CursorShape.ArrowCursor,
    "point": Qt.CursorShape.PointingHandCursor,
    "control": Qt.CursorShape.CrossCursor,
}


class RemoteCanvas(QWidget):
    moved = Signal(int, int)
    button = Signal(int, int, str, bool)
    wheeled = Signal(int, int, int, int)
    key = Signal(object)  # cobrowse.session.events.Key
    escape = Signal()  # Esc in control mode: leave control
    painted = Signal(int)  # frame_id, after the update is applied

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.fit = True
        self.mode = "view"
        self.overlay = translate("agent", "Venter på borgerens skærm …")
        self._cursor: tuple[int, int] | None = None
        self._shape: tuple[QImage, QPointF] | None = None  # the citizen's pointer image
        self._held: dict[int, str] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAccessibleName(translate("agent", "Borgerens skærm"))

    # --- state from the session ------------------------------------------------

    def apply(self, update: FrameUpdate) -> bool:
        """Patch the image with the update's regions and repaint only those.

        An update that is not a whole screen needs the picture it patches: on a
        cleared or differently sized image it is dropped (False), never painted on black.
        """
        if self.image.size().toTuple() != (update.width, update.height):
            if not update.full:
                return False
            self.image = QImage(update.width, update.height, QImage.Format.Format_RGB32)
            self.image.fill(QColor("black"))
            self.updateGeometry()
            self.update()
        painter = QPainter(self.image)
        for rect, patch in update.patches:
            painter.drawImage(rect.topLeft(), patch)
        painter.end()
        for rect, _ in update.patches:
            self.update(self._to_widget(QRectF(rect)).toAlignedRect().adjusted(-1, -1, 1, 1))
        self.painted.emit(update.frame_id)
        return True

    def set_cursor_position(self, x: int, y: int, visible: bool) -> None:
        old = self._cursor
        self._cursor = (x, y) if visible else None
        for pos in (old, self._cursor):
            if pos is not None:
                self.update(self._cursor_rect(pos))

    def set_cursor_shape(self, shape: ev.CursorShape) -> None:
        """Draw the citizen's own pointer image (else a generic arrow)."""
        old = self._cursor_rect(self._cursor) if self._cursor is not None else None
        image = QImage(
            shape.rgba,
            shape.width,
            shape.height,
            shape.width * 4,
            QImage.Format.Format_RGBA8888_Premultiplied,
        ).copy()
        self._shape = (image, QPointF(shape.hot_x, shape.hot_y))
        if self._cursor is not None:
            assert old is not None
            self.update(old.united(self._cursor_rect(self._cursor)))

    def set_overlay(self, text: str) -> None:
        if text != self.overlay:
            self.overlay = text
            self.update()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._held.clear()
        self.setCursor(_MODE_CURSORS.get(mode, Qt.CursorShape.ArrowCursor))

    def clear(self) -> None:
        """Forget the citizen's screen and pointer (pause, end): only the overlay is painted."""
        self.image = QImage()
        self._cursor = self._shape = None
        self._held.clear()
        self.update()

    # --- geometry ----------------------------------------------------------------

    def scale(self) -> float:
        """Widget (logical) pixels per citizen pixel."""
        if self.image.isNull():
            return 1.0
        if not self.fit:
            return 1.0 / self.devicePixelRatioF()  # one citizen pixel per device pixel
        return min(self.width() / self.image.width(), self.height() / self.image.height())

    def _offset(self) -> QPointF:
        s = self.scale()
        return QPointF(
            max(0.0, (self.width() - self.image.width() * s) / 2),
            max(0.0, (self.height() - self.image.height() * s) / 2),
        )

    def _to_widget(self, rect: QRectF) -> QRectF:
        s, off = self.scale(), self._offset()
        return QRectF(
            off.x() + rect.x() * s, off.y() + rect.y() * s, rect.width() * s, rect.height() * s
        )

    def to_remote(self, pos: QPointF) -> tuple[int, int] | None:
        """Citizen pixel under a widget position, or None outside the screen."""
        if self.image.isNull():
            return None
        s, off = self.scale(), self._offset()
        x, y = int((pos.x() - off.x()) / s), int((pos.y() - off.y()) / s)
        if 0 <= x < self.image.width() and 0 <= y < self.image.height():
            return x, y
        return None

    def natural_size(self) -> tuple[int, int]:
        dpr = self.devicePixelRatioF()
        return round(self.image.width() / dpr), round(self.image.height() / dpr)

    def _cursor_rect(self, pos: tuple[int, int]) -> QRect:
        if self._shape is not None:
            return self._shape_target(pos).toAlignedRect().adjusted(-2, -2, 2, 2)
        area = self._to_widget(QRectF(pos[0], pos[1], 1, 1)).toAlignedRect()
        return area.adjusted(-2, -2, 16, 24)

    def _shape_target(self, pos: tuple[int, int]) -> QRectF:
        """Where the pointer image goes: its hot spot on ``pos``, scaled up with the screen."""
        assert self._shape is not None
        image, hot = self._shape
        tip = self._to_widget(QRectF(pos[0], pos[1], 0, 0)).topLeft()
        s = max(self.scale(), _MIN_CURSOR_SCALE)
        return QRectF(
            tip.x() - hot.x() * s, tip.y() - hot.y() * s, image.width() * s, image.height() * s
        )

    # --- painting ----------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#2b2b2b"))
        if not self.image.isNull():
            self._paint_image(painter, QRectF(event.rect()))
        if self._cursor is not None:
            self._paint_cursor(painter)
        if self.overlay:
            self._paint_overlay(painter)
        painter.end()

    def _paint_image(self, painter: QPainter, exposed: QRectF) -> None:
        s, off = self.scale(), self._offset()
        target = self._to_widget(QRectF(self.image.rect())).intersected(exposed)
        if target.isEmpty():
            return
        source = QRectF(
            (target.x() - off.x()) / s,
            (target.y() - off.y()) / s,
            target.width() / s,
            target.height() / s,
        )
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, s < 0.999 or s > 1.001)
        painter.drawImage(target, self.image, source)

    def _paint_cursor(self, painter: QPainter) -> None:
        assert self._cursor is not None
        if self._shape is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self._shape_target(self._cursor), self._shape[0])
            return
        tip = self._to_widget(QRectF(self._cursor[0], self._cursor[1], 0, 0)).topLeft()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(tip)
        painter.setPen(QColor("white"))
        painter.setBrush(QColor("black"))
        painter.drawPolygon(_CURSOR)
        painter.restore()

    def _paint_overlay(self, painter: QPainter) -> None:
        painter.fillRect(self.rect(), QColor(0, 0, 0, 150))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(
            self.rect().adjusted(24, 24, -24, -24),
            Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
            self.overlay,
        )

    # --- input -------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = self.to_remote(event.position())
        if pos is not None:
            self.moved.emit(*pos)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._button(event, True)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._button(event, False)

    def _button(self, event: QMouseEvent, pressed: bool) -> None:
        pos, name = self.to_remote(event.position()), BUTTONS.get(event.button())
        if pos is not None and name is not None:
            self.button.emit(pos[0], pos[1], name, pressed)

    def wheelEvent(self, event: QWheelEvent) -> None:
        pos = self.to_remote(event.position())
        if pos is not None and self.mode == "control":
            angle = event.angleDelta()
            self.wheeled.emit(pos[0], pos[1], angle.x(), angle.y())
            event.accept()
        else:
            event.ignore()  # let the scroll area scroll in 1:1 mode

    def event(self, event: QEvent) -> bool:
        # In control mode every key goes to the citizen: no app shortcuts, no Tab focus moves.
        if self.mode == "control" and event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if self.mode == "control" and event.type() == QEvent.Type.KeyPress:
            self.keyPressEvent(event)  # type: ignore[arg-type]
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.mode == "control" and event.key() == Qt.Key.Key_Escape:
            self.escape.emit()
            return
        self._key(event, True)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() != Qt.Key.Key_Escape:
            self._key(event, False)

    def _key(self, event: QKeyEvent, pressed: bool) -> None:
        msg = key_message(event, pressed) if self.mode == "control" else None
        if msg is None:
            event.ignore()
            return
        # Release what was pressed, even if the layout names the key differently on
        # release (shift let go first, AltGr): the physical key identifies it.
        physical = event.nativeScanCode() or event.key()
        if pressed:
            self._held[physical] = msg.code
        elif physical in self._held:
            msg = ev.Key(self._held.pop(physical), "", False)
        self.key.emit(msg)


class RemoteView(QScrollArea):
    """Scroll area around the canvas: fit (scaled, no scrolling) or 1:1 (scrolls)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = RemoteCanvas()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidget(self.canvas)
        self.setWidgetResizable(True)
        self.canvas.painted.connect(self._follow_size)

    def set_fit(self, fit: bool) -> None:
        self.canvas.fit = fit
        self.setWidgetResizable(fit)
        self._follow_size()
        self.canvas.update()

    def _follow_size(self) -> None:
        if not self.canvas.fit and not self.canvas.image.isNull():
            size = self.canvas.natural_size()
            if (self.canvas.width(), self.canvas.height()) != size:
                self.canvas.resize(*size)
