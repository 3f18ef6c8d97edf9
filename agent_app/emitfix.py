"""Hands back the reference to ``True`` that PySide6 6.12.0's ``Signal.emit`` drops.

In PySide6 6.12.0 every Python-side ``signal.emit(...)`` releases one reference to
``True`` that it never took (6.11.3 does not; a signal Qt emits from C++ is not
affected).  ``True`` starts with about 3,000 references in the agent app, and a
session emits that many signals within minutes (every network event passes two
signals, every frame two, every mouse move one).  When the count reaches zero
CPython aborts with ``Fatal Python error: bool_dealloc … refcount error in a C
extension`` - mid-session, or while the app closes and the interpreter lets go
of its last references.

:func:`install` measures whether the running PySide6 has the leak and only then
wraps ``SignalInstance.emit`` so that each call gives the reference back.  On a
sound PySide6 it changes nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

log = logging.getLogger(__name__)
PROBE_EMITS = 64
_lock = threading.Lock()
_installed = False


class _Probe(QObject):
    ping = Signal()


def emit_leak(emits: int = PROBE_EMITS) -> int:
    """References to ``True`` that ``emits`` calls of ``emit`` lose (0 when sound)."""
    probe = _Probe()
    probe.ping.emit()  # the first call may set up caches of its own
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1.0)  # no other thread moves the count while we measure
    try:
        before = sys.getrefcount(True)
        for _ in range(emits):
            probe.ping.emit()
        lost = before - sys.getrefcount(True)
    finally:
        sys.setswitchinterval(interval)
    return lost


def install() -> bool:
    """Wrap ``SignalInstance.emit`` if this PySide6 leaks; True when the wrap is on."""
    global _installed
    with _lock:
        if _installed:
            return True
        lost = emit_leak()
        if lost == 0:
            return False
        if lost % PROBE_EMITS or lost < 0:
            log.warning("PySide6 %s: Signal.emit changes True's references oddly", _version())
            return False
        _wrap(lost // PROBE_EMITS)
        _installed = True
        log.info("PySide6 %s: Signal.emit leak worked around", _version())
        return True


def _wrap(per_call: int) -> None:
    original = SignalInstance.emit
    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    def emit(self: SignalInstance, *args: Any) -> Any:
        try:
            return original(self, *args)
        finally:  # the leak happens on every call, also one that raised
            for _ in range(per_call):
                incref(True)

    SignalInstance.emit = emit  # type: ignore[method-assign]


def _version() -> str:
    import PySide6

    return str(PySide6.__version__)
