"""PollingSource while Windows shows its secure desktop (the UAC prompt): a grab that
fails then keeps the last picture and is retried, and capture goes on afterwards."""

from __future__ import annotations

import queue
import threading

import numpy as np
import pytest
from screen_helpers import ui_frame

from cobrowse.screen.capture import Monitor
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.source import PollingSource
from cobrowse.screen.streamer import ScreenStreamer

MONITOR = Monitor(0, 0, 0, 640, 360, True)


class Screen:
    """A FrameSource whose grabs fail (as BitBlt does) while ``refused`` is set."""

    def __init__(self) -> None:
        self.frame = ui_frame()
        self.refused = threading.Event()
        self.tried = threading.Semaphore(0)  # one release per grab

    def monitors(self) -> list[Monitor]:
        return [MONITOR]

    def grab(self, index: int) -> np.ndarray:
        self.tried.release()
        if self.refused.is_set():
            raise OSError("BitBlt failed")  # what mss raises is a ScreenShotError
        return self.frame.copy()

    def close(self) -> None:
        pass


def test_a_refused_grab_on_the_secure_desktop_keeps_the_last_picture() -> None:
    screen = Screen()
    source = PollingSource(screen, 30, blocked=screen.refused.is_set)
    first = source.grab(MONITOR)
    screen.refused.set()
    assert np.array_equal(source.grab(MONITOR), first)
    assert np.array_equal(source.grab(MONITOR, (10, 20, 30, 40)), first[20:60, 10:40])
    screen.refused.clear()
    screen.frame[:10] = 0
    assert np.array_equal(source.grab(MONITOR), screen.frame)


@pytest.mark.parametrize("blocked", [None, lambda: False])
def test_a_refused_grab_without_the_secure_desktop_is_an_error(blocked: object) -> None:
    screen = Screen()
    source = PollingSource(screen, 30, blocked=blocked)  # type: ignore[arg-type]
    source.grab(MONITOR)
    screen.refused.set()
    with pytest.raises(OSError, match="BitBlt"):
        source.grab(MONITOR)


def test_a_first_grab_refused_is_an_error_even_on_the_secure_desktop() -> None:
    screen = Screen()  # nothing to show yet: the streamer reports it
    screen.refused.set()
    with pytest.raises(OSError):
        PollingSource(screen, 30, blocked=lambda: True).grab(MONITOR)


def test_streaming_goes_on_after_the_uac_prompt() -> None:
    screen = Screen()
    frames: queue.Queue[tuple[int, bytes]] = queue.Queue()
    errors: list[BaseException] = []
    streamer = ScreenStreamer(
        lambda i, p: frames.put((i, p)),
        on_error=errors.append,
        source_factory=lambda: PollingSource(screen, 100, blocked=screen.refused.is_set),
        cursor_factory=None,
        max_fps=100,
    )
    agent = Compositor()

    def take() -> None:
        frame_id, payload = frames.get(timeout=10)
        agent.apply(payload)
        streamer.ack(frame_id)

    streamer.start()
    try:
        take()  # the keyframe
        screen.refused.set()  # the UAC prompt: every grab fails for a while
        while screen.tried.acquire(blocking=False):
            pass
        for _ in range(3):  # the streamer keeps trying (it did not stop at the failure)
            assert screen.tried.acquire(timeout=10), "capture stopped while the prompt was up"
        screen.frame[100:200, 100:300] = (0, 0, 255, 255)  # the citizen answered it
        screen.refused.clear()
        while agent.frame is None or not np.array_equal(agent.frame, screen.frame):
            take()
        assert not errors
    finally:
        streamer.stop()
