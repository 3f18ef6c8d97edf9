"""Run by test_shield.py as a child process on the test's Xvfb (QT_QPA_PLATFORM=xcb):
the real injector against the client's own consent dialog.  Prints one JSON line."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QRect
from PySide6.QtWidgets import QApplication

from citizen_client.dialogs import AskDialog
from citizen_client.overlays import ControlFrame
from citizen_client.shielding import ShieldPublisher
from cobrowse.control import Monitor
from cobrowse.control.system import create_injector
from cobrowse.session import events as ev


def until(app: QApplication, done: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Run the event loop until ``done()`` (the probe is its own event loop)."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
    return True


def main() -> None:
    app = QApplication([])
    dialog = AskDialog("link")
    frame = ControlFrame()
    publisher = ShieldPublisher([dialog, *frame.edges])
    shield = publisher.shield
    dialog.set_texts("cobrowse", "Åbn linket?", "", "Åbn", "Nej")
    dialog.setGeometry(1000, 600, 720, 300)
    presses: list[bool] = []
    dialog.yes.clicked.connect(lambda: presses.append(True))
    dialog.show()
    centre = dialog.yes.mapToGlobal(dialog.yes.rect().center())
    x, y = centre.x(), centre.y()
    result: dict[str, object] = {"shielded": until(app, lambda: shield.covers(x, y))}
    dialog.activateWindow()
    result["focused"] = until(app, lambda: shield.focused)

    injector = create_injector(lambda: True, Monitor(0, 0, 1920, 1080))
    injector.shield = shield
    result["click_refused"] = not injector.handle(ev.PointerButton(x, y, "left", True))
    injector.handle(ev.PointerButton(x, y, "left", False))
    result["key_refused"] = not injector.handle(ev.Key("enter", "", True))
    injector.handle(ev.Key("enter", "", False))

    shield.publish((), False)  # positive control: unshielded, the same click lands
    injector.handle(ev.PointerButton(x, y, "left", True))
    injector.handle(ev.PointerButton(x, y, "left", False))
    result["unshielded_click_landed"] = until(app, lambda: bool(presses))
    result["presses"] = len(presses)  # 1: the refused click and key never arrived

    dialog.hide()
    result["hidden_released"] = until(app, lambda: not shield.covers(x, y))
    frame.show_around(QRect(0, 0, 1920, 1080))
    app.processEvents()
    result["frame_click_through"] = not shield.covers(5, 5)
    print(json.dumps(result), flush=True)
    publisher.close()
    frame.hide()
    for window in (dialog, *frame.edges):  # gone before the QApplication, in order
        window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


if __name__ == "__main__":
    main()
