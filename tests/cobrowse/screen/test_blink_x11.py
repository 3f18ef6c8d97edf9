"""A caret blinking on a real X server, through the real streamer (X DAMAGE capture)
and an agent that applies, acks and animates like the agent app."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from Xlib import display

from cobrowse.screen import codec
from cobrowse.screen.capture import Capturer
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.diff import Rect
from cobrowse.screen.streamer import ScreenStreamer

pytestmark = pytest.mark.xvfb
CARET = Rect(300, 200, 2, 20)
HALF = 0.4  # seconds on, seconds off


class Blinker:
    """A second X client drawing a caret that blinks until told to stop."""

    def __init__(self, rect: Rect = CARET) -> None:
        self.d = display.Display()
        self.root = self.d.screen().root
        self.gc = self.root.create_gc(foreground=0xFFFFFF)
        self.root.fill_rectangle(self.gc, 0, 0, 640, 480)  # a white page
        self.d.sync()
        self.rect, self.on, self.toggles = rect, False, 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def draw(self, rect: Rect, rgb: int) -> None:
        self.gc.change(foreground=rgb)
        self.root.fill_rectangle(self.gc, *rect)
        self.d.sync()

    def _run(self) -> None:
        next_at = time.monotonic() + HALF
        while not self.stop.wait(max(0.0, next_at - time.monotonic())):
            self.on = not self.on
            self.draw(self.rect, 0x000000 if self.on else 0xFFFFFF)
            self.toggles += 1
            next_at += HALF

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(5)

    def close(self) -> None:
        self.halt()
        self.d.close()


class Agent:
    """Applies and acks each update on its own thread and paints the compositor's
    toggles when due (the agent app's FrameWorker does the same)."""

    def __init__(self) -> None:
        self.comp = Compositor()
        self.lock = threading.Lock()
        self.inbox: queue.Queue[tuple[int, bytes] | None] = queue.Queue()
        self.frames = 0
        self.after_keyframe: list[list[Rect]] = []  # what was animated right after each
        self.streamer: ScreenStreamer | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def on_frame(self, frame_id: int, payload: bytes) -> None:
        self.inbox.put((frame_id, payload))

    def _run(self) -> None:
        while True:
            due = self.comp.next_tick
            wait = 0.5 if due is None else max(0.0, due - time.monotonic())
            try:
                item = self.inbox.get(timeout=wait)
            except queue.Empty:
                with self.lock:
                    self.comp.tick()
                continue
            if item is None:
                return
            with self.lock:
                self.comp.apply(item[1])
                self.frames += 1
                if codec.is_keyframe(item[1]):
                    self.after_keyframe.append(self.comp.blinking)
            assert self.streamer is not None
            self.streamer.ack(item[0])

    def picture(self) -> np.ndarray:
        with self.lock:
            assert self.comp.frame is not None
            return self.comp.frame[..., :3].copy()


@pytest.fixture
def stack(bare_xvfb: Any) -> Iterator[tuple[Blinker, Agent, ScreenStreamer]]:
    blinker, agent = Blinker(), Agent()
    streamer = ScreenStreamer(agent.on_frame, cursor_factory=None)
    agent.streamer = streamer
    agent.thread.start()
    streamer.start()
    yield blinker, agent, streamer
    streamer.stop()
    agent.inbox.put(None)
    agent.thread.join(5)
    blinker.close()


def until(condition: Any, timeout: float = 30.0) -> bool:
    """Wait for ``condition()`` on an event, checking every 50 ms (no sleeping)."""
    event, deadline = threading.Event(), time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        event.wait(0.05)
    return True


def screen() -> np.ndarray:
    cap = Capturer()
    try:
        return cap.grab(0)[..., :3].copy()
    finally:
        cap.close()


def test_a_blinking_caret_is_animated_by_the_agent_and_stops_exact(stack: Any) -> None:
    blinker, agent, streamer = stack
    blinker.thread.start()
    assert until(lambda: agent.comp.blinking == [CARET])
    frames, toggles = agent.frames, blinker.toggles
    assert until(lambda: blinker.toggles >= toggles + 10)
    assert agent.frames - frames <= 4  # 10 toggles: at most a few re-starts under load
    blinker.halt()  # stops in whichever state; no damage comes any more
    assert until(lambda: not agent.comp.blinking and np.array_equal(agent.picture(), screen()))
    picture = agent.picture()
    until(lambda: False, timeout=2 * HALF)  # the agent must not animate any more
    assert np.array_equal(agent.picture(), picture)


def test_typing_next_to_a_blinking_caret_ends_it_and_the_agent_shows_the_text(
    stack: Any,
) -> None:
    blinker, agent, streamer = stack
    blinker.thread.start()
    assert until(lambda: agent.comp.blinking == [CARET])
    blinker.halt()
    blinker.draw(Rect(CARET.x, CARET.y + 4, 9, 12), 0x303030)  # a letter over the caret
    blinker.draw(CARET, 0xFFFFFF)
    blinker.draw(Rect(CARET.x + 10, CARET.y, 2, 20), 0x000000)  # the caret after it
    assert until(lambda: not agent.comp.blinking and np.array_equal(agent.picture(), screen()))
    assert streamer.stats.frames > 0


def test_a_keyframe_ends_the_animation_on_both_sides_and_it_is_found_again(stack: Any) -> None:
    blinker, agent, streamer = stack
    blinker.thread.start()
    assert until(lambda: agent.comp.blinking == [CARET])
    streamer.request_keyframe()  # as on resume, a new viewer or a monitor switch
    assert until(lambda: len(agent.after_keyframe) == 2)
    assert agent.after_keyframe[1] == []  # the agent stopped animating at the keyframe
    frames = agent.frames
    assert until(lambda: agent.comp.blinking == [CARET])  # found again: a new BLINK came
    assert agent.frames > frames
