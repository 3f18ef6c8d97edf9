"""The agent's lazy, cumulative screen-update acks (sans-I/O: the clock is passed in).

An ack per frame cost ~23 bytes on the wire, a fifth of a typed character's update
and a third of a caret blink's.  The agent now acks at once only within a burst
(a frame applied less than :data:`BURST_GAP` after the one before: a page change or
a scroll, where the citizen's window must reopen at the pace of the round trip) or
when :data:`ACK_EVERY` frames wait; else - typing at 8 characters a second, a
blinking caret - :data:`ACK_DELAY` after the first frame waiting, cumulatively, saying
how long it held the ack.  The citizen's
:class:`~cobrowse.screen.flow.FlowControl` subtracts that from the round trip and
counts a long-unacked frame as held, so its window and pacing work as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable

ACK_EVERY = 4
"""The agent acks at once when this many applied frames wait for an ack (the citizen
lets up to ``ACK_EVERY - 1`` old unacked frames out of its window)."""
BURST_GAP = 0.05
"""A frame applied sooner than this after the one before is acked at once (seconds)."""
ACK_DELAY = 1.0
"""Longest time the agent holds an ack (seconds)."""
MAX_HELD_MS = 60_000


class DelayedAcks:
    """The agent's side: which cumulative ack to send and when (sans-I/O).

    :meth:`applied` after each frame is applied returns ``(frame_id, held_ms)`` to
    send now when ``every`` frames wait, else None - then the caller calls
    :meth:`flush` ``delay`` seconds later (or at once before a KeyframeRequest)."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        every: int = ACK_EVERY,
        delay: float = ACK_DELAY,
        gap: float = BURST_GAP,
    ) -> None:
        if every < 1 or delay < 0:
            raise ValueError("every must be >= 1 and delay >= 0")
        self.clock, self.every, self.delay, self.gap = clock, every, delay, gap
        self._latest: tuple[int, float] | None = None
        self._waiting = 0
        self._last_applied = -math.inf

    @property
    def pending(self) -> bool:
        return self._latest is not None

    def applied(self, frame_id: int) -> tuple[int, int] | None:
        now = self.clock()
        burst = now - self._last_applied < self.gap
        self._latest, self._waiting, self._last_applied = (frame_id, now), self._waiting + 1, now
        return self.flush() if burst or self._waiting >= self.every or not self.delay else None

    def flush(self) -> tuple[int, int] | None:
        """The ack for the latest applied frame and how long it was held (ms), or None
        if nothing waits."""
        if self._latest is None:
            return None
        frame_id, at = self._latest
        self._latest, self._waiting = None, 0
        return frame_id, min(MAX_HELD_MS, max(0, round((self.clock() - at) * 1000)))
