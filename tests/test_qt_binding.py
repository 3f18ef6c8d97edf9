"""The Qt binding itself must be sound: PySide6 6.12.0's Signal.emit drops a
reference to True on every Python-side call, and after a few thousand emits
(minutes of a session) CPython aborts with ``bool_dealloc``.  pyproject.toml
excludes that release; this test catches a binding with the same fault."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Probe(QObject):
    plain = Signal()
    carrying = Signal(object)

app = QCoreApplication([])
probe = Probe()
probe.plain.connect(lambda: None)
probe.carrying.connect(lambda value: None)
probe.plain.emit()
probe.carrying.emit(1)
before = sys.getrefcount(True)
for _ in range(500):
    probe.plain.emit()
    probe.carrying.emit(1)
print(before - sys.getrefcount(True))
"""


def test_signal_emit_keeps_reference_counts() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0", "PySide6's emit loses references to True"
