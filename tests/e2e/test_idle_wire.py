"""A still screen is quiet on the wire: our whole stack (relay, E2E session,
damage-driven streamer, agent decoding) through a byte-counting proxy on the
citizen's line."""

from __future__ import annotations

from typing import Any

import pytest

from bench.ourstack import OurStack
from cobrowse.session.transport import PING_INTERVAL

pytestmark = pytest.mark.xvfb
WINDOW = 6.0  # seconds of still screen watched
KEEPALIVE = 16  # one WebSocket ping and its pong on the wire (either side's)


@pytest.mark.timeout(120)
def test_a_still_screen_sends_nothing_but_keep_alives(bare_xvfb: Any) -> None:
    stack = OurStack()
    try:
        stack.start()  # paired, viewing, the keyframe has reached the agent
        # the agent pings once more after the last frame (2 s): wait that out
        assert stack.wire.wait_quiet(3.0, timeout=30)
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
