"""The agent app repaints a caret the compositor animates itself (BLINK), from the
frame worker's ticker thread through the same queued hand-over as decoded frames."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from agent_helpers import QT_NOISE
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage

from agent_app.frames import FrameUpdate, FrameWorker
from agent_app.remoteview import RemoteCanvas
from cobrowse.screen import codec
from cobrowse.screen.diff import Rect

pytestmark = pytest.mark.qt_log_ignore(QT_NOISE)
W, H = 160, 100
CARET = Rect(50, 20, 2, 20)
WHITE, BLACK = b"\xff\xff\xff", b"\x00\x00\x00"


def test_the_canvas_follows_the_compositors_blink_until_an_update_ends_it(qtbot: Any) -> None:
    worker, canvas = FrameWorker(), RemoteCanvas()
    qtbot.addWidget(canvas)
    updates: list[FrameUpdate] = []
    shown: list[bool] = []

    def paint(update: FrameUpdate) -> None:  # the GUI thread, as MainWindow._on_frame
        try:
            canvas.apply(update)
            updates.append(update)
            shown.append(canvas.image.pixelColor(CARET.x, CARET.y) == QColor("black"))
        finally:
            worker.done()

    def feed(frame_id: int, payload: bytes) -> None:  # the endpoint's frame thread
        thread = threading.Thread(target=worker.sink, args=(frame_id, payload))
        thread.start()
        qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10_000)

    worker.updated.connect(paint, Qt.ConnectionType.QueuedConnection)
    try:
        feed(1, codec.pack(W, H, [(Rect(0, 0, W, H), codec.FILL, WHITE)], keyframe=True))
        data = codec.blink_data((60, 60), 60, [(codec.FILL, BLACK), (codec.FILL, WHITE)])
        feed(2, codec.pack(W, H, [(CARET, codec.BLINK, data)]))
        qtbot.waitUntil(lambda: len(updates) >= 8, timeout=10_000)
        ticks = [u for u in updates[2:] if u.payload_bytes == 0]
        assert all(u.toggle for u in ticks) and not any(u.toggle for u in updates[:2])
        assert ticks and all(p[0].getRect() == tuple(CARET) for u in ticks for p in u.patches)
        assert True in shown[2:] and False in shown[2:]  # it really toggles on the canvas
        red = codec.pack(W, H, [(Rect(45, 15, 20, 30), codec.FILL, b"\x00\x00\xff")])
        feed(3, red)  # touches the caret: the animation ends before it is painted
        qtbot.waitUntil(lambda: updates[-1].frame_id == 3 and updates[-1].payload_bytes > 0)
        count = len(updates)
        qtbot.wait(300)  # five periods: no toggle may come any more
        assert len(updates) == count
        assert canvas.image.pixelColor(CARET.x, CARET.y) == QColor("red")
    finally:
        worker.close()


def test_blink_toggles_are_not_counted_as_frames_per_second(agent_app: Any) -> None:
    window = agent_app.window
    window.session.phase = "viewing"  # as if a session were showing the citizen's screen
    image = QImage(W, H, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    whole = ((QRect(0, 0, W, H), image),)
    counted: list[None] = []
    window.status.frame_painted = lambda: counted.append(None)
    window.frames.done = lambda: None  # no worker waits here
    window._on_frame(FrameUpdate(1, W, H, whole, 100))
    window._on_frame(FrameUpdate(1, W, H, ((QRect(*CARET), image.copy(*CARET)),), 0, False, True))
    assert len(counted) == 1
