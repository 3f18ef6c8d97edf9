"""Hands endpoint events from the network thread to the GUI thread.

Create the bridge on the GUI thread; ``post`` may be called from any thread.  The
signal is connected with ``Qt.QueuedConnection``, so the slot always runs on the
GUI thread's event loop and worker threads never touch a widget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal


class EventBridge(QObject):
    received = Signal(object)

    def __init__(self, slot: Callable[[object], None]) -> None:
        super().__init__()
        self.received.connect(slot, Qt.ConnectionType.QueuedConnection)

    def post(self, event: object) -> None:
        """Thread-safe: queue ``event`` for the GUI thread."""
        self.received.emit(event)
