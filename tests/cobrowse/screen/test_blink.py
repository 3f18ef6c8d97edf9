"""A blinking caret the agent animates itself: detection, suppression, ending."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cobrowse.screen import codec
from cobrowse.screen.blink import BlinkTracker
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.diff import Rect
from cobrowse.screen.encoder import FrameEncoder

CARET = Rect(200, 100, 1, 21)
W, H = 320, 240


class Sim:
    """Citizen (encoder + tracker) and agent (compositor) on one fake clock, no
    latency: after each capture the agent's picture must equal the screen."""

    def __init__(self) -> None:
        self.t = 0.0
        self.screen = np.full((H, W, 4), 255, np.uint8)
        self.screen[40:60, 20:120, :3] = 90  # some text-like content
        self.encoder = FrameEncoder()
        self.tracker = BlinkTracker()
        self.comp = Compositor(clock=lambda: self.t)
        self.payloads: list[bytes] = []
        self.capture(0.0, None)

    def caret(self, on: bool, rect: Rect = CARET) -> list[tuple[int, int, int, int]]:
        x, y, w, h = rect
        self.screen[y : y + h, x : x + w, :3] = 0 if on else 255
        return [(x - 2, y - 2, w + 4, h + 4)]  # damage a little larger, as X reports it

    def capture(self, t: float, dirty: list[tuple[int, int, int, int]] | None) -> bytes | None:
        self.advance(t)
        dirty, extra = self.tracker.before(t, self.screen, dirty, self.encoder)
        payload = self.encoder.encode(self.screen, dirty, extra=extra)
        self.tracker.after(t, self.screen, [] if payload is None else [payload])
        if payload is not None:
            self.payloads.append(payload)
            self.comp.apply(payload)
        return payload

    def advance(self, t: float) -> None:
        """The agent's clock runs to ``t``; its animation ticks on the way."""
        while (due := self.comp.next_tick) is not None and due <= t:
            self.t = due
            self.comp.tick()
        self.t = t

    def idle_until(self, t: float) -> None:
        """No damage: captures happen only when the tracker asks for a look."""
        while (wait := self.tracker.wait(self.t)) + self.t <= t:
            self.capture(self.t + wait, [])
        self.advance(t)

    def exact(self) -> bool:
        assert self.comp.frame is not None
        return bool((self.comp.frame[..., :3] == self.screen[..., :3]).all())


def blink(sim: Sim, times: list[float], start_on: bool = True) -> list[bytes | None]:
    out = []
    for i, t in enumerate(times):
        sim.idle_until(t)
        out.append(sim.capture(t, sim.caret((i % 2 == 0) == start_on)))
    return out


def blink_rects(payload: bytes) -> list[Rect]:
    return [r for r, e, _ in codec.outline(payload)[1] if e == codec.BLINK]


def test_a_steady_caret_starts_an_animation_and_then_costs_no_updates() -> None:
    sim = Sim()
    times = [0.5 + 0.5 * k for k in range(12)]
    sent = blink(sim, times)
    assert sent[0] is not None and sent[1] is not None  # learning: two toggles sent
    assert sent[2] is not None and blink_rects(sent[2]) == [CARET]  # the third starts it
    assert sent[3:] == [None] * 9  # then nothing at all
    assert sim.comp.blinking == [CARET]
    for k in range(40):  # the agent's picture follows the screen's blink on its own
        t = times[-1] + 0.01 * k
        sim.advance(t)
        screen_on = int(round((t - 0.5) / 0.5 - 0.5)) % 2 == 0
        if abs((t - 0.5) / 0.5 - round((t - 0.5) / 0.5)) > 0.05:
            assert sim.comp.frame is not None
            assert bool(sim.comp.frame[CARET.y, CARET.x, 0] == 0) == screen_on
    assert sim.tracker.started == 1


def test_jittery_toggles_are_still_recognised_and_kept_out_of_updates() -> None:
    sim = Sim()
    rng = np.random.default_rng(1)
    times = [0.5 + 0.5 * k + float(rng.uniform(-0.04, 0.04)) for k in range(14)]
    sent = blink(sim, times)
    assert blink_rects(sent[2] or b"") == [CARET]
    assert sum(p is not None for p in sent[3:]) <= 1  # at most one resync
    assert sim.comp.blinking == [CARET]


def test_irregular_toggles_are_not_animated() -> None:
    sim = Sim()
    sent = blink(sim, [0.5, 1.0, 1.9, 2.2, 3.5, 3.7, 4.3, 5.4])
    assert all(p is not None and not blink_rects(p) for p in sent)
    assert sim.comp.blinking == [] and sim.exact()


def test_an_asymmetric_caret_is_recognised_after_five_toggles() -> None:
    sim = Sim()
    times, t = [], 0.5
    for k in range(10):
        t += 0.6 if k % 2 else 0.3  # on 0.3 s after an off toggle... on 0.6, off 0.3
        times.append(t)
    sent = blink(sim, times)
    started = [k for k, p in enumerate(sent) if p is not None and blink_rects(p)]
    assert started == [4]
    assert sent[5:] == [None] * 5


@pytest.mark.parametrize("stops_on", [True, False])
def test_a_caret_that_stops_blinking_ends_in_its_true_state(stops_on: bool) -> None:
    sim = Sim()
    times = [0.5 + 0.5 * k for k in range(8)]
    blink(sim, times if stops_on != (len(times) % 2 == 0) else times[:-1])
    assert sim.comp.blinking == [CARET]
    last = sim.t
    sim.idle_until(last + 3.0)  # no damage at all: the tracker's own look notices
    assert sim.comp.blinking == [] and sim.tracker.animated == []
    assert sim.exact()
    assert bool(sim.screen[CARET.y, CARET.x, 0] == 0) == stops_on
    sim.advance(last + 10.0)
    assert sim.exact()  # nothing animates any more


def test_typing_moves_the_caret_and_ends_the_animation_before_the_letter() -> None:
    sim = Sim()
    blink(sim, [0.5 + 0.5 * k for k in range(6)])
    assert sim.comp.blinking == [CARET]
    sim.advance(3.2)
    sim.caret(False)  # the caret leaves, a letter appears where it was, caret after it
    sim.screen[104:118, 198:206, :3] = 40
    moved = Rect(CARET.x + 8, CARET.y, 1, 21)
    sim.caret(True, moved)
    payload = sim.capture(3.2, [(190, 95, 30, 30)])
    assert payload is not None and sim.comp.blinking == [] and sim.tracker.animated == []
    assert sim.exact()
    sim.advance(6.0)
    assert sim.exact()


def test_a_change_right_next_to_the_caret_ends_it_even_if_the_caret_looks_right() -> None:
    sim = Sim()
    blink(sim, [0.5 + 0.5 * k for k in range(6)])  # ends off
    sim.advance(3.1)
    sim.screen[100:121, 203:207, :3] = 30  # a glyph 2 px to its right, caret untouched
    sim.capture(3.1, [(203, 100, 4, 21)])
    assert sim.comp.blinking == [] and sim.exact()
    sim.advance(5.0)
    assert sim.exact()


def test_a_toggle_far_off_time_ends_the_animation_with_the_true_pixels() -> None:
    sim = Sim()
    blink(sim, [0.5 + 0.5 * k for k in range(6)])  # last toggle 3.0 (off)
    sim.advance(3.1)
    sim.capture(3.1, sim.caret(True))  # 0.4 s early
    assert sim.comp.blinking == [] and sim.exact()


def test_a_keyframe_ends_the_animation_on_both_sides() -> None:
    sim = Sim()
    blink(sim, [0.5 + 0.5 * k for k in range(6)])
    sim.encoder.request_keyframe()
    sim.tracker.reset()
    payload = sim.capture(3.1, None)
    assert payload is not None and codec.is_keyframe(payload)
    assert sim.comp.blinking == [] and sim.tracker.animated == [] and sim.exact()


def test_a_drifting_caret_gets_a_new_blink_with_refined_durations() -> None:
    sim = Sim()
    sent = blink(sim, [0.5 + 0.52 * k for k in range(3)] + [1.54 + 0.56 * k for k in range(1, 12)])
    resent = [k for k, p in enumerate(sent) if p is not None and blink_rects(p)]
    assert resent[0] == 2 and len(resent) >= 2
    assert sum(p is not None for p in sent) <= 2 + len(resent)


EVENTS = st.lists(
    st.tuples(
        st.sampled_from(["toggle", "toggle", "toggle", "late", "near", "far", "move", "key"]),
        st.floats(-0.06, 0.06),
    ),
    min_size=3,
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(EVENTS)
def test_whatever_happens_the_agent_is_exact_once_the_screen_is_still(
    events: list[tuple[str, float]],
) -> None:
    """Blinks with jitter, late toggles, changes near and far, a moved caret,
    keyframes: once the screen stops changing, the agent's picture equals it."""
    sim, t, on, caret = Sim(), 0.0, False, CARET
    for kind, jitter in events:
        t += 0.5 + jitter
        if kind == "late":
            t += 0.3
        if kind in ("toggle", "late"):
            on = not on
            sim.idle_until(t)
            sim.capture(t, sim.caret(on, caret))
        elif kind in ("near", "far"):
            x = caret.x + 5 if kind == "near" else 20
            sim.screen[caret.y : caret.y + 5, x : x + 3, :3] = int(jitter * 1000) % 200
            sim.idle_until(t)
            sim.capture(t, [(x, caret.y, 3, 5)])
        elif kind == "move":
            sim.caret(False, caret)
            caret = Rect(40 + (caret.x + 37) % 240, caret.y, 1, 21)
            sim.idle_until(t)
            sim.capture(t, [(0, caret.y - 2, W, 25)])
            on = False
        else:
            sim.encoder.request_keyframe()
            sim.tracker.reset()
            sim.idle_until(t)
            sim.capture(t, None)
    sim.idle_until(t + 5.0)  # still from here on
    assert sim.tracker.animated == [] and sim.comp.blinking == []
    assert sim.exact()


def test_an_update_sent_in_parts_ends_the_animation_if_any_part_touches_it() -> None:
    """A big update goes out in parts as it is encoded (the first pass ahead of the
    rest): the tracker mirrors the agent over all of them, not only the last."""
    sim = Sim()
    blink(sim, [0.5 + 0.5 * k for k in range(6)])
    assert sim.tracker.animated == [CARET]
    over = Rect(CARET.x - 5, CARET.y, 20, 30)  # the first part paints over the caret
    first = codec.pack(W, H, [(over, codec.FILL, b"\x00\x00\xff")])
    last = codec.pack(W, H, [(Rect(0, 0, 10, 10), codec.FILL, b"\x00\xff\x00")])
    sim.tracker.after(sim.t, sim.screen, [first, last])
    assert sim.tracker.animated == []
