"""Screenshots of every citizen screen on a private Xvfb (run by hand, not by pytest).

    /work/venv/bin/python tests/citizen_client/shoot_screens.py docs/screenshots

Starts Xvfb with openbox and Chromium showing cobrowse/local/practice/selfservice.html (the
tests' desktop), runs the real windows on it (QT_QPA_PLATFORM=xcb) with a fake
endpoint, walks through the phases and saves ``citizen-<phase>.png`` via mss.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [
    str(Path(__file__).parent),
    str(Path(__file__).parents[1]),
    str(Path(__file__).parents[2]),
]


def main(out: Path) -> None:
    from desktop import Desktop

    from cobrowse.local.xserver import Xvfb

    xvfb = Xvfb(1280, 800)
    os.environ["DISPLAY"], os.environ["QT_QPA_PLATFORM"] = xvfb.display, "xcb"
    desk = Desktop(xvfb.display)
    try:
        shoot(out)
    finally:
        desk.stop()
        xvfb.stop()


def shoot(out: Path) -> None:
    import mss
    import mss.tools
    from citizen_fakes import CODE, FakeEndpoint, Rig
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from citizen_client import style
    from citizen_client.app import CitizenApp
    from citizen_client.config import load
    from citizen_client.devices import Devices
    from cobrowse.hours import OpeningHours
    from cobrowse.session import events as ev
    from cobrowse.session.codes import SessionCode
    from cobrowse.session.endpoint import (
        AgentJoined,
        CodeReady,
        HotlineStatus,
        PeerLeft,
        Reconnecting,
        RelayUnreachable,
    )
    from cobrowse.session.state import State

    qt = QApplication([])
    style.apply(qt)
    rig = Rig()
    config = load(relay="ws://127.0.0.1:1/v1")
    app = CitizenApp(config, FakeEndpoint, Devices(rig.injector, rig.streamer, rig.listeners))
    app.view.window.move(200, 120)
    out.mkdir(parents=True, exist_ok=True)

    def snap(name: str) -> None:
        loop = QEventLoop()
        QTimer.singleShot(400, loop.quit)
        loop.exec()
        with getattr(mss, "MSS", mss.mss)() as grab:
            shot = grab.grab(grab.monitors[1])
            mss.tools.to_png(shot.rgb, shot.size, output=str(out / f"citizen-{name}.png"))

    app.start()
    snap("connecting")
    app.handle(RelayUnreachable("x", 5))
    snap("unreachable")
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # what the relay says then
    app.view.now = lambda: monday
    hours = OpeningHours()
    app.handle(
        HotlineStatus(
            False,
            message_da=hours.closed_message(monday, "da"),
            message_en=hours.closed_message(monday, "en"),
            next_opening=hours.next_opening(monday).isoformat(),
        )
    )
    snap("closed")
    app.handle(CodeReady(CODE))
    snap("code")
    app.handle(HotlineStatus(True, agents_online=0, waiting=2))
    snap("no-agent")
    app.handle(HotlineStatus(True, agents_online=1, waiting=2))
    snap("agent-ready")
    app.view.hotline_name = "Digital Hjælp Vestegnen"
    app.view.window.about.click()  # the "Om" corner
    snap("about")
    for box in QApplication.topLevelWidgets():
        if box.objectName() == "about-box":
            box.close()
    app.handle(AgentJoined("Anna Jensen", "Albertslund"))
    app.handle(ev.Paired("4812"))
    app.endpoint.session.state = State.PAIRED
    app.handle(ev.ConsentRequest("view"))
    snap("view-consent")
    app.view.view_dialog.yes.click()
    app.endpoint.session.state = State.VIEWING
    app.handle(ev.ShowStep(3, 7, "Log ind med MitID", "Klik på 'Log på' og log ind med dit MitID."))
    snap("sharing")
    app.view.banner.tab.click()
    snap("step-folded")
    app.view.banner.tab.click()
    app.handle(ev.ConsentRequest("control"))
    snap("control-consent")
    app.view.control_dialog.yes.click()
    app.endpoint.session.state = State.CONTROLLING
    app.handle(ev.Highlight(640, 420))
    snap("controlled")
    for code in ("ctrl", "alt", "delete"):
        app.router(ev.Key(code, "", True))
    snap("blocked-combo")
    app.view.combo_dialog.no.click()
    app.handle(ev.OpenLink("https://www.borger.dk/familie-og-boern"))
    snap("open-link")
    app.view.link_dialog.no.click()
    app.view.bar.pause.click()
    snap("paused")
    app.handle(Reconnecting("lost"))
    snap("reconnecting")
    app.handle(ev.Secured())  # back, still paused
    app.view.bar.pause.click()  # continue sharing
    app.handle(PeerLeft("connection_lost"))
    snap("helper-away")
    app.handle(ev.SessionEnded("done", True))
    snap("ended")
    app.view.toggle_language()
    snap("ended-en")
    app.view.toggle_language()
    app.view.window.status.action.click()  # "Nyt nummer"
    app.handle(CodeReady(CODE))
    app.handle(AgentJoined("Anna Jensen", "Albertslund"))
    app.handle(ev.Paired("4812"))
    app.handle(ev.ConsentRequest("view"))
    app.view.view_dialog.yes.click()
    app.handle(Reconnecting("lost"))
    app.handle(ev.SessionEnded("connection_lost", False))  # the relay was restarted
    app.handle(CodeReady(SessionCode("3180", "550927")))
    snap("new-code-after-loss")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
