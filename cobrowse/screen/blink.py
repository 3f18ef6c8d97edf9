"""Citizen side: a blinking caret that the agent draws itself.

A blinking caret costs two screen updates a second, each its own encrypted record
(~37 bytes on the wire) plus acks.  :class:`BlinkTracker` watches the updates the
encoder sends; when a small rectangle has toggled between the same two states at a
steady pace (three toggles, two matching intervals; five for a caret whose on and off
times differ) and nothing around it changed, the capture that brings the next toggle
sends one BLINK rectangle instead (:mod:`cobrowse.screen.codec`): both states and
their durations.  The agent's :class:`~cobrowse.screen.compositor.Compositor` then
animates it on its own clock, and each toggle the screen makes on time is kept out of
the update (:meth:`FrameEncoder.assume`): nothing is sent, so nothing is acked.

Exactness: the animation ends, and the rectangle's true pixels are sent with the
update that ends it (the encoder is told its pixels are unknown), when

* the rectangle shows anything but the two states, or a pixel around it changed
  (typing, the caret moved, focus left);
* a toggle comes far off time, or does not come: :meth:`BlinkTracker.wait` asks for a
  look when the next toggle is overdue by :data:`LATE` of its duration;
* any rectangle the encoder sends touches it (the agent ends it by the same rule);
* a keyframe (new viewer, resume, monitor switch, request): :meth:`BlinkTracker.reset`.

When the screen's pace drifts from the agent's by more than :data:`RESYNC` of a
state's duration (the mean of three toggles, so jitter alone does not), a new BLINK
with the refined durations replaces the old one.

Not thread-safe: the capture thread owns it (:class:`~cobrowse.screen.streamer.ScreenStreamer`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from cobrowse.screen import codec
from cobrowse.screen.diff import Frame, Rect, intersection
from cobrowse.screen.encoder import FrameEncoder, Part

HALF = (0.15, 2.5)
"""Shortest and longest time (s) one state of a blink may show to be animated."""
JITTER = (0.03, 0.1)
"""Intervals match when each is within ``a + b x`` their mean (seconds, fraction)."""
LATE = 0.3
"""A toggle within this fraction of its state's duration of the expected time is on
time; a missing one is noticed that late."""
RESYNC = 0.15
"""The agent's schedule may lag or lead the screen's by this fraction of a duration."""
MARGIN = 16
"""Pixels around an animated rectangle that must not change (the caret moved)."""
HISTORY = 5
CANDIDATES = 8
MAX_RUNNING = 2
SAMPLES = 16
DirtyRects = list[tuple[int, int, int, int]]
Parts = Sequence[tuple[Rect, int, object]]


@dataclass
class _Seen:
    """A small rectangle the encoder sent, with the times and states it was sent."""

    rect: Rect
    toggles: list[tuple[float, bytes]]
    around: bytes


@dataclass
class _Running:
    """An animation the agent has: the screen's side of it."""

    rect: Rect
    states: tuple[bytes, bytes]
    shown: int
    since: float
    """When the screen entered ``states[shown]``."""
    around: bytes
    samples: tuple[list[float], list[float]] = field(default_factory=lambda: ([], []))
    agent_due: float = 0.0
    """When the agent (as sent, less its latency) toggles next."""
    sent: list[float] = field(default_factory=lambda: [0.0, 0.0])
    """The durations of the two states the agent was sent (s)."""
    drifts: list[float] = field(default_factory=list)
    """Screen toggle minus the agent's, since the last BLINK (s)."""

    def duration(self, state: int) -> float:
        """The state's observed duration (the other's if not seen yet)."""
        seen = self.samples[state] or self.samples[1 - state]
        return statistics.fmean(seen)


class BlinkTracker:
    """Finds steady blinks, starts and ends their animation (see module doc)."""

    def __init__(self) -> None:
        self._seen: list[_Seen] = []
        self._running: list[_Running] = []
        self._pending: list[Rect] = []
        self.started = self.ended = 0

    @property
    def animated(self) -> list[Rect]:
        return [a.rect for a in self._running]

    def reset(self) -> None:
        """A keyframe: the agent has no animation and the encoder starts afresh."""
        self._seen, self._running, self._pending = [], [], []

    def wait(self, now: float) -> float:
        """Seconds until a capture must look even without damage: a toggle overdue,
        or pixels to resend (0); ``inf`` when nothing is animated."""
        if self._pending:
            return 0.0
        due = min((self._overdue(a) for a in self._running), default=math.inf)
        return max(0.0, due - now)

    @staticmethod
    def _overdue(a: _Running) -> float:
        return a.since + (1 + LATE) * a.duration(a.shown) + 1e-3

    def before(
        self, now: float, frame: Frame, dirty: DirtyRects | None, encoder: FrameEncoder
    ) -> tuple[DirtyRects | None, list[Part]]:
        """Before ``encoder.encode(frame, dirty)``: toggles on time are kept out of
        the update, ended animations resent; returns the damage to pass (with the
        rectangles to resend) and the BLINK rectangles to send first."""
        forced, self._pending = self._pending, []
        extra = self._follow(now, frame, encoder, forced)
        for seen in list(self._seen):
            new = self._confirm(seen, now, frame, forced)
            if new is not None:
                encoder.assume(new.rect, _pixels(frame, new.rect))
                extra.append(self._blink(new, now, encoder))
        for r in forced:
            encoder.assume(r, ~_pixels(frame, r))  # matches no capture: all of it goes
        if dirty is not None:
            dirty = dirty + [tuple(r) for r in forced]  # type: ignore[misc]
        return dirty, extra

    def _follow(
        self, now: float, frame: Frame, encoder: FrameEncoder, forced: list[Rect]
    ) -> list[Part]:
        """The running animations against this capture: on-time toggles kept out of
        the update (a resync BLINK returned if one drifted), the others ended and
        their rectangles added to ``forced``."""
        extra = []
        for a in list(self._running):
            verdict = self._check(a, now, frame)
            if verdict == "end":
                self._end(a)
                forced.append(a.rect)
            elif verdict == "toggled":
                encoder.assume(a.rect, _pixels(frame, a.rect))
                if self._toggled(a, now):
                    extra.append(self._blink(a, now, encoder))
        return extra

    def after(self, now: float, frame: Frame, payloads: Sequence[bytes]) -> None:
        """After the update was made (``payloads``: its parts in order, none if
        nothing was sent): mirror the agent (rectangles touching an animation end
        it) and remember small rectangles that may blink."""
        if not payloads:
            return
        walked = [codec.walk(payload) for payload in payloads]
        if any(header.keyframe for header, _ in walked):
            self.reset()
            return
        parts = [part for _, some in walked for part in some]
        started = {r for r, e, _ in parts if e == codec.BLINK}
        for a in list(self._running):
            if a.rect not in started and _touches(a.rect, parts):
                self._end(a)
                if not _covered(a.rect, parts):
                    self._pending.append(a.rect)
                self._pending += _copied_from(a.rect, parts)
        self._observe(now, frame, parts)

    # --- running animations ----------------------------------------------------

    def _check(self, a: _Running, now: float, frame: Frame) -> str:
        if _around(frame, a.rect) != a.around:
            return "end"
        state, d = _pixels(frame, a.rect).tobytes(), a.duration(a.shown)
        if state == a.states[a.shown]:
            return "end" if now >= self._overdue(a) - 1e-3 else "still"
        if state == a.states[1 - a.shown] and abs(now - a.since - d) <= LATE * d:
            return "toggled"
        return "end"

    def _toggled(self, a: _Running, now: float) -> bool:
        """Record an on-time toggle; True if the agent must be resynchronised."""
        samples = a.samples[a.shown]
        samples.append(now - a.since)
        del samples[:-SAMPLES]
        a.shown, a.since = 1 - a.shown, now
        a.drifts = [*a.drifts[-2:], now - a.agent_due]
        a.agent_due += a.sent[a.shown]
        drift = statistics.fmean(a.drifts) if len(a.drifts) == 3 else 0.0
        return abs(drift) > RESYNC * min(a.duration(0), a.duration(1))

    def _end(self, a: _Running) -> None:
        self._running.remove(a)
        self.ended += 1

    def _blink(self, a: _Running, now: float, encoder: FrameEncoder) -> Part:
        """The BLINK rectangle for ``a`` as the screen shows it now."""
        shown, other = a.states[a.shown], a.states[1 - a.shown]
        h, w = a.rect.h, a.rect.w
        regions = [np.frombuffer(s, np.uint8).reshape(h, w, 4) for s in (shown, other)]
        states = [encoder.exact(a.rect, region) for region in regions]
        ms = [_ms(a.duration(a.shown)), _ms(a.duration(1 - a.shown))]
        a.sent[a.shown], a.sent[1 - a.shown] = ms[0] / 1000, ms[1] / 1000
        a.agent_due, a.drifts = now + ms[0] / 1000, []
        return a.rect, codec.BLINK, codec.blink_data((ms[0], ms[1]), ms[0], states)

    # --- finding blinks --------------------------------------------------------

    def _confirm(self, seen: _Seen, now: float, frame: Frame, busy: list[Rect]) -> _Running | None:
        """A running animation if this capture is the toggle that makes ``seen`` a
        steady blink (nothing around it changed, room for one more)."""
        rect = seen.rect
        if len(self._running) >= MAX_RUNNING or any(
            _overlap(rect, r) for r in busy + self.animated
        ):
            return None
        state = _pixels(frame, rect).tobytes()
        toggles = _alternating([*seen.toggles, (now, state)])
        timing = _timing([t for t, _ in toggles]) if len(toggles) >= 3 else None
        if timing is None or _around(frame, rect) != seen.around:
            return None
        self._seen.remove(seen)
        a = _Running(rect, (state, toggles[-2][1]), 0, now, seen.around)
        a.samples[0].append(timing[0])
        a.samples[1].append(timing[1])
        self._running.append(a)
        self.started += 1
        return a

    def _observe(self, now: float, frame: Frame, parts: Parts) -> None:
        painted = [(r, e) for r, e, _ in parts if e != codec.BLINK]
        for seen in list(self._seen):
            exact = any(r == seen.rect for r, _ in painted)
            others = [p for p in parts if p[0] != seen.rect or p[1] == codec.COPY]
            if _touches(seen.rect, others) or any(_overlap(seen.rect, r) for r in self.animated):
                self._seen.remove(seen)
            elif exact:
                seen.toggles = [*seen.toggles[-(HISTORY - 1) :], (now, _state(frame, seen.rect))]
                seen.around = _around(frame, seen.rect)
        known = {s.rect for s in self._seen} | set(self.animated)
        new = [r for r, e in painted if e in codec.BLINK_STATES and r not in known]
        for r in [r for r in new if r.w * r.h <= codec.MAX_BLINK_PIXELS][-CANDIDATES:]:
            self._seen.append(_Seen(r, [(now, _state(frame, r))], _around(frame, r)))
        del self._seen[:-CANDIDATES]


def _pixels(frame: Frame, r: Rect) -> Frame:
    return np.ascontiguousarray(frame[r.y : r.y + r.h, r.x : r.x + r.w])


def _state(frame: Frame, r: Rect) -> bytes:
    return _pixels(frame, r).tobytes()


def _around(frame: Frame, r: Rect) -> bytes:
    """The pixels within :data:`MARGIN` of ``r``, ``r`` itself blanked."""
    height, width = frame.shape[:2]
    x0, y0 = max(0, r.x - MARGIN), max(0, r.y - MARGIN)
    x1, y1 = min(width, r.x + r.w + MARGIN), min(height, r.y + r.h + MARGIN)
    region = frame[y0:y1, x0:x1].copy()
    region[r.y - y0 : r.y - y0 + r.h, r.x - x0 : r.x - x0 + r.w] = 0
    return region.tobytes()


def _alternating(toggles: list[tuple[float, bytes]]) -> list[tuple[float, bytes]]:
    """The longest tail (at most :data:`HISTORY`) switching between two states."""
    n = 2
    while n < min(len(toggles), HISTORY) and (
        toggles[-n - 1][1] == toggles[-n + 1][1] != toggles[-n][1]
    ):
        n += 1
    if len(toggles) < 2 or toggles[-1][1] == toggles[-2][1]:
        return toggles[-1:]
    return toggles[-n:]


def _timing(times: list[float]) -> tuple[float, float] | None:
    """Durations of the state entered last and of the other, if the intervals are
    steady: all alike, or (five toggles or more) alike per state."""
    iv = [b - a for a, b in zip(times, times[1:], strict=False)]
    if not all(HALF[0] <= i <= HALF[1] for i in iv):
        return None
    last, other = iv[(len(times) - 1) % 2 :: 2], iv[len(times) % 2 :: 2]
    if _steady(iv):
        return statistics.fmean(iv), statistics.fmean(iv)
    if len(last) >= 2 and len(other) >= 2 and _steady(last) and _steady(other):
        return statistics.fmean(last), statistics.fmean(other)
    return None


def _steady(values: list[float]) -> bool:
    mean = statistics.fmean(values)
    return all(abs(v - mean) <= JITTER[0] + JITTER[1] * mean for v in values)


def _ms(seconds: float) -> int:
    low, high = codec.BLINK_MS
    return min(high, max(low, round(seconds * 1000)))


def _overlap(a: Rect, b: Rect) -> bool:
    return intersection(a, b) is not None


def _sources(parts: Parts) -> list[tuple[Rect, Rect]]:
    """``(source, destination)`` of each COPY rectangle."""
    return [(codec.copy_source(r, d), r) for r, e, d in parts if e == codec.COPY]  # type: ignore[arg-type]


def _touches(rect: Rect, parts: Parts) -> bool:
    """The compositor's rule: a rectangle painted over ``rect`` or copied from it."""
    return any(_overlap(rect, r) for r, _, _ in parts) or any(
        _overlap(rect, s) for s, _ in _sources(parts)
    )


def _covered(rect: Rect, parts: Parts) -> bool:
    """Whether the update's painting rectangles cover all of ``rect``."""
    mask = np.ones((rect.h, rect.w), np.bool_)
    for r, e, _ in parts:
        c = intersection(rect, r) if e != codec.COPY else None
        if c is not None:
            mask[c.y - rect.y : c.y - rect.y + c.h, c.x - rect.x : c.x - rect.x + c.w] = False
    return not mask.any()


def _copied_from(rect: Rect, parts: Parts) -> list[Rect]:
    """Where a COPY put pixels read from ``rect`` (the agent's were uncertain)."""
    out = []
    for src, dst in _sources(parts):
        if (c := intersection(src, rect)) is not None:
            out.append(Rect(c.x - src.x + dst.x, c.y - src.y + dst.y, c.w, c.h))
    return out
