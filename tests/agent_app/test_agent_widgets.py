"""The agent app's small parts on their own: keys, modes, scaling, checklist panel, texts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from agent_helpers import QT_NOISE
from PySide6.QtCore import QPointF, QRect, Qt
from PySide6.QtGui import QImage, QKeyEvent

from agent_app import texts
from agent_app.checklistpanel import ChecklistPanel
from agent_app.frames import FrameUpdate
from agent_app.remoteinput import InputRouter, key_message
from agent_app.remoteview import RemoteView
from agent_app.statusline import RateMeter
from cobrowse.checklists import DEFAULT_FOLDER, load_folders
from cobrowse.session import events as ev

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)
K, M = Qt.Key, Qt.KeyboardModifier


def key(code: int, text: str = "", mods: Any = M.NoModifier) -> QKeyEvent:
    return QKeyEvent(QKeyEvent.Type.KeyPress, code, mods, text)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (key(K.Key_A, "a"), ("a", "a")),
        (key(K.Key_A, "A", M.ShiftModifier), ("a", "A")),
        (key(0xE6, "æ"), ("æ", "æ")),
        (key(0xD8, "Ø", M.ShiftModifier), ("ø", "Ø")),
        (key(K.Key_C, "\x03", M.ControlModifier), ("c", "")),
        (key(K.Key_2, "@", M.ControlModifier | M.AltModifier), ("@", "@")),  # AltGr on Windows
        (key(K.Key_Return, "\r"), ("enter", "")),
        (key(K.Key_Space, " "), ("space", " ")),
        (key(K.Key_F5), ("f5", "")),
        (key(K.Key_Control), ("ctrl", "")),
    ],
)
def test_key_names_and_text(event: QKeyEvent, expected: tuple[str, str]) -> None:
    msg = key_message(event, True)
    assert msg is not None and (msg.code, msg.text, msg.pressed) == (*expected, True)


def test_router_sends_input_only_in_control_and_highlights_in_point() -> None:
    sent: list[ev.Message] = []
    router = InputRouter(sent.append)
    router.move(1, 2)
    router.button(1, 2, "left", True)
    router.wheel(1, 2, 0, 120)
    router.key(ev.Key("a", "a", True))
    assert sent == []
    router.set_mode("point")
    router.move(1, 2)
    router.button(3, 4, "left", True)
    router.button(3, 4, "left", False)
    router.button(3, 4, "right", True)
    assert sent == [ev.Highlight(3, 4)]
    router.set_mode("control")
    router.wheel(5, 6, 0, 60)  # half a notch: nothing yet
    router.wheel(5, 6, 0, 60)
    router.key(ev.Key("æ", "æ", True))
    assert sent[1:] == [ev.Wheel(5, 6, 0, 1), ev.Key("æ", "æ", True)]


def _update(w: int, h: int) -> FrameUpdate:
    patch = QImage(w, h, QImage.Format.Format_RGB32)
    patch.fill(Qt.GlobalColor.white)
    return FrameUpdate(1, w, h, ((QRect(0, 0, w, h), patch),), 0)


def test_view_fits_and_maps_back_to_citizen_pixels(qtbot: Any) -> None:
    view = RemoteView()
    qtbot.addWidget(view)
    view.resize(420, 320)
    view.show()
    view.canvas.apply(_update(800, 600))
    canvas = view.canvas
    assert canvas.scale() == pytest.approx(min(canvas.width() / 800, canvas.height() / 600))
    centre = QPointF(canvas.width() / 2, canvas.height() / 2)
    x, y = canvas.to_remote(centre)  # type: ignore[misc]
    assert abs(x - 400) <= 2 and abs(y - 300) <= 2
    assert canvas.to_remote(QPointF(-5, -5)) is None


def test_one_to_one_is_one_citizen_pixel_per_device_pixel(qtbot: Any) -> None:
    view = RemoteView()
    qtbot.addWidget(view)
    view.resize(300, 200)
    view.show()
    view.canvas.apply(_update(800, 600))
    view.set_fit(False)
    dpr = view.canvas.devicePixelRatioF()
    assert view.canvas.scale() == pytest.approx(1 / dpr)
    assert view.canvas.size().toTuple() == (round(800 / dpr), round(600 / dpr))
    assert view.horizontalScrollBar().maximum() > 0


@pytest.mark.parametrize("factor", ["1", "2"])
def test_one_to_one_on_a_hidpi_screen_is_pixel_exact(factor: str) -> None:
    """In a child process with QT_SCALE_FACTOR: 1:1 mode paints each citizen pixel onto
    exactly one device pixel (a 1-px checkerboard survives) and maps clicks back."""
    env = dict(
        os.environ,
        QT_SCALE_FACTOR=factor,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("hidpi_probe.py"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    scale = int(factor)
    assert found["dpr"] == scale and found["exact"]
    assert found["logical"] == [200 // scale, 100 // scale]
    assert found["remote"] == [int(50.25 * scale), int(25.25 * scale)]


def test_checklist_panel_reports_broken_hotline_file(qtbot: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('title = "x"\ntopic = [\n', encoding="utf-8")
    panel = ChecklistPanel(load_folders([DEFAULT_FOLDER, tmp_path]))
    qtbot.addWidget(panel)
    assert "1 tjekliste" in panel.problems.text()
    assert f"{tmp_path / 'broken.toml'}:2" in panel.problems.toolTip()
    panel.search.setText("mitid")
    assert panel.results.count() == 1
    assert not panel.show_button.isEnabled()  # no session: nothing reaches a citizen


def test_texts_and_rate_meter() -> None:
    assert "spærret" in texts.sign_in_error("account_disabled")
    assert "relæet" in texts.sign_in_error("unreachable")
    assert "mangler 7" in texts.code_error("123")
    now = [0.0]
    meter = RateMeter(window=2.0, clock=lambda: now[0])
    for _ in range(10):
        meter.tick()
    assert meter.rate() == 5.0
    now[0] = 5.0
    assert meter.rate() == 0.0


def test_release_names_the_key_that_was_pressed(qtbot: Any) -> None:
    view = RemoteView()
    qtbot.addWidget(view)
    view.canvas.set_mode("control")
    sent: list[ev.Key] = []
    view.canvas.key.connect(sent.append)
    press = QKeyEvent(QKeyEvent.Type.KeyPress, K.Key_A, M.ShiftModifier, 38, 0, 0, "A")
    release = QKeyEvent(QKeyEvent.Type.KeyRelease, K.Key_A, M.NoModifier, 38, 0, 0, "a")
    view.canvas.keyPressEvent(press)
    view.canvas.keyReleaseEvent(release)
    assert sent == [ev.Key("a", "A", True), ev.Key("a", "", False)]
    view.canvas.set_mode("view")
    view.canvas.keyPressEvent(press)
    assert len(sent) == 2  # nothing in view mode


@pytest.mark.parametrize(
    "reason",
    [
        "done",
        "wrong_code",
        "security",
        "protocol",
        "connection_lost",
        "closed",
        "left",
        "denied",
        "timeout",
        "code_burnt",
        "relay_lost",
        "agent_closed",
        "account_disabled",
        "something_new",
    ],
)
@pytest.mark.parametrize("by_peer", [True, False])
def test_every_end_reason_is_said_in_danish_words(reason: str, by_peer: bool) -> None:
    text = texts.end_text(reason, by_peer)
    assert text.endswith(".") and reason not in text and "(" not in text
