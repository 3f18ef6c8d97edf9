"""A still screen is quiet on the wire: our whole stack (relay, E2E session,
damage-driven streamer, agent decoding) through a byte-counting proxy on the
citizen's line."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from Xlib import display

from bench.ourstack import OurStack
from cobrowse.screen.diff import Rect
from cobrowse.session import events as ev
from cobrowse.session.transport import PING_INTERVAL

pytestmark = pytest.mark.xvfb
WINDOW = 6.0  # seconds of still screen watched
KEEPALIVE = 16  # one WebSocket ping and its pong on the wire (either side's)


@pytest.mark.timeout(120)
def test_a_still_screen_sends_nothing_but_keep_alives(bare_xvfb: Any) -> None:
    stack = OurStack()
    try:
        stack.start()  # paired, viewing, the keyframe has reached the agent
        assert stack.wire.wait_quiet(1.0, timeout=30)  # no Ping trails the last frame
        before = stack.wire.total
        # at most one keep-alive of each side (ours every 15 s, the relay's every 20 s)
        # in the window: <= 5 B/s needs no more; the agent's end-to-end Ping every 2 s
        # (~150 B with its Pong) did.
        budget = 2 * KEEPALIVE
        assert PING_INTERVAL >= WINDOW
        assert not stack.wire.wait_total(before + budget + 1, timeout=WINDOW)
        assert stack.streamer.stats.frames == 1  # the keyframe, nothing since
    finally:
        stack.close()


@pytest.mark.timeout(120)
def test_a_blinking_caret_is_drawn_by_the_agent_and_costs_under_50_bytes_a_second(
    bare_xvfb: Any,
) -> None:
    """The caret's first toggles go out as updates; once it blinks steadily the
    agent animates it (one BLINK update) and the line carries keep-alives only - no
    update, no ack, and no end-to-end Ping every 2 s."""
    stack = OurStack()
    d = display.Display()
    try:
        stack.start()
        assert stack.wire.wait_quiet(3.0, timeout=30)
        events = stack._citizen_events.q
        while not events.empty():
            events.get_nowait()
        root = d.screen().root
        on, off = root.create_gc(foreground=0x102030), root.create_gc(foreground=0)
        pace, mark, start = threading.Event(), (0, 0, 0.0), time.monotonic()
        for blink in range(20):  # 10 s of a caret blinking twice a second
            if blink == 8:  # the animation has had five toggles to start
                mark = (stack.wire.total, stack.streamer.stats.frames, time.monotonic())
            root.fill_rectangle(on if blink % 2 == 0 else off, 300, 200, 2, 16)
            d.sync()
            pace.wait(max(0.0, start + 0.5 * (blink + 1) - time.monotonic()))  # its own clock
        total, frames, seconds = stack.wire.total, stack.streamer.stats.frames, time.monotonic()
        pings = 0
        while not events.empty():
            pings += isinstance(events.get_nowait(), ev.Ping)
        animated = stack.comp.blinking
    finally:
        d.close()
        stack.close()
    assert animated == [Rect(300, 200, 2, 16)]
    assert frames - mark[1] <= 4  # 12 toggles: at most a restart (a late toggle under load)
    assert (total - mark[0]) / (seconds - mark[2]) <= 50  # issue 12: caret <= 50 B/s
    assert pings <= 1  # not one every 2 s (at ~150 bytes each on this line)
