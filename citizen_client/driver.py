"""The real citizen client in a process of its own, driven through its windows.

``python -m citizen_client.driver --relay URL`` runs the whole client (real screen
capture, real input injection and local-input listeners on ``$DISPLAY``) as
``cobrowse-citizen`` does, and takes a citizen's answers as JSON lines on stdin:

``allow`` / ``deny`` (``kind``: ``view`` or ``control`` - presses the question's
button), ``take_back`` (the sharing bar's button), ``stop`` (the bar's Stop),
``shot`` (``path``: the whole screen as PNG; with ``when: "ring"`` as soon as the
agent's pointer ring shows, with ``when: "window"`` as soon as the screen shows the
main window as it paints itself - see :func:`on_screen`), ``render`` (``path``: the
main window's own rendering as PNG), ``quit``.

What the client shows is written to stdout as a JSON line whenever it changes
(:func:`screen`).  Used by ``cobrowse-local --headless`` to play a practice session.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QWidget

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.local.driven import read_commands_in_background
from cobrowse.session.endpoint import CitizenEndpoint

RING_WAIT_MS = 20_000
SAME = 0.98  # share of pixels that must match: the window is there, not a bit of it


def screen(app: CitizenApp) -> dict[str, Any]:
    """What the citizen's windows show."""
    view = app.view
    return {
        "phase": view.phase,
        "code": view.code,
        "verifier": view.verifier or "",
        "asking": [d.kind for d in (view.view_dialog, view.control_dialog) if d.isVisible()],
        "bar": view.bar.text.text() if view.bar.isVisible() else "",
        "ring": view.ring.isVisible(),
        "step": view.banner.isVisible(),
        "armed": app.armed,
        "has_focus": QGuiApplication.focusWindow() is not None,  # keys would be ours
        "window_up": view.window.isActiveWindow() and not view.window.isMinimized(),
        "window_id": int(view.window.winId()),
        "window_rect": rect(view.window),
    }


def rect(window: QWidget) -> list[int]:
    """Where the window's inside is on the screen: x, y, width, height."""
    r = window.geometry()
    return [r.x(), r.y(), r.width(), r.height()]


def on_screen(window: QWidget) -> bool:
    """True once the screen's pixels show ``window`` as it paints itself.

    Qt (and the window manager's properties) call a window restored from minimised
    the moment the window manager has mapped and activated it, but the window
    manager may still be animating it in: openbox slides a 20-pixel title bar up from
    below the screen for 0.15 s before the frame gets its size.  Only the pixels say
    when the citizen can read it.
    """
    if not window.isVisible() or window.isMinimized():
        return False
    r = window.geometry()
    screen = QGuiApplication.primaryScreen().grabWindow(0, r.x(), r.y(), r.width(), r.height())
    own = window.grab().toImage()
    if screen.size() != own.size():
        return False
    return bool((pixels(screen.toImage()) == pixels(own)).all(axis=2).mean() >= SAME)


def pixels(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    row = rgb.bytesPerLine() // 4
    flat = np.frombuffer(rgb.constBits(), np.uint8, rgb.sizeInBytes())
    return flat.reshape(rgb.height(), row, 4)[:, : rgb.width(), :3]


class Driver(QObject):
    command = Signal(dict)

    def __init__(self, app: CitizenApp) -> None:
        super().__init__()
        self.app = app
        self._last = ""
        self._waiting: tuple[str, str] | None = None  # (path, "ring" or "window")
        self._waited = 0
        self.shots = {"ring": 0, "window": 0}  # screenshots taken once it showed
        self.done = 0  # the id of the last command done
        self.command.connect(self.do)
        self._timer = QTimer(self, interval=20)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def do(self, msg: dict[str, Any]) -> None:
        view, cmd = self.app.view, msg["cmd"]
        dialogs = {"view": view.view_dialog, "control": view.control_dialog}
        if cmd in ("allow", "deny"):
            dialog = dialogs[msg["kind"]]
            (dialog.yes if cmd == "allow" else dialog.no).click()
        elif cmd == "take_back":
            view.bar.take_back.click()
        elif cmd == "stop":
            view.bar.stop.click()
        elif cmd == "shot" and msg.get("when") in self.shots:
            self._waiting, self._waited = (msg["path"], msg["when"]), 0
        elif cmd == "shot":
            shoot(msg["path"])
        elif cmd == "render":
            view.window.grab().save(msg["path"])
        elif cmd == "quit":
            view.window.close()
            QApplication.quit()
        self.done = msg.get("id", self.done)
        self.report(force=True)

    def _tick(self) -> None:
        if self._waiting:
            path, when = self._waiting
            self._waited += self._timer.interval()
            view = self.app.view
            shown = view.ring.isVisible() if when == "ring" else on_screen(view.window)
            if shown or self._waited > RING_WAIT_MS:
                shoot(path)
                self._waiting = None
                self.shots[when] += 1
        self.report()

    def report(self, force: bool = False) -> None:
        shots = {f"{when}_shots": n for when, n in self.shots.items()}
        state = {**screen(self.app), **shots, "done": self.done}
        line = json.dumps(state, ensure_ascii=False)
        if force or line != self._last:
            self._last = line
            print(line, flush=True)


def shoot(path: str) -> None:
    """The whole screen, as the citizen sees it, to ``path`` (PNG)."""
    picture = QGuiApplication.primaryScreen().grabWindow(0)
    if not picture.save(path):
        print(f"citizen driver: could not save {path}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m citizen_client.driver")
    parser.add_argument("--relay", required=True)
    args = parser.parse_args(argv)
    qt = QApplication(sys.argv[:1])
    qt.setApplicationName("cobrowse-citizen")
    style.apply(qt)
    app = CitizenApp(CitizenConfig(relay_url=args.relay), CitizenEndpoint, Devices.system())
    driver = Driver(app)
    app.start()
    read_commands_in_background(driver.command.emit)
    code = qt.exec()
    app.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
