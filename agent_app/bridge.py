"""The one place where the network thread meets the GUI thread.

:class:`Bridge` is created on the GUI thread.  The endpoint calls :meth:`deliver`
on its network thread; the event is re-emitted through a queued connection, so
every slot connected to :attr:`received` runs on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot


class Bridge(QObject):
    """Thread-safe ``deliver(event)`` -> GUI-thread ``received(object)`` signal.

    Not named ``event``: that would shadow ``QObject.event``, the virtual every
    QEvent goes through.
    """

    received = Signal(object)
    _incoming = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._incoming.connect(self._relay, Qt.ConnectionType.QueuedConnection)

    def deliver(self, event: object) -> None:
        """Call from any thread; never touches a widget."""
        self._incoming.emit(event)

    @Slot(object)
    def _relay(self, event: object) -> None:
        self.received.emit(event)
