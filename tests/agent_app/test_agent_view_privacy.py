"""Pause and end hide the citizen's screen from the agent, on screen and in memory.

The citizen streams with the real screen streamer through a real relay.  After a
pause or the end of the session the agent's view paints none of the citizen's
pixels, the decoded framebuffer is zeroed and dropped, and after a resume the
agent sees the citizen's new screen whole - never a partial picture on black.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from agent_helpers import MS, QT_NOISE, Citizen, FakeScreen, connect, screen
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from agent_app.app import AgentApp
from agent_app.frames import FrameUpdate, FrameWorker
from agent_app.remoteview import RemoteCanvas
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.session import events as ev

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)
SIZE = (160, 100)
RECEIPT = (0, 0, 255, 255)  # BGRA: pure red, the citizen's private page
NEW_PAGE = (0, 255, 0, 255)  # pure green, what the citizen shows after the pause


def shows(app: AgentApp, bgra: tuple[int, int, int, int]) -> bool:
    """The agent's picture is the citizen's whole screen in this one colour."""
    image = app.window.canvas.image
    if image.isNull() or image.size().toTuple() != SIZE:
        return False
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(rgb.constBits(), np.uint8).reshape(SIZE[1], -1, 4)[:, : SIZE[0]]
    return bool((pixels[..., :3] == bgra[:3]).all())


def colour_on_screen(app: AgentApp, rgb: tuple[int, int, int]) -> int:
    """How many pixels of the agent's window (as painted now) have exactly this colour."""
    shot = app.window.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(shot.constBits(), np.uint8).reshape(shot.height(), -1, 4)
    return int((pixels[:, : shot.width(), 2::-1][..., :3] == rgb).all(axis=-1).sum())


def framebuffer(app: AgentApp) -> np.ndarray:
    compositor = app.frames._compositor
    assert compositor is not None and compositor.framebuffer is not None
    return np.asarray(compositor.framebuffer)


def share_receipt(qtbot: Any, app: AgentApp, citizen: Citizen) -> tuple[FakeScreen, np.ndarray]:
    connect(qtbot, app, citizen)
    page = FakeScreen(screen(SIZE, RECEIPT))
    citizen.share(page)
    qtbot.waitUntil(lambda: shows(app, RECEIPT), timeout=MS)
    assert colour_on_screen(app, (255, 0, 0)) > 1000
    return page, framebuffer(app)


def assert_forgotten(qtbot: Any, app: AgentApp, old: np.ndarray) -> None:
    assert app.window.canvas.image.isNull()
    assert colour_on_screen(app, (255, 0, 0)) == 0
    qtbot.waitUntil(lambda: not app.frames.has_picture, timeout=MS)  # in order with the frames
    assert not old.any()  # the memory that held the screen was zeroed before it was let go


def test_pause_hides_the_screen_and_resume_shows_the_new_one_whole(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    page, old = share_receipt(qtbot, agent_app, citizen)
    citizen.pause()
    qtbot.waitUntil(lambda: agent_app.session.phase == "paused", timeout=MS)
    assert_forgotten(qtbot, agent_app, old)
    assert "pause" in agent_app.window.canvas.overlay

    page.frame = screen(SIZE, NEW_PAGE)  # meanwhile the citizen moved on
    first: list[bool] = []
    agent_app.window.canvas.painted.connect(lambda _: first.append(shows(agent_app, NEW_PAGE)))
    citizen.resume()
    qtbot.waitUntil(lambda: agent_app.session.phase == "viewing", timeout=MS)
    qtbot.waitUntil(lambda: bool(first), timeout=MS)
    assert first[0]  # the first picture after the pause is the whole new screen
    assert agent_app.window.canvas.overlay == ""


def test_end_by_the_citizen_leaves_nothing_of_the_screen(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    _, old = share_receipt(qtbot, agent_app, citizen)
    citizen.endpoint.send(ev.End("done"))
    qtbot.waitUntil(lambda: agent_app.session.phase == "ended", timeout=MS)
    assert_forgotten(qtbot, agent_app, old)
    assert "Sessionen er slut" in agent_app.window.canvas.overlay


def test_end_by_the_agent_leaves_nothing_of_the_screen(
    qtbot: Any, agent_app: AgentApp, citizen: Citizen
) -> None:
    _, old = share_receipt(qtbot, agent_app, citizen)
    window = agent_app.window
    window.log_panel.outcome.setCurrentIndex(1)
    with qtbot.waitSignal(window.summary_ready, timeout=MS):
        window.end_session(confirm=False)
    assert_forgotten(qtbot, agent_app, old)


def test_an_update_without_its_picture_is_never_painted_on_black(qtbot: Any) -> None:
    canvas = RemoteCanvas()
    qtbot.addWidget(canvas)
    patch = QImage(10, 10, QImage.Format.Format_RGB32)
    patch.fill(QColor("red"))
    partial = FrameUpdate(1, 100, 50, ((QRect(5, 5, 10, 10), patch),), 0, full=False)
    assert not canvas.apply(partial)
    assert canvas.image.isNull()
    whole = QImage(100, 50, QImage.Format.Format_RGB32)
    whole.fill(QColor("blue"))
    assert canvas.apply(FrameUpdate(2, 100, 50, ((QRect(0, 0, 100, 50), whole),), 0))
    assert canvas.apply(partial)
    assert canvas.image.pixelColor(7, 7) == QColor("red")


def test_frame_worker_drops_updates_until_a_keyframe_after_forgetting(qtbot: Any) -> None:
    worker = FrameWorker()
    updates: list[FrameUpdate] = []
    failures: list[str] = []
    worker.updated.connect(updates.append)
    worker.failed.connect(failures.append)
    encoder = FrameEncoder()
    first = screen(SIZE, RECEIPT)
    second = first.copy()
    second[10:20, 10:20] = NEW_PAGE
    keyframe, delta = encoder.encode(first), encoder.encode(second)
    assert keyframe is not None and delta is not None
    worker.sink(1, keyframe)
    worker.done()
    worker.forget()
    worker.sink(2, delta)  # a stale update for the forgotten picture: dropped, no error
    assert [u.frame_id for u in updates] == [1] and not failures
    assert not worker.has_picture
    worker.sink(3, keyframe)
    assert [u.frame_id for u in updates] == [1, 3] and updates[1].full


def test_frame_worker_drops_the_picture_after_a_bad_update_and_asks_for_a_keyframe(
    qtbot: Any,
) -> None:
    """Updates share compression history: after one that cannot be decoded, none can
    until a keyframe - one notice, the picture dropped, and ``sink`` says so (the
    endpoint then sends KeyframeRequest)."""
    worker = FrameWorker()
    updates: list[FrameUpdate] = []
    failures: list[str] = []
    worker.updated.connect(updates.append)
    worker.failed.connect(failures.append)
    encoder = FrameEncoder()
    first = screen(SIZE, RECEIPT)
    second, third = first.copy(), first.copy()
    second[10:20, 10:20] = NEW_PAGE
    third[30:40, 10:20] = NEW_PAGE
    keyframe, delta, later = (encoder.encode(f.copy()) for f in (first, second, third))
    assert keyframe and delta and later
    assert worker.sink(1, keyframe) is False
    worker.done()
    assert worker.sink(2, delta[:-1]) is True  # truncated
    assert not worker.has_picture and len(failures) == 1
    assert worker.sink(3, later) is False  # dropped unseen, no second notice
    assert len(failures) == 1 and [u.frame_id for u in updates] == [1]
    encoder.request_keyframe()
    assert worker.sink(4, encoder.encode(third.copy()) or b"") is False
    assert [u.frame_id for u in updates] == [1, 4] and updates[1].full
