"""Run the agent app on a real X server with a relay and a scripted citizen; save PNGs.

    Xvfb :77 -screen 0 1440x900x24 &
    DISPLAY=:77 QT_QPA_PLATFORM=xcb python tests/agent_app/make_screenshots.py docs/screenshots
    ... make_screenshots.py /tmp/shots en     # the English UI, to check it

Not a test: a tool to look at every screen the agent sees (docs/screenshots/agent-*.png),
then a supervisor's: the *Statistik* action and the statistics window over sessions
uploaded through the relay.
"""

from __future__ import annotations

import queue
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mss
import mss.tools
import numpy as np
from PySide6.QtCore import QDate, QEventLoop, QSettings, QTimer
from PySide6.QtGui import QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from agent_app.app import AgentApp
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.session import events as ev
from cobrowse.session.endpoint import CitizenEndpoint, CodeReady
from cobrowse.sessionlog import SessionLog
from qtlang import install
from relay.accounts import AccountStore
from relay.config import RelayConfig
from relay.server import RelayThread


def spin(ms: int = 300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait(pred, timeout_ms: int = 10000) -> None:  # type: ignore[no-untyped-def]
    for _ in range(timeout_ms // 50):
        if pred():
            return
        spin(50)
    raise TimeoutError("condition not reached")


def ibeam() -> ev.CursorShape:
    """A text cursor as XFixes reports one: black bar and serifs, white outline."""
    rgba = np.zeros((19, 9, 4), np.uint8)
    rgba[:, 3:6] = rgba[0:3, 0:9] = rgba[16:19, 0:9] = (255, 255, 255, 255)
    rgba[1:18, 4] = rgba[1, 1:8] = rgba[17, 1:8] = (0, 0, 0, 255)
    return ev.CursorShape(9, 19, 4, 9, rgba.tobytes())


def citizen_screen() -> np.ndarray:
    """A mock borger.dk page, drawn with Qt, as (h, w, 4) BGRA."""
    image = QImage(1280, 800, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f4f4"))
    p = QPainter(image)
    p.fillRect(0, 0, 1280, 40, QColor("#dcdcdc"))
    p.setPen(QColor("#333"))
    p.drawText(16, 26, "https://www.borger.dk/bolig-og-flytning/flytning/flytning-anmeld-flytning")
    p.fillRect(0, 40, 1280, 90, QColor("#14143c"))
    p.setPen(QColor("white"))
    p.setFont(QFont("DejaVu Sans", 28, QFont.Weight.Bold))
    p.drawText(40, 100, "borger.dk")
    p.setPen(QColor("#14143c"))
    p.setFont(QFont("DejaVu Sans", 26, QFont.Weight.Bold))
    p.drawText(80, 200, "Anmeld flytning")
    p.setFont(QFont("DejaVu Sans", 14))
    for i, line in enumerate(
        (
            "Du skal anmelde din flytning senest 5 dage efter, du er flyttet.",
            "Du kan tidligst anmelde flytning 4 uger før.",
            "Du skal bruge MitID for at anmelde flytning.",
        )
    ):
        p.drawText(80, 250 + i * 32, line)
    p.fillRect(80, 370, 260, 56, QColor("#0059b3"))
    p.setPen(QColor("white"))
    p.drawText(150, 405, "Start ›")
    p.end()
    bits = image.constBits()
    return np.frombuffer(bits, np.uint8).reshape(800, 1280, 4).copy()


def shoot(widget: QWidget, path: Path) -> None:
    spin(400)
    geo = widget.frameGeometry()
    with mss.MSS() as sct:
        shot = sct.grab(
            {"left": geo.x(), "top": geo.y(), "width": geo.width(), "height": geo.height()}
        )
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))
    print("saved", path)


def main(out: Path) -> None:
    _qt_app = QApplication(sys.argv[:1])  # keep a reference for the whole run
    install("agent", sys.argv[2] if len(sys.argv) > 2 else "da")
    tmp = Path(tempfile.mkdtemp())
    accounts = AccountStore(tmp / "relay.db")
    accounts.add("anna", "Anna Jensen", "Albertslund", "hemmelig kode 1")
    accounts.add("sara", "Sara Holm", "Ballerup", "hemmelig kode 2", role="supervisor")
    relay = RelayThread(RelayConfig(host="127.0.0.1", port=0, data_dir=tmp, dev=True)).start()
    settings = QSettings(str(tmp / "agent.ini"), QSettings.Format.IniFormat)
    agent = AgentApp(settings, tmp / "sessions.db", tmp, relay.url, "anna")
    agent.window.confirm_end = lambda: True
    agent.window.move(0, 0)
    agent.start()
    dialog = agent.dialog
    dialog.password.setText("forkert")
    dialog.buttons.accepted.emit()
    wait(dialog.error.isVisible)
    shoot(dialog, out / "agent-signin-error.png")
    dialog.password.setText("hemmelig kode 1")
    dialog.buttons.accepted.emit()
    wait(lambda: agent.session.phase == "ready")
    events: queue.Queue[object] = queue.Queue()
    citizen = CitizenEndpoint(relay.url, events.put)
    citizen.start()
    code = next(
        e for e in iter(lambda: events.get(timeout=10), None) if isinstance(e, CodeReady)
    ).code
    page = agent.window.code_page
    page.code.setText("12 34")
    page.connect_button.click()
    shoot(agent.window, out / "agent-code-error.png")
    page.code.setText(code.display())
    page.connect_button.click()
    wait(lambda: agent.session.phase == "waiting_view")
    shoot(agent.window, out / "agent-waiting-consent.png")
    citizen.send(ev.ConsentGrant("view"))
    wait(lambda: agent.session.phase == "viewing")
    citizen.send(ev.ScreenInfo(((0, 0, 1280, 800), (1280, 0, 1920, 1080)), 0))
    encoder = FrameEncoder()
    citizen.send_frame(1, encoder.encode(citizen_screen()) or b"")
    citizen.send(ev.Cursor(200, 400, True))
    wait(lambda: not agent.window.canvas.image.isNull())
    panel = agent.window.checklists
    panel.search.setText("flytning")
    panel.search.returnPressed.emit()
    panel.steps.setCurrentRow(1)
    spin(2500)  # a ping or two for the status line
    shoot(agent.window, out / "agent-viewing-checklist.png")
    agent.window.toolbar.control.trigger()
    wait(lambda: agent.session.phase == "waiting_control")
    shoot(agent.window, out / "agent-waiting-control.png")
    citizen.send(ev.ConsentGrant("control"))
    wait(lambda: agent.session.phase == "controlling")
    citizen.send(ev.Cursor(330, 262, True))  # over a text field: the citizen's I-beam
    citizen.send(ibeam())
    wait(lambda: agent.window.canvas._shape is not None)
    shoot(agent.window, out / "agent-controlling.png")
    citizen.send(ev.ConsentRevoke("control"))
    wait(lambda: agent.session.phase == "viewing")
    citizen.send(ev.PrivacyPause())
    wait(lambda: agent.session.phase == "paused")
    shoot(agent.window, out / "agent-paused.png")
    citizen.send(ev.PrivacyResume())
    wait(lambda: agent.session.phase == "viewing")
    encoder.request_keyframe()  # the citizen's streamer sends the whole screen on resume
    citizen.send_frame(2, encoder.encode(citizen_screen()) or b"")
    wait(lambda: not agent.window.canvas.image.isNull())
    agent.window.tabs.setCurrentIndex(1)
    log_panel = agent.window.log_panel
    log_panel.municipality.setCurrentText("Ballerup")
    log_panel.note.setPlainText("Borgeren kendte ikke flyttedatoen.")
    citizen.send(ev.End("done"))
    wait(lambda: agent.session.phase == "ended")
    shoot(agent.window, out / "agent-session-ended-log.png")
    log_panel.outcome.setCurrentIndex(1)
    log_panel.end_button.click()
    wait(lambda: agent.session.phase == "ready")
    shoot(agent.window, out / "agent-ready-next.png")
    citizen.stop()
    relay_lost(agent, relay.url, out)
    agent.window.close()
    agent.shutdown()
    supervisor(relay.url, tmp, out)
    relay.stop()


def relay_lost(agent: AgentApp, url: str, out: Path) -> None:
    """The relay link breaks while the agent controls: the session ends on the spot."""
    events: queue.Queue[object] = queue.Queue()
    citizen = CitizenEndpoint(url, events.put)
    citizen.start()
    code = next(
        e for e in iter(lambda: events.get(timeout=10), None) if isinstance(e, CodeReady)
    ).code
    agent.window.code_page.code.setText(code.display())
    agent.window.code_page.connect_button.click()
    wait(lambda: agent.session.phase == "waiting_view")
    citizen.send(ev.ConsentGrant("view"))
    wait(lambda: agent.session.phase == "viewing")
    citizen.send_frame(1, FrameEncoder().encode(citizen_screen()) or b"")
    agent.window.toolbar.control.trigger()
    spin(300)
    citizen.send(ev.ConsentGrant("control"))
    wait(lambda: agent.session.phase == "controlling")
    endpoint = agent.session.endpoint
    assert endpoint is not None
    endpoint._net.call(lambda: endpoint._link and endpoint._link.ws.transport.abort())
    wait(agent.dialog.isVisible)
    shoot(agent.window, out / "agent-relay-lost.png")
    citizen.stop()


MARCH = [  # (day, hour in UTC, topic, citizen municipality, outcome, steps ticked)
    (4, 18, "Digital Post", "Ballerup", "solved", 3),
    (4, 19, "Flytning", "Herlev", "solved", 2),
    (5, 18, "Digital Post", "Ballerup", "citizen_finished_alone", 1),
    (6, 20, "MitID", "Albertslund", "referred_borger_dk", 0),
    (11, 18, "Digital Post", "Herlev", "not_solved", 1),
    (12, 19, "Flytning", "Ballerup", "solved", 2),
    (14, 18, "Digital Post", "Ballerup", "solved", 3),
]


def supervisor(url: str, tmp: Path, out: Path) -> None:
    """Sara's sessions reach the relay on sign-in; she opens *Statistik*."""
    times = iter([datetime(2024, 3, 4, tzinfo=UTC)])
    with SessionLog(tmp / "sara.db", clock=lambda: next(times)) as log:
        for day, hour, topic, where, outcome, ticked in MARCH:
            start = datetime(2024, 3, day, hour, 10 * ticked, tzinfo=UTC)
            times = iter(start + timedelta(minutes=4 * n) for n in range(20))
            sid = log.start_session(
                "sara",
                "Ballerup",
                citizen_municipality=where,
                topic=topic,
                checklist="digital-post",
                steps_total=3,
            )
            log.append(sid, "control_on")
            for step in range(1, ticked + 1):
                log.append(sid, "step_ticked", step=step)
            log.end_session(sid, outcome)
    settings = QSettings(str(tmp / "sara.ini"), QSettings.Format.IniFormat)
    app = AgentApp(settings, tmp / "sara.db", None, url, "sara")
    app.window.move(0, 0)
    app.start()
    app.dialog.password.setText("hemmelig kode 2")
    app.dialog.buttons.accepted.emit()
    wait(lambda: app.session.phase == "ready")
    wait(lambda: not app.recorder.log.pending_uploads())
    shoot(app.window, out / "agent-supervisor.png")
    app.window.toolbar.stats.trigger()
    stats = app.window.stats.window
    assert stats is not None
    stats.move(40, 40)
    wait(stats.show_button.isEnabled)
    stats.date_from.setDate(QDate(2024, 3, 1))
    stats.date_to.setDate(QDate(2024, 3, 31))
    stats.show_button.click()
    wait(lambda: stats.status.text().startswith("Period") and stats.show_button.isEnabled())
    stats.show_button.setFocus()
    shoot(stats, out / "agent-stats.png")
    app.window.close()
    app.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
