"""The real citizen client in a process of its own, driven through its windows.

``python -m citizen_client.driver --relay URL`` runs the whole client (real screen
capture, real input injection and local-input listeners on ``$DISPLAY``) as
``cobrowse-citizen`` does, and takes a citizen's answers as JSON lines on stdin:

``allow`` / ``deny`` (``kind``: ``view`` or ``control`` - presses the question's
button), ``take_back`` (the sharing bar's button), ``stop`` (the bar's Stop),
``shot`` (``path``: the whole screen as PNG; with ``when: "ring"`` as soon as the
agent's pointer ring shows), ``quit``.

What the client shows is written to stdout as a JSON line whenever it changes
(:func:`screen`).  Used by ``cobrowse-local --headless`` to play a practice session.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.local.driven import read_commands
from cobrowse.session.endpoint import CitizenEndpoint

RING_WAIT_MS = 20_000


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
    }


class Driver(QObject):
    command = Signal(dict)

    def __init__(self, app: CitizenApp) -> None:
        super().__init__()
        self.app = app
        self._last = ""
        self._ring_shot = ""
        self._ring_waited = 0
        self.ring_shots = 0  # screenshots taken with the agent's pointer ring
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
        elif cmd == "shot" and msg.get("when") == "ring":
            self._ring_shot, self._ring_waited = msg["path"], 0
        elif cmd == "shot":
            shoot(msg["path"])
        elif cmd == "quit":
            view.window.close()
            QApplication.quit()
        self.done = msg.get("id", self.done)
        self.report(force=True)

    def _tick(self) -> None:
        if self._ring_shot:
            self._ring_waited += self._timer.interval()
            if self.app.view.ring.isVisible() or self._ring_waited > RING_WAIT_MS:
                shoot(self._ring_shot)
                self._ring_shot = ""
                self.ring_shots += 1
        self.report()

    def report(self, force: bool = False) -> None:
        state = {**screen(self.app), "ring_shots": self.ring_shots, "done": self.done}
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
    stdin = threading.Thread(target=read_commands, args=(sys.stdin, driver.command.emit))
    stdin.daemon = True
    stdin.start()
    code = qt.exec()
    app.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
