"""Hands endpoint events from the network thread to the GUI thread.

Create the bridge on the GUI thread; ``post`` may be called from any thread.  The
signal is connected, with ``Qt.QueuedConnection``, to a real slot of the bridge
itself, so the receiver is this QObject (no hidden receiver wrapping a bound
method): the slot always runs on the GUI thread's event loop, events still queued
when the bridge is deleted are discarded by Qt, and after :meth:`close` nothing
is delivered.  Worker threads never touch a widget.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot


class EventBridge(QObject):
    received = Signal(object)

    def __init__(self, handler: Callable[[object], None]) -> None:
        super().__init__()
        self._handler: Callable[[object], None] | None = handler
        self.received.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def post(self, event: object) -> None:
        """Thread-safe: queue ``event`` for the GUI thread."""
        self.received.emit(event)

    def close(self) -> None:
        """Deliver nothing from now on (call on the GUI thread)."""
        self._handler = None

    @Slot(object)
    def _deliver(self, event: object) -> None:
        if self._handler is not None:
            self._handler(event)
