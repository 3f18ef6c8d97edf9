"""The citizen client's own windows are out of the agent's reach.

While the agent controls the PC, a click on the client's own consent dialog
("Open this link?", "Allow Ctrl+Alt+Del?"), on the sharing bar or the main
window, or a key press while one of them has the keyboard focus, would let the
agent answer for the citizen.  :class:`Shield` holds where those windows are
(desktop pixels) and whether the client has the focus; the GUI thread publishes
it, the injector reads it on the network thread before each button, wheel and
key press.  Releases still go through, so nothing stays held.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

Rect = tuple[int, int, int, int]  # x, y, width, height in desktop pixels


class Shield:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rects: tuple[Rect, ...] = ()
        self._focused = False

    def publish(self, rects: Iterable[Rect], focused: bool) -> None:
        """The client's visible windows now, and whether one of them has the focus."""
        with self._lock:
            self._rects = tuple(rects)
            self._focused = focused

    def covers(self, x: int, y: int) -> bool:
        with self._lock:
            return any(rx <= x < rx + w and ry <= y < ry + h for rx, ry, w, h in self._rects)

    @property
    def focused(self) -> bool:
        with self._lock:
            return self._focused
