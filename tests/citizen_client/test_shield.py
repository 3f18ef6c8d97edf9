"""The agent cannot answer the client's own questions: clicks on its windows and keys
while it has the focus are refused, on a real X server with the real injector."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from citizen_client.shielding import ShieldPublisher

pytestmark = pytest.mark.xvfb
ROOT = Path(__file__).resolve().parents[2]


def test_injector_cannot_click_or_type_into_the_clients_dialog(xvfb: Any) -> None:
    env = dict(
        os.environ,
        DISPLAY=xvfb.display,
        QT_QPA_PLATFORM="xcb",
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    done = subprocess.run(
        [sys.executable, "-X", "faulthandler", str(Path(__file__).with_name("shield_probe.py"))],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {
        "shielded": True,
        "focused": True,
        "click_refused": True,
        "key_refused": True,
        "unshielded_click_landed": True,
        "presses": 1,
        "hidden_released": True,
        "frame_click_through": True,
    }


def test_offscreen_windows_are_on_no_screen(qtbot: Any) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.setGeometry(10, 10, 300, 200)
    widget.show()
    publisher = ShieldPublisher([widget])
    try:
        assert not publisher.shield.covers(50, 50) and not publisher.shield.focused
    finally:
        publisher.close()
