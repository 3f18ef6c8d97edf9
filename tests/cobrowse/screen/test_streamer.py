"""ScreenStreamer on a real X server (Xvfb) showing the form page."""

from __future__ import annotations

import queue
import subprocess
import threading
import time
from typing import Any

import numpy as np
import pytest

from cobrowse.platform.x11.cursor import X11CursorReader as CursorReader
from cobrowse.screen import codec
from cobrowse.screen.capture import Capturer, list_monitors
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.streamer import ScreenStreamer

pytestmark = pytest.mark.xvfb


class Agent:
    """Plays the agent: applies every payload and acks it, like the session layer."""

    def __init__(self) -> None:
        self.frames: queue.Queue[tuple[int, bytes]] = queue.Queue()
        self.cursor: queue.Queue[tuple[int, int, bool]] = queue.Queue()
        self.comp = Compositor()

    def on_frame(self, frame_id: int, payload: bytes) -> None:
        self.frames.put((frame_id, payload))

    def on_cursor(self, x: int, y: int, visible: bool) -> None:
        self.cursor.put((x, y, visible))

    def take(self, streamer: ScreenStreamer, timeout: float = 5) -> bytes:
        frame_id, payload = self.frames.get(timeout=timeout)
        self.comp.apply(payload)
        streamer.ack(frame_id)
        return payload


def test_monitor_list_and_capture(xvfb: Any) -> None:
    monitors = list_monitors()
    assert [m.box for m in monitors] == [(0, 0, 1920, 1080)]
    cap = Capturer()
    try:
        assert cap.grab(0).shape == (1080, 1920, 4)
        with pytest.raises(IndexError):
            cap.grab(1)
    finally:
        cap.close()


def test_cursor_position(xvfb: Any) -> None:
    subprocess.run(["xdotool", "mousemove", "123", "456"], check=True)
    reader = CursorReader()
    try:
        assert reader.position() == (123, 456)
    finally:
        reader.close()


def test_stream_pause_resume_and_stop(xvfb: Any, formpage: Any) -> None:
    agent = Agent()
    streamer = ScreenStreamer(agent.on_frame, agent.on_cursor)
    assert streamer.monitors()[0].box == (0, 0, 1920, 1080)
    assert not streamer.select_monitor(3)
    streamer.start()
    try:
        first = agent.take(streamer)
        assert codec.is_keyframe(first)
        assert streamer.stats.keyframes == 1
        # Let lossless refresh finish; after that an unchanged screen sends nothing.
        while True:
            try:
                agent.take(streamer, timeout=1.0)
            except queue.Empty:
                break
        cap = Capturer()
        try:
            screen = cap.grab(0)
        finally:
            cap.close()
        assert agent.comp.frame is not None
        assert np.array_equal(agent.comp.frame[..., :3], screen[..., :3])

        subprocess.run(["xdotool", "mousemove", "300", "200"], check=True)
        while (position := agent.cursor.get(timeout=5)) != (300, 200, True):
            pass

        streamer.pause()
        formpage.command("page 2")
        formpage.sync()
        subprocess.run(["xdotool", "mousemove", "400", "250"], check=True)
        assert agent.frames.empty()
        with pytest.raises(queue.Empty):
            agent.frames.get(timeout=0.5)  # paused: the new page is not sent
        assert agent.cursor.empty()

        streamer.resume()
        assert codec.is_keyframe(agent.take(streamer))
        assert position == (300, 200, True)
    finally:
        started = time.monotonic()
        streamer.stop()
        formpage.command("page 1")
        formpage.sync()
    assert time.monotonic() - started < 1.0
    assert not any(t.name == "screen-capture" for t in threading.enumerate())
