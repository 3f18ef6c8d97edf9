from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from cobrowse.screen.diff import Rect, dirty_tiles, dirty_tiles_in, merge_tiles, tile_grid


def apply_rects(prev: np.ndarray, cur: np.ndarray, rects: list[Rect]) -> np.ndarray:
    out = prev.copy()
    for r in rects:
        out[r.y : r.y + r.h, r.x : r.x + r.w] = cur[r.y : r.y + r.h, r.x : r.x + r.w]
    return out


@st.composite
def frame_pairs(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    h = draw(st.integers(1, 150))
    w = draw(st.integers(1, 150))
    tile = draw(st.sampled_from([8, 16, 64]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    prev = rng.integers(0, 4, (h, w, 4), dtype=np.uint8)
    cur = prev.copy()
    for _ in range(draw(st.integers(0, 6))):
        y, x = draw(st.integers(0, h - 1)), draw(st.integers(0, w - 1))
        cur[y : y + draw(st.integers(1, 40)), x : x + draw(st.integers(1, 40))] = rng.integers(
            0, 255, 4, dtype=np.uint8
        )
    return prev, cur, tile


@settings(max_examples=150, deadline=None)
@given(frame_pairs())
def test_applying_dirty_rects_reproduces_the_new_frame(pair: tuple) -> None:
    prev, cur, tile = pair
    mask = dirty_tiles(prev, cur, tile)
    rects = merge_tiles(mask, *cur.shape[:2], tile)
    assert np.array_equal(apply_rects(prev, cur, rects), cur)
    # rectangles are disjoint, inside the frame and cover only dirty tiles
    cover = np.zeros(cur.shape[:2], np.int32)
    for r in rects:
        assert r.w > 0 and r.h > 0 and r.x + r.w <= cur.shape[1] and r.y + r.h <= cur.shape[0]
        cover[r.y : r.y + r.h, r.x : r.x + r.w] += 1
    assert cover.max(initial=0) <= 1
    assert cover.sum() <= int(mask.sum()) * tile * tile


def test_unchanged_frame_has_no_dirty_tiles() -> None:
    frame = np.zeros((100, 130, 4), np.uint8)
    assert not dirty_tiles(frame, frame.copy()).any()
    assert merge_tiles(dirty_tiles(frame, frame.copy()), 100, 130) == []
    assert tile_grid(100, 130) == (2, 3)


def test_a_block_of_tiles_merges_into_one_rectangle() -> None:
    mask = np.zeros((5, 6), bool)
    mask[1:4, 2:5] = True
    assert merge_tiles(mask, 320, 384) == [Rect(128, 64, 192, 192)]


def test_edge_tiles_are_clipped() -> None:
    mask = np.ones((2, 2), bool)
    assert merge_tiles(mask, 100, 70) == [Rect(0, 0, 70, 100)]


def _reference_mask(prev: np.ndarray, cur: np.ndarray, tile: int) -> np.ndarray:
    changed = (prev != cur).any(axis=2)
    rows, cols = tile_grid(*changed.shape, tile)
    mask = np.zeros((rows, cols), bool)
    for r in range(rows):
        for c in range(cols):
            mask[r, c] = changed[r * tile : (r + 1) * tile, c * tile : (c + 1) * tile].any()
    return mask


@settings(max_examples=150, deadline=None)
@given(frame_pairs(), st.data())
def test_masks_match_a_pixel_by_pixel_reference(pair: tuple, data: st.DataObject) -> None:
    """The two-pixels-at-a-time compare (even widths), the one-pixel compare (odd) and
    the compare inside damage rectangles all find exactly the changed tiles."""
    prev, cur, tile = pair
    h, w = cur.shape[:2]
    expected = _reference_mask(prev, cur, tile)
    assert np.array_equal(dirty_tiles(prev, cur, tile), expected)
    assert np.array_equal(dirty_tiles_in(prev, cur, [(0, 0, w, h)], tile), expected)
    x, y = data.draw(st.integers(-5, w)), data.draw(st.integers(-5, h))
    rw, rh = data.draw(st.integers(0, 80)), data.draw(st.integers(0, 80))
    inside = np.zeros_like(prev)
    inside[max(0, y) : max(0, y + rh), max(0, x) : max(0, x + rw)] = 1
    only = np.where(inside.astype(bool), cur, prev)  # the change inside the rectangle only
    assert np.array_equal(
        dirty_tiles_in(prev, cur, [(x, y, rw, rh)], tile), _reference_mask(prev, only, tile)
    )
