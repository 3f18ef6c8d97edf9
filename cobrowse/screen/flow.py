"""Ack-based flow control for screen updates (sans-I/O: the clock is passed in).

At most ``window`` frames are in flight (sent, not yet acknowledged by the
agent).  Captures are paced by a token bucket: up to ``burst`` at once (a typed
character that Chromium paints in two strokes goes out at once, both strokes),
then ``fps`` a second; the caller captures only when the screen changed, so a
still screen costs nothing.  Round-trip time and throughput are measured from send and ack times;
when the round trip grows beyond ``slow_rtt`` (the agent's view lags), JPEG
quality and the frame-rate cap go down; when the link is quick they recover.
The caller captures only when :meth:`FlowControl.delay` is 0, so a slow link
never builds a backlog: whatever is captured next is the newest screen.

The agent acknowledges frames cumulatively and lazily
(:class:`cobrowse.session.acks.DelayedAcks`): at once when ``ACK_EVERY`` frames wait
for an ack, else after ``ACK_DELAY``, saying how long it held the ack (subtracted
from the round trip).  So up to ``ACK_EVERY - 1`` frames in flight may in truth be
applied and waiting for a held ack; a frame older than twice the round trip (plus a
margin) counts as such and leaves the window, so a held ack neither blocks the next
frame nor lets more than ``window`` frames travel.

Not thread-safe; :class:`~cobrowse.screen.streamer.ScreenStreamer` calls it under
its own lock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from cobrowse.session.acks import ACK_EVERY

HELD_MARGIN = 0.01
"""Seconds beyond two round trips after which an unacked frame counts as held."""


@dataclass
class _Sent:
    at: float
    size: int


class FlowControl:
    """Window, pacing and quality decisions for one stream."""

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        window: int = 2,
        max_fps: float = 30.0,
        min_fps: float = 2.0,
        quality: int = 75,
        min_quality: int = 30,
        max_quality: int = 85,
        slow_rtt: float = 0.15,
        burst: float = 3.0,
        ack_every: int = ACK_EVERY,
    ) -> None:
        if window < 1 or not 0 < min_fps <= max_fps or burst < 1:
            raise ValueError("window and burst must be >= 1 and 0 < min_fps <= max_fps")
        self.clock = clock
        self.window = window
        self.max_fps, self.min_fps = max_fps, min_fps
        self.min_quality, self.max_quality = min_quality, max_quality
        self.slow_rtt = slow_rtt
        self.quality = quality
        self.fps = max_fps
        self.rtt: float | None = None
        """Smoothed round trip (send to ack) in seconds, None before the first ack."""
        self.throughput: float | None = None
        """Smoothed bytes per second seen by acknowledged frames (a lower bound)."""
        self.acked_frames = 0
        self.unknown_acks = 0
        self._in_flight: dict[int, _Sent] = {}
        self.burst = burst
        self.ack_every = ack_every
        self._credit = burst  # captures allowed now, refilled at ``fps`` a second
        self._last_capture = -math.inf
        self._last_adjust = -math.inf

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def delay(self) -> float:
        """Seconds until the next frame may be sent; ``inf`` while the window is full
        (or until an unacked frame will count as held)."""
        if self._travelling() >= self.window:
            return self._until_held()
        missing = 1.0 - self._credit_now()
        return 0.0 if missing < 1e-9 else missing / self.fps

    def since_capture(self) -> float:
        """Seconds since the last capture started."""
        return self.clock() - self._last_capture

    def captured(self) -> None:
        """Record that a capture starts now (the token bucket paces captures, sent
        or not)."""
        self._credit = self._credit_now() - 1.0
        self._last_capture = self.clock()

    def _credit_now(self) -> float:
        refill = (self.clock() - self._last_capture) * self.fps
        return min(self.burst, self._credit + refill)

    def _held_before(self) -> float:
        """Frames sent before this time have surely arrived (-inf before any ack)."""
        if self.rtt is None:
            return -math.inf
        return self.clock() - 2 * self.rtt - HELD_MARGIN

    def _travelling(self) -> int:
        """Frames in flight less those presumably applied and waiting for a held ack
        (at most ``ack_every - 1``: the agent acks at once at ``ack_every``)."""
        before = self._held_before()
        held = sum(1 for s in self._in_flight.values() if s.at < before)
        return len(self._in_flight) - min(held, self.ack_every - 1)

    def _until_held(self) -> float:
        """Seconds until the oldest frame in flight counts as held, if that would free
        a slot of the window; else ``inf`` (only an ack frees one)."""
        if self.rtt is None or self.ack_every < 2:
            return math.inf
        held = sorted(s.at for s in self._in_flight.values())[: self.ack_every - 1]
        before = self._held_before()
        waiting = [at for at in held if at >= before]
        if not waiting:
            return math.inf
        return max(1e-3, waiting[0] - before)

    def sent(self, frame_id: int, size: int) -> None:
        """Record that frame ``frame_id`` of ``size`` bytes left now."""
        if self._travelling() >= self.window:
            raise RuntimeError("flow control: window is full")
        self._in_flight[frame_id] = _Sent(self.clock(), size)

    def acked(self, frame_id: int, held: float = 0.0) -> bool:
        """The agent applied ``frame_id`` and held its ack ``held`` seconds; False if
        it was not in flight (e.g. sent before :meth:`reset`).  Acks are cumulative:
        older frames count as acked too, since the agent applies frames in order."""
        sent = self._in_flight.get(frame_id)
        if sent is None:
            self.unknown_acks += 1
            return False
        for older in [f for f in self._in_flight if f <= frame_id]:
            del self._in_flight[older]
        self._measure(self.clock() - sent.at - held, sent.size)
        return True

    def reset(self) -> None:
        """Forget frames in flight (reconnect, new viewer); measurements are kept."""
        self._in_flight.clear()
        self._credit, self._last_capture = self.burst, -math.inf

    def _measure(self, rtt: float, size: int) -> None:
        self.acked_frames += 1
        rtt = max(rtt, 1e-4)
        self.rtt = rtt if self.rtt is None else 0.8 * self.rtt + 0.2 * rtt
        rate = size / rtt
        self.throughput = rate if self.throughput is None else 0.8 * self.throughput + 0.2 * rate
        self._adapt()

    def _adapt(self) -> None:
        """Multiplicative decrease when the round trip is slow, gentle increase when
        it is quick; at most one change per round trip."""
        now = self.clock()
        assert self.rtt is not None
        if now - self._last_adjust < self.rtt:
            return
        if self.rtt > self.slow_rtt:
            self.quality = max(self.min_quality, self.quality - 10)
            self.fps = max(self.min_fps, self.fps * 0.7)
        elif self.rtt < self.slow_rtt / 2:
            self.quality = min(self.max_quality, self.quality + 2)
            self.fps = min(self.max_fps, self.fps * 1.2)
        else:
            return
        self._last_adjust = now
