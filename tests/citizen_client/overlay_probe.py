"""Run by test_desktop_overlays.py as a child process on the test's desktop
(QT_QPA_PLATFORM=xcb): the real citizen windows over a real browser, with the real
screen streamer; the session itself is a fake endpoint driven by commands.

Reads one command per line on stdin, answers one JSON line per command on stdout,
and reports every phase change as ``{"phase": ...}``.  Coordinates are desktop
pixels (the desktop has a device pixel ratio of 1).
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

import mss.tools
import numpy as np
from citizen_fakes import CODE, FakeEndpoint, Rig
from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWidget

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.bridge import EventBridge
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.hidden import DARK, LIGHT
from cobrowse.screen.streamer import ScreenStreamer
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentJoined, CodeReady
from cobrowse.session.state import State


def say(**fields: object) -> None:
    print(json.dumps(fields), flush=True)


def rect(w: QWidget) -> list[int]:
    g = w.frameGeometry()
    return [g.x(), g.y(), g.width(), g.height()]


def centre(w: QWidget) -> list[int]:
    c = w.mapToGlobal(w.rect().center())
    return [c.x(), c.y()]


class Probe:
    def __init__(self) -> None:
        self.rig = Rig()
        devices = Devices(self.rig.injector, ScreenStreamer, self.rig.listeners)
        self.app = CitizenApp(CitizenConfig(relay_url="ws://127.0.0.1:1/v1"), FakeEndpoint, devices)
        self.view = self.app.view
        self.phase = ""
        self.timer = QTimer()
        self.timer.timeout.connect(self._watch)
        self.timer.start(20)

    def _watch(self) -> None:
        if self.view.phase != self.phase:
            self.phase = self.view.phase
            say(phase=self.phase)

    def when(self, done: Any, then: Any) -> None:
        """Call ``then()`` once ``done()`` is true (checked on the event loop)."""
        if done():
            then()
        else:
            QTimer.singleShot(20, lambda: self.when(done, then))

    def run(self, command: object) -> None:
        getattr(self, f"do_{str(command).strip()}")()

    def do_start(self) -> None:
        self.app.start()
        self.app.handle(CodeReady(CODE))
        self.when(self._exposed(self.view.window), lambda: say(ready=rect(self.view.window)))

    def do_view(self) -> None:
        self.app.handle(AgentJoined("Anna Jensen", "Albertslund"))
        self.app.handle(ev.Paired("4812"))
        self.app.handle(ev.Secured())
        self.app.endpoint.session.state = State.PAIRED
        self.app.handle(ev.ConsentRequest("view"))
        yes = self.view.view_dialog.yes
        self.when(self._exposed(self.view.view_dialog), lambda: say(yes=centre(yes)))

    def do_restore(self) -> None:
        """The citizen brings the client's window back and clicks into it."""
        self.view.window.showNormal()
        self.view.window.raise_()
        self.view.window.activateWindow()
        self.when(lambda: self.view.window.isActiveWindow(), lambda: say(restored=True))

    def do_control(self) -> None:
        self.app.endpoint.session.state = State.VIEWING
        self.app.handle(ev.ConsentRequest("control"))
        yes = self.view.control_dialog.yes
        self.when(self._exposed(self.view.control_dialog), lambda: say(yes=centre(yes)))

    def do_step(self) -> None:
        text = "Skriv dit navn og din adresse. Tryk derefter på 'Send ansøgning'."
        self.app.handle(ev.ShowStep(2, 5, "Tjek at borgeren er klar", text))
        self.when(self._exposed(self.view.banner), self.do_state)

    def do_state(self) -> None:
        v = self.view
        say(
            bar=rect(v.bar),
            pause=centre(v.bar.pause),
            banner=rect(v.banner) if v.banner.isVisible() else None,
            tab=rect(v.banner.tab),
            tab_centre=centre(v.banner.tab),
            folded=v.banner.folded,
            focus=getattr(QGuiApplication.focusWindow(), "objectName", lambda: None)(),
            step=v.banner.text.text(),
        )

    def do_grab(self) -> None:
        """A fresh whole frame through the real streamer, decoded as the agent would."""
        frames: list[tuple[int, bytes]] = self.app.endpoint.frames
        known = len(frames)
        self.app.share.reset()
        self.when(lambda: len(frames) > known, lambda: self._decode(frames[known:]))

    def _decode(self, new: list[tuple[int, bytes]]) -> None:
        comp = Compositor()
        comp.apply(new[0][1])
        assert comp.frame is not None
        rgb = np.ascontiguousarray(comp.frame[:, :, [2, 1, 0]]).tobytes()
        mss.tools.to_png(rgb, (comp.frame.shape[1], comp.frame.shape[0]), output=sys.argv[1])
        v = self.view
        parts = {"bar": v.bar, "tab": v.banner.tab, "banner": v.banner, "main": v.window}
        shown = {k: w for k, w in parts.items() if w.isVisible() and not w.isMinimized()}
        say(hatched={k: hatched(comp.frame, w) for k, w in shown.items()})

    def do_quit(self) -> None:
        self.app.shutdown()
        self.view.dispose()
        QApplication.quit()

    @staticmethod
    def _exposed(w: QWidget) -> Any:
        return lambda: (
            w.isVisible() and w.windowHandle() is not None and w.windowHandle().isExposed()
        )


def hatched(frame: Any, w: QWidget) -> float:
    """Share of the window's area that shows the grey hatch in ``frame``."""
    g: QRect = w.frameGeometry()
    area = frame[g.y() : g.y() + g.height(), g.x() : g.x() + g.width()]
    light = np.all(area == np.array(LIGHT, np.uint8), axis=2)
    dark = np.all(area == np.array(DARK, np.uint8), axis=2)
    return float((light | dark).mean())


def main() -> None:
    qt = QApplication([])
    style.apply(qt)
    probe = Probe()
    commands = EventBridge(probe.run)

    def read() -> None:
        for line in sys.stdin:
            commands.post(line)

    threading.Thread(target=read, daemon=True).start()
    qt.exec()


if __name__ == "__main__":
    main()
