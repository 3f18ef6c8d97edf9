"""The client's own windows are hatched out of the frames before encoding."""

from __future__ import annotations

import queue

import numpy as np
from screen_helpers import ui_frame

from cobrowse.screen.capture import Monitor
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.hidden import DARK, LIGHT, HiddenAreas, hatch
from cobrowse.screen.streamer import ScreenStreamer

GREYS = {LIGHT, DARK}


def colours(area: np.ndarray) -> set[tuple[int, ...]]:
    return {tuple(int(c) for c in px) for px in area.reshape(-1, 4)}


def test_hatch_covers_the_rect_only_clipped_and_offset_for_the_monitor() -> None:
    frame = ui_frame(640, 360)
    before = frame.copy()
    # a second monitor at x=1920: desktop rect (2000, 300, 100, 200) runs off its bottom
    out = hatch(frame, (1920, 0), [(2000, 300, 100, 200), (0, 0, 50, 50)])
    assert colours(out[300:360, 80:180]) == GREYS
    outside = np.ones(out.shape[:2], bool)
    outside[300:360, 80:180] = False
    assert np.array_equal(out[outside], before[outside])  # the rest is untouched


def test_hatch_copies_a_read_only_frame_and_is_aligned_to_the_desktop() -> None:
    frame = ui_frame(200, 100)
    frame.flags.writeable = False
    a = hatch(frame, (0, 0), [(10, 10, 40, 40)])
    assert a is not frame and colours(frame[10:50, 10:50]) != GREYS
    b = hatch(ui_frame(200, 100), (0, 0), [(20, 10, 40, 40)])  # the window moved 10 px
    assert np.array_equal(a[10:50, 20:50], b[10:50, 20:50])  # same stripes where they overlap


class OneScreen:
    """A frame source with one fixed, text-like picture (sent losslessly)."""

    def __init__(self) -> None:
        self.frame = np.full((200, 320, 4), 255, np.uint8)
        self.frame[20:40, 10:300, :3] = 0  # a black line of "text"

    def monitors(self) -> list[Monitor]:
        return [Monitor(0, 0, 0, 320, 200, True)]

    def grab(self, index: int) -> np.ndarray:
        return self.frame.copy()

    def close(self) -> None:
        pass


def test_streamer_sends_the_hidden_areas_hatched() -> None:
    areas = HiddenAreas()
    areas.publish([(100, 150, 120, 40)])  # where the client's bar is
    frames: queue.Queue[bytes] = queue.Queue()
    streamer = ScreenStreamer(
        lambda _id, payload: frames.put(payload),
        source_factory=OneScreen,
        cursor_factory=None,
        hidden=areas.rects,
    )
    streamer.start()
    try:
        comp = Compositor()
        comp.apply(frames.get(timeout=10))
    finally:
        streamer.stop()
    assert comp.frame is not None
    assert colours(comp.frame[150:190, 100:220]) == GREYS
    assert np.array_equal(comp.frame[:150], OneScreen().frame[:150])  # the rest as it is
