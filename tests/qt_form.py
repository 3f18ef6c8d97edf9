"""A tiny Qt form on the real X server; reports what reaches it on stdout.

Run by test_xvfb_injection.py as a separate process (QT_QPA_PLATFORM=xcb), so
the test process's own offscreen QApplication is not involved.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget


def say(*parts: object) -> None:
    print(json.dumps(parts), flush=True)


class KeySpy(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            say("key", event.key(), event.text())
        return False


def centre(w: QWidget) -> list[int]:
    p = w.mapToGlobal(w.rect().center())
    return [p.x(), p.y()]


def main() -> int:
    app = QApplication(sys.argv)
    win = QWidget()
    win.setWindowTitle("form")
    edit = QLineEdit()
    yes, no = QPushButton("Ja"), QPushButton("Nej")
    box = QVBoxLayout(win)
    for w in (edit, yes, no):
        w.setMinimumHeight(60)
        box.addWidget(w)
    spy = KeySpy()
    edit.installEventFilter(spy)
    edit.textChanged.connect(lambda t: say("text", t))
    yes.clicked.connect(lambda: say("clicked", "Ja"))
    no.clicked.connect(lambda: say("clicked", "Nej"))
    win.setGeometry(300, 200, 500, 300)
    win.show()
    win.activateWindow()

    def ready() -> None:
        say("ready", {"edit": centre(edit), "Ja": centre(yes), "Nej": centre(no)})

    QTimer.singleShot(300, ready)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
