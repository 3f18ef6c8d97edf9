"""Helpers for the agent app tests: a fake decoder, frame payloads, a headless citizen."""

from __future__ import annotations

import queue
import struct
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from agent_app.app import AgentApp
from cobrowse import events as ev
from cobrowse.endpoint import CitizenEndpoint, CodeReady

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")

PASSWORD = "correct horse battery"
TIMEOUT = 10.0
QT_NOISE = "This plugin does not support propagateSizeHints"


class FakeCompositor:
    """Stand-in decoder: payload = <screen w, h, rect x, y, w, h> + raw BGRA rows."""

    def __init__(self) -> None:
        self.framebuffer = np.zeros((1, 1, 4), np.uint8)

    def apply(self, payload: bytes) -> list[tuple[int, int, int, int]]:
        sw, sh, x, y, w, h = struct.unpack_from("<6I", payload)
        if self.framebuffer.shape[:2] != (sh, sw):
            self.framebuffer = np.zeros((sh, sw, 4), np.uint8)
        pixels = np.frombuffer(payload, np.uint8, offset=24).reshape(h, w, 4)
        self.framebuffer[y:y + h, x:x + w] = pixels
        return [(x, y, w, h)]


def fake_frame(screen: tuple[int, int], rect: tuple[int, int, int, int],
               bgra: tuple[int, int, int, int]) -> bytes:
    x, y, w, h = rect
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[:] = bgra
    return struct.pack("<6I", *screen, x, y, w, h) + pixels.tobytes()


class Citizen:
    """A headless citizen endpoint; its events (network thread) go to a queue.

    Waiting spins the Qt event loop (qtbot.waitUntil), so the app keeps working
    while the test waits for the citizen to hear something.
    """

    def __init__(self, qtbot: Any, url: str) -> None:
        self.qtbot = qtbot
        self.events: queue.Queue[object] = queue.Queue()
        self.endpoint = CitizenEndpoint(url, self.events.put)
        self.endpoint.start()

    def wait_for(self, kind: type, pred: Callable[[Any], bool] | None = None,
                 skip: tuple[type, ...] = (ev.Ping, ev.FrameAck, ev.Pong)) -> Any:
        """The next event of ``kind``; another wire message not in ``skip`` fails the test."""
        found: list[object] = []

        def arrived() -> bool:
            while not found:
                try:
                    event = self.events.get_nowait()
                except queue.Empty:
                    return False
                if isinstance(event, kind) and (pred is None or pred(event)):
                    found.append(event)
                elif isinstance(event, ev.Message) and not isinstance(event, skip):
                    raise AssertionError(
                        f"unexpected {type(event).__name__} before {kind.__name__}")
            return True

        self.qtbot.waitUntil(arrived, timeout=int(TIMEOUT * 1000))
        return found[0]

    def code(self) -> str:
        return str(self.wait_for(CodeReady).code.display())

    def stop(self) -> None:
        self.endpoint.stop()


def sign_in(qtbot: Any, app: AgentApp, password: str = PASSWORD) -> None:
    app.dialog.password.setText(password)
    app.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: app.session.phase == "ready", timeout=TIMEOUT * 1000)
