"""Helpers for the agent app tests: a fake decoder, frame payloads, a headless citizen."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from agent_app.app import AgentApp
from cobrowse.session import events as ev
from cobrowse.session.endpoint import CitizenEndpoint, CodeReady

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")

PASSWORD = "correct horse battery"
TIMEOUT = 10.0
QT_NOISE = "This plugin does not support propagateSizeHints"


def screen(size: tuple[int, int], bgra: tuple[int, int, int, int]) -> np.ndarray:
    """A citizen screen of one colour as the capture gives it: (h, w, 4) BGRA."""
    frame = np.empty((size[1], size[0], 4), np.uint8)
    frame[:] = bgra
    return frame


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

    def wait_for(
        self,
        kind: type,
        pred: Callable[[Any], bool] | None = None,
        skip: tuple[type, ...] = (ev.Ping, ev.FrameAck, ev.Pong),
    ) -> Any:
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
                        f"unexpected {type(event).__name__} before {kind.__name__}"
                    )
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
