"""Map the shared monitor (physical pixels, as mss and the agent see it) to Qt's
logical desktop coordinates, for the frame and the highlight ring."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QGuiApplication, QScreen

Rect = tuple[int, int, int, int]


def screen_for(monitor: Rect) -> QScreen | None:
    """The QScreen showing ``monitor`` (matched by its physical top-left corner)."""
    screens = QGuiApplication.screens()
    for screen in screens:
        g, dpr = screen.geometry(), screen.devicePixelRatio()
        if (round(g.x() * dpr), round(g.y() * dpr)) == (monitor[0], monitor[1]):
            return screen
    return QGuiApplication.primaryScreen()


def logical_rect(monitor: Rect) -> QRect:
    screen = screen_for(monitor)
    return screen.geometry() if screen is not None else QRect(*monitor)


def logical_point(monitor: Rect, x: int, y: int) -> QPoint:
    """Where (x, y) on the shared monitor is in Qt's coordinates."""
    screen = screen_for(monitor)
    if screen is None:
        return QPoint(monitor[0] + x, monitor[1] + y)
    g, dpr = screen.geometry(), screen.devicePixelRatio() or 1.0
    return QPoint(g.x() + round(x / dpr), g.y() + round(y / dpr))
