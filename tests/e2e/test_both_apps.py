"""Both real apps in one session, as on the hotline.

The agent app is driven through its own widgets; the citizen client runs with real
screen capture and real pynput injection on Xvfb, where a Qt form runs in its own
process; everything passes through a real relay on loopback.  The agent sees the
citizen's real screen pixel for pixel, types æøå into the form only after the
citizen allowed control, the citizen takes control back, and the agent's end of the
session reaches the citizen and the session log.
"""

from __future__ import annotations

import gc
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mss
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QImage
from qt_form_process import QtFormProcess

from agent_app.app import AgentApp
from citizen_client.app import CitizenApp
from citizen_client.config import CitizenConfig
from citizen_client.devices import Devices
from cobrowse.session.endpoint import CitizenEndpoint
from cobrowse.sessionlog import SessionLog

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")
pytestmark = [pytest.mark.xvfb, pytest.mark.qt_log_ignore("This plugin does not support")]
PASSWORD = "correct horse battery"
WAIT = 15_000


class World:
    def __init__(self, xvfb: Any, tmp_path: Path, qtbot: Any) -> None:
        store = relay_accounts.AccountStore(tmp_path / "relay.db")
        store.add("anna", "Anna Jensen", "Albertslund", PASSWORD, role="agent")
        self.relay = relay_server.RelayThread(
            relay_config.RelayConfig(host="127.0.0.1", port=0, data_dir=tmp_path, dev=True)
        )
        self.relay.start()
        self.form = QtFormProcess(xvfb.display)
        qtbot.waitUntil(lambda: self.form.has("ready"), timeout=WAIT)
        self.citizen = CitizenApp(
            CitizenConfig(relay_url=self.relay.url), CitizenEndpoint, Devices.system()
        )
        hotline = tmp_path / "hotline"
        hotline.mkdir()
        settings = QSettings(str(tmp_path / "agent.ini"), QSettings.Format.IniFormat)
        self.agent = AgentApp(settings, tmp_path / "sessions.db", hotline, self.relay.url, "anna")
        self.agent.window.confirm_end = lambda: True
        qtbot.addWidget(self.agent.window)

    def close(self) -> None:
        self.agent.shutdown()
        citizen = self.citizen
        citizen.shutdown()
        citizen.view.dispose()
        if citizen.devices.listeners is not None and not citizen.devices.listeners.stop():
            subprocess.run(["xdotool", "mousemove", "1", "1", "key", "shift"], check=True)
            citizen.devices.listeners.stop(5)
        self.form.stop()
        self.relay.stop()
        gc.collect()  # close pynput's X connections while the server still runs


@pytest.fixture
def world(xvfb: Any, tmp_path: Path, qtbot: Any) -> Iterator[World]:
    w = World(xvfb, tmp_path, qtbot)
    yield w
    w.close()


def agent_sees_the_screen(agent: AgentApp) -> bool:
    """The agent's picture equals the citizen's real screen, pixel for pixel."""
    image = agent.window.canvas.image
    if image.isNull():
        return False
    with mss.MSS() as grab:
        shot = grab.grab(grab.monitors[1])
    screen = np.frombuffer(shot.raw, np.uint8).reshape(shot.height, shot.width, 4)
    rgb32 = image.convertToFormat(QImage.Format.Format_RGB32)
    if (rgb32.width(), rgb32.height()) != (shot.width, shot.height):
        return False
    seen = np.frombuffer(rgb32.constBits(), np.uint8).reshape(shot.height, -1, 4)
    return bool(np.array_equal(seen[:, : shot.width, :3], screen[..., :3]))


def on_canvas(agent: AgentApp, x: int, y: int) -> QPoint:
    canvas = agent.window.canvas
    s, off = canvas.scale(), canvas._offset()
    return QPoint(int(off.x() + (x + 0.5) * s), int(off.y() + (y + 0.5) * s))


def test_agent_guides_citizen_through_the_real_apps(world: World, qtbot: Any) -> None:
    agent, citizen, form = world.agent, world.citizen, world.form
    window = agent.window
    # the pointer rests on the bare desktop (an earlier test may have left it on a field)
    subprocess.run(["xdotool", "mousemove", "1900", "1060"], check=True)
    citizen.start()
    agent.start()
    agent.dialog.password.setText(PASSWORD)
    agent.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: agent.session.phase == "ready", timeout=WAIT)
    qtbot.waitUntil(lambda: citizen.view.phase == "code", timeout=WAIT)

    # The citizen reads the code aloud; the agent types it and the citizen allows viewing.
    window.code_page.code.setText(citizen.view.code)
    window.code_page.connect_button.click()
    ask = citizen.view.view_dialog
    qtbot.waitUntil(ask.isVisible, timeout=WAIT)
    assert "Anna Jensen" in ask.question.text() and "Albertslund" in ask.question.text()
    ask.yes.click()
    qtbot.waitUntil(lambda: agent.session.phase == "viewing", timeout=WAIT)
    qtbot.waitUntil(lambda: agent_sees_the_screen(agent), timeout=WAIT)
    qtbot.waitUntil(lambda: window.canvas._shape is not None, timeout=WAIT)
    arrow = window.canvas._shape[0].copy()  # type: ignore[index]  # the citizen's pointer image
    assert citizen.view.bar.isVisible() and "Anna ser din skærm" == citizen.view.bar.text.text()

    # Control: the citizen sees the same check number the agent reads aloud.
    window.toolbar.control.trigger()
    ask = citizen.view.control_dialog
    qtbot.waitUntil(ask.isVisible, timeout=WAIT)
    digits = window.toolbar.verifier.text()
    assert ask.number.text().replace(" ", "") in digits and len(citizen.view.verifier or "") == 4
    ask.yes.click()
    qtbot.waitUntil(lambda: agent.session.phase == "controlling", timeout=WAIT)
    assert all(edge.isVisible() for edge in citizen.view.frame.edges)

    canvas = window.canvas
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=on_canvas(agent, *form.where["edit"]))
    qtbot.keyClicks(canvas, "Østergade 5, 2. th.")
    qtbot.waitUntil(lambda: form.has("text", "Østergade 5, 2. th."), timeout=WAIT)
    # over the text field the citizen's pointer is the form's I-beam, and so is the agent's
    qtbot.waitUntil(lambda: window.canvas._shape[0] != arrow, timeout=WAIT)  # type: ignore[index]
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=on_canvas(agent, *form.where["Ja"]))
    qtbot.waitUntil(lambda: form.has("clicked", "Ja"), timeout=WAIT)
    qtbot.waitUntil(lambda: agent_sees_the_screen(agent), timeout=WAIT)  # the typed text too

    # The citizen takes control back; the agent's keys no longer reach the form.
    citizen.view.bar.take_back.click()
    qtbot.waitUntil(lambda: agent.session.phase == "viewing", timeout=WAIT)
    assert not any(edge.isVisible() for edge in citizen.view.frame.edges)
    qtbot.keyClicks(canvas, "xyz")

    # The agent logs the outcome and ends; the citizen is told, nothing is left running.
    panel = window.log_panel
    panel.outcome.setCurrentIndex(1)
    panel.outcome.activated.emit(1)
    with qtbot.waitSignal(window.summary_ready, timeout=WAIT) as ended:
        window.end_session(confirm=False)
    qtbot.waitUntil(lambda: citizen.view.phase == "ended", timeout=WAIT)
    assert not citizen.view.bar.isVisible()
    assert not form.has("text", "Østergade 5, 2. th.x")
    summary = ended.args[0]
    kinds = [e.kind for e in SessionLog(agent.recorder.log.path).events(summary.session_id)]
    for kind in ("consent_granted", "control_on", "control_off", "outcome_set", "ended"):
        assert kind in kinds, kind
