"""The agent's lazy, cumulative screen-update acks (sans-I/O: the clock is passed in).

An ack per frame cost ~22 bytes on the wire, a third of a typed character's update
and half of a caret blink's.  The agent now acks at once only when :data:`ACK_EVERY`
applied frames wait (a typed character's two strokes), else :data:`ACK_DELAY` later,
and says how long it held the ack; the citizen's
:class:`~cobrowse.screen.flow.FlowControl` subtracts that from the round trip and
counts a long-unacked frame as held, so its window and pacing work as before.
"""

from __future__ import annotations

from collections.abc import Callable

ACK_EVERY = 2
"""The agent acks at once when this many applied frames wait for an ack."""
ACK_DELAY = 1.0
"""Longest time the agent holds an ack (seconds)."""
MAX_HELD_MS = 60_000


class DelayedAcks:
    """The agent's side: which cumulative ack to send and when (sans-I/O).

    :meth:`applied` after each frame is applied returns ``(frame_id, held_ms)`` to
    send now when ``every`` frames wait, else None - then the caller calls
    :meth:`flush` ``delay`` seconds later (or at once before a KeyframeRequest)."""

    def __init__(
        self, clock: Callable[[], float], *, every: int = ACK_EVERY, delay: float = ACK_DELAY
    ) -> None:
        if every < 1 or delay < 0:
            raise ValueError("every must be >= 1 and delay >= 0")
        self.clock, self.every, self.delay = clock, every, delay
        self._latest: tuple[int, float] | None = None
        self._waiting = 0

    @property
    def pending(self) -> bool:
        return self._latest is not None

    def applied(self, frame_id: int) -> tuple[int, int] | None:
        self._latest, self._waiting = (frame_id, self.clock()), self._waiting + 1
        return self.flush() if self._waiting >= self.every or self.delay == 0 else None

    def flush(self) -> tuple[int, int] | None:
        """The ack for the latest applied frame and how long it was held (ms), or None
        if nothing waits."""
        if self._latest is None:
            return None
        frame_id, at = self._latest
        self._latest, self._waiting = None, 0
        return frame_id, min(MAX_HELD_MS, max(0, round((self.clock() - at) * 1000)))
