"""Publish where the client's own windows are, so the agent cannot click them.

:class:`ShieldPublisher` lives on the GUI thread.  It watches the client's
top-level windows it is given (shown, hidden, moved, resized, minimised - an
event filter on those windows only, not on every event of the application) and
the keyboard focus, and writes a snapshot of all visible top-level windows into
a :class:`cobrowse.control.shield.Shield` that the injector reads on the network
thread.  Click-through overlays (the control frame, the pointer ring, the step
banner) are left out: they never receive input.  The main window counts only
while it is the active window: behind the citizen's browser its rectangle is the
browser's page, and a click there must reach the page (the agent sees the page
there, not our window).

The same snapshot, click-through overlays included, goes to a
:class:`cobrowse.screen.hidden.HiddenAreas` that the capture thread hatches out of
the frames for the agent - so the agent sees where the citizen's own windows are
(and that a click there is refused) but nothing in them.  Two overlays stay in the
picture on purpose (property ``shown_to_agent``): the orange control frame and
the pointer ring are the agent's own feedback.  Windows the platform already keeps
out of captures (:func:`citizen_client.passive.excluded_from_capture`, the platform layer) are not
hatched.  Windows on the ``offscreen`` platform (tests) are not on any screen, so
nothing is published.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from citizen_client.passive import excluded_from_capture
from cobrowse.control.shield import Rect, Shield
from cobrowse.screen.hidden import HiddenAreas

_WATCHED = {
    QEvent.Type.Show,
    QEvent.Type.Hide,
    QEvent.Type.Move,
    QEvent.Type.Resize,
    QEvent.Type.WindowStateChange,
}


class ShieldPublisher(QObject):
    def __init__(self, watch: Iterable[QWidget], shield: Shield | None = None) -> None:
        super().__init__()
        self.shield = shield or Shield()
        self.hidden = HiddenAreas()
        self._watched = tuple(watch)
        for window in self._watched:
            window.installEventFilter(self)
        app = QGuiApplication.instance()
        assert isinstance(app, QGuiApplication)
        app.focusWindowChanged.connect(self.publish)
        self.publish()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _WATCHED:
            self.publish()  # at once: a dialog is shielded before it maps
            QTimer.singleShot(0, self.publish)  # and once the change has settled
        return False

    def publish(self, *_: object) -> None:
        if QGuiApplication.platformName() == "offscreen":
            self.shield.publish((), False)
            self.hidden.publish(())
            return
        self.shield.publish(self.windows(), QGuiApplication.focusWindow() is not None)
        self.hidden.publish(self.hidden_windows())

    @staticmethod
    def windows() -> list[Rect]:
        """Desktop rectangles (device pixels) of the client's visible, clickable windows."""
        return [
            _device_rect(w)
            for w in _visible()
            if not w.windowFlags() & Qt.WindowType.WindowTransparentForInput
        ]

    @staticmethod
    def hidden_windows() -> list[Rect]:
        """Desktop rectangles of the client's windows to hatch out of the agent's view."""
        return [
            _device_rect(w)
            for w in _visible()
            if not w.property("shown_to_agent") and not excluded_from_capture(w)
        ]

    def close(self) -> None:
        for window in self._watched:
            window.removeEventFilter(self)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.disconnect(self.publish)


def _visible() -> list[QWidget]:
    """Our windows the agent can see: shown, not minimised, and on top - an overlay or
    a dialog (always on top), or the main window while it is the active window (when
    the citizen works in the browser it lies behind, and its rectangle is the page)."""
    return [
        w
        for w in QApplication.topLevelWidgets()
        if w.isVisible()
        and not w.isMinimized()
        and (w.windowFlags() & Qt.WindowType.WindowStaysOnTopHint or w.isActiveWindow())
    ]


def _device_rect(w: QWidget) -> Rect:
    g, dpr = w.frameGeometry(), w.devicePixelRatioF()
    return round(g.x() * dpr), round(g.y() * dpr), round(g.width() * dpr), round(g.height() * dpr)
