"""The rectangle cache: encoder and decoder in lock-step, reset on keyframes,
bounded, and strict about references."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from cobrowse.errors import ProtocolError
from cobrowse.screen import codec, rectcache
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.diff import Rect
from cobrowse.screen.encoder import FrameEncoder

W, H = 320, 120
WHITE = (255, 255, 255, 255)


def glyphs(n: int, seed: int = 1) -> list[np.ndarray]:
    """``n`` different anti-aliased 'letters': 9x17 grey shapes (PLANES/PALETTE)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        grey = rng.choice(
            [255, 230, 180, 120, 60, 20], size=(17, 9), p=[0.5, 0.1, 0.1, 0.1, 0.1, 0.1]
        )
        grey[0, 0] = grey[-1, -1] = grey[0, -1] = grey[-1, 0] = 0  # the box is the glyph
        out.append(np.repeat(grey[..., None], 4, axis=2).astype(np.uint8))
    for g in out:
        g[..., 3] = 255
    return out


def blank() -> np.ndarray:
    return np.full((H, W, 4), WHITE, np.uint8)


def draw(frame: np.ndarray, glyph: np.ndarray, x: int, y: int) -> np.ndarray:
    out = frame.copy()
    out[y : y + glyph.shape[0], x : x + glyph.shape[1]] = glyph
    return out


def send(enc: FrameEncoder, comp: Compositor, frame: np.ndarray) -> list[int]:
    payload = enc.encode(frame)
    assert payload is not None
    comp.apply(payload)
    assert comp.frame is not None and np.array_equal(comp.frame[..., :3], frame[..., :3])
    return [encoding for _, encoding, _ in codec.outline(payload)[1]]


def test_a_letter_typed_again_is_a_cache_reference_and_pixel_exact() -> None:
    enc, comp = FrameEncoder(), Compositor()
    e = glyphs(1)[0]
    send(enc, comp, blank())
    first = send(enc, comp, draw(blank(), e, 10, 10))
    assert codec.CACHED not in first
    again = draw(draw(blank(), e, 10, 10), e, 40, 10)  # the same letter further on
    payload = enc.encode(again)
    assert payload is not None
    ((_, encoding, size),) = codec.outline(payload)[1]
    assert encoding == codec.CACHED and size == 1
    comp.apply(payload)
    assert comp.frame is not None and np.array_equal(comp.frame[..., :3], again[..., :3])


def test_many_updates_stay_in_lock_step_through_eviction() -> None:
    """More distinct letters than slots, typed in random order at random places: the
    agent's picture equals the screen after every update, and repeats hit."""
    enc, comp = FrameEncoder(), Compositor()
    pool = glyphs(rectcache.SLOTS + 20)
    rng = np.random.default_rng(7)
    frame = blank()
    send(enc, comp, frame)
    used = []
    for _ in range(400):
        g = pool[int(rng.integers(len(pool)))]
        x, y = int(rng.integers(0, W - 9)), int(rng.integers(0, H - 17))
        frame = draw(blank(), g, x, y)  # one letter on a clean page each time
        used += send(enc, comp, frame)
    assert used.count(codec.CACHED) > 40
    assert enc._cache.hits == used.count(codec.CACHED)  # noqa: SLF001


def test_a_keyframe_empties_the_cache_on_both_sides() -> None:
    enc, comp = FrameEncoder(), Compositor()
    e = glyphs(1)[0]
    send(enc, comp, blank())
    send(enc, comp, draw(blank(), e, 10, 10))
    enc.request_keyframe()  # a new viewer or a resync: a fresh decoder
    comp = Compositor()
    send(enc, comp, blank())
    assert codec.CACHED not in send(enc, comp, draw(blank(), e, 10, 10))
    assert codec.CACHED in send(enc, comp, draw(draw(blank(), e, 10, 10), e, 200, 80))


def rect_payload(rect: tuple[int, int, int, int], encoding: int, data: bytes) -> bytes:
    return codec.pack(64, 64, [(Rect(*rect), encoding, data)], keyframe=False)


def primed() -> tuple[Compositor, np.ndarray]:
    """A compositor whose cache holds one 9x17 letter in slot 0."""
    enc, comp = FrameEncoder(), Compositor()
    glyph = glyphs(1)[0]
    comp.apply(enc.encode(np.full((64, 64, 4), 255, np.uint8)) or b"")
    payload = enc.encode(draw(np.full((64, 64, 4), 255, np.uint8), glyph, 3, 3))
    assert payload is not None
    comp.apply(payload)
    return comp, glyph


@pytest.mark.parametrize(
    ("rect", "data", "problem"),
    [
        ((0, 0, 9, 17), b"\x01", "empty"),  # nothing inserted there yet
        ((0, 0, 9, 17), bytes([rectcache.SLOTS]), "slot"),  # out of range
        ((0, 0, 17, 9), b"\x00", "another size"),
        ((0, 0, 9, 17), b"\x00\x00", "trailing"),
        ((0, 0, 9, 17), b"", "truncated"),
    ],
)
def test_malformed_cache_references_are_a_clear_error(
    rect: tuple[int, int, int, int], data: bytes, problem: str
) -> None:
    comp, glyph = primed()
    with pytest.raises(ProtocolError, match=problem):
        comp.apply(rect_payload(rect, codec.CACHED, data))
    with pytest.raises(ProtocolError, match="keyframe"):  # nothing but a keyframe now
        comp.apply(rect_payload((0, 0, 9, 17), codec.CACHED, b"\x00"))


def test_a_valid_reference_draws_the_cached_pixels() -> None:
    comp, glyph = primed()
    comp.apply(rect_payload((50, 40, 9, 17), codec.CACHED, b"\x00"))
    assert comp.frame is not None
    assert np.array_equal(comp.frame[40:57, 50:59, :3], glyph[..., :3])


def test_the_encoder_cache_is_bounded() -> None:
    cache = rectcache.EncoderCache(slots=4)
    keys = [bytes([i]) * 10 for i in range(6)]
    for key in keys:
        cache.insert(key)
    assert cache.find(keys[0]) is None and cache.find(keys[1]) is None
    assert cache.find(keys[5]) == b"\x01"  # slots 0-3 round robin: 4, 5, 2, 3
    assert len(cache._where) == 4  # noqa: SLF001


def test_grey_text_goes_as_one_plane_and_round_trips() -> None:
    """Grey anti-aliased letters: GREY (one plane) is smaller than PLANES (three)."""
    enc, comp = FrameEncoder(), Compositor()
    send(enc, comp, blank())
    assert send(enc, comp, draw(blank(), glyphs(1, seed=5)[0], 30, 30)) == [codec.GREY]
    tinted = glyphs(1, seed=5)[0].copy()
    tinted[3, 3] = (20, 30, 40, 255)  # one coloured pixel: not grey any more
    enc, comp = FrameEncoder(), Compositor()
    send(enc, comp, blank())
    assert codec.GREY not in send(enc, comp, draw(blank(), tinted, 30, 30))


def test_a_grey_segment_of_the_wrong_size_is_a_clear_error() -> None:
    comp, _ = primed()
    segment = zlib.compressobj(6, zlib.DEFLATED, 15, 9)
    data = segment.compress(bytes(10)) + segment.flush(zlib.Z_SYNC_FLUSH)
    with pytest.raises(ProtocolError, match="size|corrupt"):
        comp.apply(rect_payload((0, 0, 9, 17), codec.GREY, data[:-4]))
