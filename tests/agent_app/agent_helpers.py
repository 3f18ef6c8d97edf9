"""Helpers for the agent app tests: a fake decoder, frame payloads, a headless citizen."""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from agent_app.app import AgentApp
from cobrowse.screen.capture import Monitor
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.screen.streamer import ScreenStreamer
from cobrowse.session import events as ev
from cobrowse.session.endpoint import CitizenEndpoint, CodeReady

relay_server = pytest.importorskip("relay.server")
relay_config = pytest.importorskip("relay.config")
relay_accounts = pytest.importorskip("relay.accounts")

PASSWORD = "correct horse battery"
TIMEOUT = 10.0
MS = int(TIMEOUT * 1000)
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
        self.streamer: ScreenStreamer | None = None
        self.endpoint = CitizenEndpoint(url, self._heard)
        self.endpoint.start()

    def _heard(self, event: object) -> None:  # network thread
        if isinstance(event, ev.FrameAck) and self.streamer is not None:
            self.streamer.ack(event.frame_id, event.held_ms / 1000)
        self.events.put(event)

    def share(self, source: FakeScreen) -> None:
        """Stream ``source`` with the real screen streamer, as the citizen client does."""
        self.streamer = ScreenStreamer(
            self.endpoint.send_frame, source_factory=lambda: source, cursor_factory=None
        )
        self.streamer.start()

    def pause(self) -> None:
        """The sharing bar's *Pause*, in the citizen client's order."""
        self.endpoint.send(ev.PrivacyPause())
        if self.streamer is not None:
            self.streamer.pause()

    def resume(self) -> None:
        self.endpoint.send(ev.PrivacyResume())
        if self.streamer is not None:
            self.streamer.resume()

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
        if self.streamer is not None:
            self.streamer.stop()
        self.endpoint.stop()


class FakeScreen:
    """A one-monitor screen for :class:`ScreenStreamer`; the test sets :attr:`frame`."""

    def __init__(self, frame: np.ndarray) -> None:
        self.frame = frame

    def monitors(self) -> list[Monitor]:
        height, width = self.frame.shape[:2]
        return [Monitor(0, 0, 0, width, height, True)]

    def grab(self, index: int) -> np.ndarray:
        return self.frame.copy()

    def close(self) -> None:
        pass


def sign_in(qtbot: Any, app: AgentApp, password: str = PASSWORD) -> None:
    app.dialog.password.setText(password)
    app.dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: app.session.phase == "ready", timeout=TIMEOUT * 1000)


def connect(qtbot: Any, app: AgentApp, citizen: Citizen) -> str:
    """Sign in, type the code with its spaces removed, and let the citizen allow viewing."""
    sign_in(qtbot, app)
    code = citizen.code().replace(" ", "")
    page = app.window.code_page
    page.code.setText(code)
    page.connect_button.click()
    citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "view")
    qtbot.waitUntil(lambda: app.session.phase == "waiting_view", timeout=MS)
    verifier = citizen.endpoint.session.verifier  # type: ignore[union-attr]
    assert verifier in app.window.toolbar.verifier.text()  # small, in the toolbar
    assert not app.window.check_number.isVisible()  # nothing to compare yet: not large
    citizen.endpoint.send(ev.ConsentGrant("view"))
    qtbot.waitUntil(lambda: app.session.phase == "viewing", timeout=MS)
    return verifier


def paint(
    qtbot: Any,
    app: AgentApp,
    citizen: Citizen,
    encoder: FrameEncoder,
    frame_id: int,
    frame: np.ndarray,
) -> None:
    """Encode ``frame`` with the real screen encoder and wait until the view painted it."""
    payload = encoder.encode(frame)
    assert payload is not None
    with qtbot.waitSignal(
        app.window.canvas.painted, timeout=MS, check_params_cb=lambda fid: fid == frame_id
    ):
        citizen.endpoint.send_frame(frame_id, payload)
