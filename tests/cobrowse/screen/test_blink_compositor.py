"""BLINK rectangles on the agent's side: the record, the animation, its end."""

from __future__ import annotations

import numpy as np
import pytest

from cobrowse.errors import ProtocolError
from cobrowse.screen import codec
from cobrowse.screen.compositor import MAX_BLINKS, Compositor
from cobrowse.screen.diff import Rect
from cobrowse.screen.encoder import FrameEncoder

W, H = 128, 64
CARET = Rect(40, 10, 2, 20)
BLACK, WHITE = (codec.FILL, b"\x00\x00\x00"), (codec.FILL, b"\xff\xff\xff")


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def agent() -> tuple[Compositor, Clock]:
    clock = Clock()
    comp = Compositor(clock=clock)
    comp.apply(codec.pack(W, H, [(Rect(0, 0, W, H), *WHITE)], keyframe=True))
    return comp, clock


def blink(rect: Rect = CARET, ms: tuple[int, int] = (500, 500), first: int = 500) -> bytes:
    data = codec.blink_data(ms, first, [BLACK, WHITE])
    return codec.pack(W, H, [(rect, codec.BLINK, data)])


def caret_on(comp: Compositor, rect: Rect = CARET) -> bool:
    assert comp.frame is not None
    return bool((comp.frame[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w, :3] == 0).all())


def test_blink_paints_its_first_state_and_toggles_on_the_agents_clock() -> None:
    comp, clock = agent()
    assert comp.apply(blink(ms=(600, 300), first=200)) == [CARET]
    assert caret_on(comp) and comp.next_tick == pytest.approx(100.2)
    shown = []
    for t in np.arange(100.0, 102.0, 0.05):  # state0 0.2 s, then off 0.3, on 0.6, ...
        clock.t = float(t)
        assert comp.tick() in ([], [CARET])
        shown.append(caret_on(comp))
    expected = [((t - 100.2) % 0.9) >= 0.3 or t < 100.2 for t in np.arange(100.0, 102.0, 0.05)]
    mismatches = [i for i, (a, b) in enumerate(zip(shown, expected, strict=True)) if a != b]
    assert len(mismatches) <= 2  # float edges at the exact toggle instants


def test_an_update_touching_the_rectangle_ends_the_animation_first() -> None:
    comp, clock = agent()
    comp.apply(blink())
    clock.t += 0.6  # the agent shows the caret off now (its own toggle)
    comp.tick()
    letter = Rect(38, 12, 6, 10)  # overlaps the caret's rectangle
    comp.apply(codec.pack(W, H, [(letter, codec.FILL, b"\x10\x20\x30")]))
    assert comp.blinking == [] and comp.next_tick is None
    clock.t += 5
    assert comp.tick() == []


def test_an_update_elsewhere_leaves_it_running() -> None:
    comp, _ = agent()
    comp.apply(blink())
    comp.apply(codec.pack(W, H, [(Rect(90, 40, 5, 5), *BLACK)]))
    assert comp.blinking == [CARET]


def test_a_copy_reading_from_it_ends_it() -> None:
    comp, _ = agent()
    comp.apply(blink())
    copy = codec.pack(W, H, [(Rect(80, 10, 10, 30), *codec.encode_copy(35, 5))])
    comp.apply(copy)
    assert comp.blinking == []


def test_a_keyframe_and_clear_end_it() -> None:
    comp, _ = agent()
    comp.apply(blink())
    comp.apply(codec.pack(W, H, [(Rect(0, 0, W, H), *WHITE)], keyframe=True))
    assert comp.blinking == []
    comp.apply(blink())
    comp.clear()
    assert comp.blinking == [] and comp.next_tick is None


def test_a_new_blink_of_the_same_rectangle_replaces_the_old() -> None:
    comp, clock = agent()
    comp.apply(blink())
    comp.apply(blink(ms=(530, 530), first=100))
    assert comp.blinking == [CARET] and comp.next_tick == pytest.approx(clock.t + 0.1)


def test_too_many_or_overlapping_blinks_are_refused_and_nothing_is_painted() -> None:
    comp, _ = agent()
    for i in range(MAX_BLINKS):
        comp.apply(blink(Rect(2 + 10 * i, 40, 1, 20)))
    assert comp.frame is not None
    before = comp.frame.copy()
    with pytest.raises(ProtocolError):
        comp.apply(blink(Rect(100, 40, 1, 20)))
    assert np.array_equal(comp.frame, before)
    comp, _ = agent()
    data = codec.blink_data((500, 500), 500, [BLACK, WHITE])
    two = [(Rect(10, 10, 4, 4), codec.BLINK, data), (Rect(12, 12, 4, 4), codec.BLINK, data)]
    with pytest.raises(ProtocolError):
        comp.apply(codec.pack(W, H, two))


@pytest.mark.parametrize(
    "ms, first",
    [((20, 500), 10), ((500, 500), 600), ((500, 20000), 100)],
)
def test_blink_timing_out_of_range_is_refused(ms: tuple[int, int], first: int) -> None:
    comp, _ = agent()
    with pytest.raises(ProtocolError):
        comp.apply(blink(ms=ms, first=first))


def test_blink_is_refused_in_a_keyframe_too_large_or_with_a_lossy_state() -> None:
    comp, _ = agent()
    data = codec.blink_data((500, 500), 500, [BLACK, WHITE])
    with pytest.raises(ProtocolError):
        Compositor().apply(codec.pack(W, H, [(CARET, codec.BLINK, data)], keyframe=True))
    with pytest.raises(ProtocolError):
        comp.apply(codec.pack(W, H, [(Rect(0, 0, 65, 64), codec.BLINK, data)]))
    comp, _ = agent()
    jpeg = codec.blink_data((500, 500), 500, [BLACK, (codec.JPEG, b"\xff\xd8")])
    with pytest.raises(ProtocolError):
        comp.apply(codec.pack(W, H, [(CARET, codec.BLINK, jpeg)]))


def test_blink_states_share_the_streams_and_cache_with_the_encoder() -> None:
    """States encoded by the encoder (deflate segments, cache hits) decode to the
    same pixels, and both caches stay in step for the rectangles after them."""
    rng = np.random.default_rng(3)
    frame = np.full((H, W, 4), 255, np.uint8)
    enc, comp = FrameEncoder(), Compositor()
    comp.apply(enc.encode(frame) or b"")
    rect = Rect(20, 20, 12, 21)
    glyphs = [rng.integers(0, 8, (21, 12, 1)).astype(np.uint8) * 30 for _ in range(2)]
    states = [np.concatenate([g, g, g, np.full_like(g, 255)], axis=2) for g in glyphs]
    frame[20:41, 20:32] = states[1]
    comp.apply(enc.encode(frame) or b"")  # state 1 enters both caches
    frame[20:41, 20:32] = states[0]
    enc.assume(rect, states[0])
    parts = [
        (rect, codec.BLINK, codec.blink_data((500, 500), 400, [enc.exact(rect, s) for s in states]))
    ]
    frame[50:60, 90:100, :3] = 7
    payload = enc.encode(frame, [(90, 50, 10, 10)], extra=parts)
    assert payload is not None
    assert [e for _, e, _ in codec.outline(payload)[1]] == [codec.BLINK, codec.FILL]
    comp.apply(payload)
    assert comp.frame is not None and np.array_equal(comp.frame[..., :3], frame[..., :3])
    assert comp.blinking == [rect]
    frame[0:21, 60:72] = states[0]  # the same pixels elsewhere: a cache hit on both sides
    payload = enc.encode(frame) or b""
    assert [e for _, e, _ in codec.outline(payload)[1]] == [codec.CACHED]
    comp.apply(payload)
    assert np.array_equal(comp.frame[..., :3], frame[..., :3])
