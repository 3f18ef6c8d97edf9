"""The encoder and the compositor as one stream: persistent deflate history reset on
keyframes, damage hints, lossless photos on a good link, and recovery after a
broken stream."""

from __future__ import annotations

import numpy as np
import pytest
from screen_helpers import ui_frame

from cobrowse.errors import ProtocolError
from cobrowse.screen import codec, rects
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.diff import Rect
from cobrowse.screen.encoder import FIRST_QUALITY, FrameEncoder

Box = tuple[int, int, int, int]


def glyph(frame: np.ndarray, x: int, y: int, seed: int) -> Box:
    """Draw an anti-aliased-looking 9x15 "letter" (greys on white) at ``(x, y)``."""
    rng = np.random.default_rng(seed)
    shape = rng.integers(0, 6, (15, 9)) * 51
    frame[y : y + 15, x : x + 9, :3] = shape[..., None].astype(np.uint8)
    return x, y, 9, 15


def photo(width: int, height: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width]
    smooth = np.stack([xx % 256, yy % 256, (xx + yy) % 256], -1)
    return (smooth + rng.normal(0, 6, (height, width, 3))).clip(0, 255).astype(np.uint8)


def session_frames() -> list[tuple[str, np.ndarray, list[Box] | None]]:
    """Typing, a page change with a new photo, a scroll, a resize: each frame with
    the rectangles that changed (as X damage would report them)."""
    page = ui_frame(640, 360, seed=2)
    page[200:300, 20:400, :3] = photo(380, 100, 1)
    out: list[tuple[str, np.ndarray, list[Box] | None]] = [("start", page, None)]
    for i in range(6):
        page = page.copy()
        out.append((f"type {i}", page, [glyph(page, 30 + 10 * i, 60, seed=i % 3)]))
    page = ui_frame(640, 360, seed=5)
    page[40:180, 200:620, :3] = photo(420, 140, 7)
    out.append(("page change", page, [(0, 0, 640, 360)]))
    tall = ui_frame(640, 900, seed=8)
    out.append(("scroll 0", tall[0:360].copy(), [(0, 0, 640, 360)]))
    out.append(("scroll 1", tall[48:408].copy(), [(0, 0, 640, 360)]))
    out.append(("resize", ui_frame(400, 300, seed=9), None))
    return out


def exact(comp: Compositor, frame: np.ndarray) -> bool:
    assert comp.frame is not None
    return bool(np.array_equal(comp.frame[..., :3], frame[..., :3]))


def play(enc: FrameEncoder, comp: Compositor, frame: np.ndarray, hint: list[Box] | None) -> int:
    """Encode ``frame`` and then still captures until nothing is left; bytes sent."""
    sent, dirty = 0, hint
    for _ in range(20):
        payload = enc.encode(frame.copy(), dirty)
        dirty = []  # the still captures: nothing damaged
        if payload is not None:
            comp.apply(payload)
            sent += len(payload)
        elif not enc.refresh_pending:
            return sent
    raise AssertionError("the stream never settled")


@pytest.mark.parametrize("lossless_from", [75, 101], ids=["good link", "slow link"])
def test_session_round_trips_pixel_for_pixel(lossless_from: int) -> None:
    enc, comp = FrameEncoder(lossless_from=lossless_from), Compositor()
    for name, frame, hint in session_frames():
        play(enc, comp, frame, hint)
        assert exact(comp, frame), name


def test_good_link_sends_a_new_photo_losslessly_at_once() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frames = session_frames()
    play(enc, comp, frames[0][1], None)
    payload = enc.encode(frames[7][1].copy())  # the page change
    assert payload is not None
    encodings = {enc for _, enc, _ in codec.outline(payload)[1]}
    assert codec.GRAD in encodings and codec.JPEG not in encodings
    comp.apply(payload)
    assert exact(comp, frames[7][1]) and not enc.refresh_pending


def test_a_photo_that_keeps_changing_goes_jpeg_then_refreshes() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frame = ui_frame(640, 360, seed=2)
    comp.apply(enc.encode(frame) or b"")
    for seed in range(3):  # a video: the same area, new pixels every update
        frame = frame.copy()
        frame[200:300, 20:400, :3] = photo(380, 100, seed)
        comp.apply(enc.encode(frame) or b"")
    assert enc.stats.jpeg_tiles > 0 and enc.refresh_pending
    play(enc, comp, frame, [])
    assert exact(comp, frame)


def test_dirty_hint_gives_the_same_payloads_as_comparing_everything() -> None:
    full, hinted = FrameEncoder(), FrameEncoder()
    for name, frame, hint in session_frames():
        assert full.encode(frame.copy()) == hinted.encode(frame.copy(), hint), name


def test_dirty_hint_compares_only_inside_the_rectangles() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frame = ui_frame()
    comp.apply(enc.encode(frame) or b"")
    typed = frame.copy()
    box = glyph(typed, 100, 70, seed=1)
    elsewhere = typed.copy()
    elsewhere[300:310, 500:510, :3] = 0  # not damaged: the hint says it did not change
    assert enc.encode(elsewhere, [box]) is not None
    assert enc.encode(elsewhere.copy(), []) is None
    assert enc.encode(elsewhere.copy(), [(-50, -50, 10_000, 10_000)]) is not None  # clipped


def test_a_typed_character_is_its_bounding_box_and_history_makes_repeats_cheap() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frame = np.full((360, 640, 4), 255, np.uint8)
    comp.apply(enc.encode(frame) or b"")
    sizes = []
    for i in range(3):
        frame = frame.copy()
        box = glyph(frame, 40 + 12 * i, 80, seed=4)  # the same letter three times
        payload = enc.encode(frame, [box])
        assert payload is not None
        [(rect, _, _)] = codec.outline(payload)[1]
        assert tuple(rect) == box  # not the 64x64 tile
        comp.apply(payload)
        sizes.append(len(payload))
    assert exact(comp, frame)
    assert sizes[1] < sizes[0] // 2 and sizes[2] < sizes[0] // 2  # the stream remembers


@pytest.mark.parametrize("seed", range(4))
def test_small_text_goes_as_the_shorter_of_palette_and_planes(seed: int) -> None:
    from cobrowse.screen import rects

    region = np.full((21, 12, 4), 255, np.uint8)
    rng = np.random.default_rng(seed)
    region[..., :3] = (rng.integers(0, 8, (21, 12)) * (36 if seed % 2 else 5))[..., None]
    if seed >= 2:
        region[3:9, 2:7] = (40, 90, 200, 255)  # a coloured mark too
    encoding, data = rects.encode_lossless(region)  # fresh streams
    flat = region.view(np.uint32).ravel()
    colours = np.unique(flat)
    index = np.searchsorted(colours, flat).astype(np.uint8).tobytes()
    palette = rects.Deflaters().segment(rects.TEXT, rects._palette_planes(colours) + index)
    planes = rects.Deflaters().segment(rects.TEXT, rects._planes(region).tobytes())
    assert (encoding, len(data)) == min(
        (codec.PALETTE, 1 + len(palette)), (codec.PLANES, len(planes)), key=lambda c: c[1]
    )
    comp = Compositor()
    comp.apply(codec.pack(12, 21, [(Rect(0, 0, 12, 21), encoding, data)], keyframe=True))
    assert exact(comp, region)


def smooth_glyph(frame: np.ndarray, x: int, y: int, seed: int) -> Box:
    """A 12x21 anti-aliased stroke: 70-95 greys, like a letter Chromium draws."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:21, 0:12]
    ink = sum(
        np.exp(-((xx - rng.uniform(2, 10)) ** 2 + (yy - rng.uniform(3, 18)) ** 2) / 4)
        for _ in range(3)
    )
    frame[y : y + 21, x : x + 12, :3] = (255 - np.clip(ink * 255, 0, 255)).astype(np.uint8)[
        ..., None
    ]
    return x, y, 12, 21


def test_anti_aliased_letters_go_as_grey_and_round_trip() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frame = np.full((360, 640, 4), 255, np.uint8)
    comp.apply(enc.encode(frame) or b"")
    kinds = []
    for i in range(6):
        frame = frame.copy()
        payload = enc.encode(frame, [smooth_glyph(frame, 20 + 13 * i, 50, seed=i)])
        assert payload is not None
        kinds += [kind for _, kind, _ in codec.outline(payload)[1]]
        comp.apply(payload)
        assert exact(comp, frame)
    assert kinds == [codec.GREY] * 6  # one plane: B = G = R


def test_keyframe_resets_the_streams_for_a_new_viewer() -> None:
    enc, old_viewer = FrameEncoder(), Compositor()
    frames = session_frames()
    for _, frame, hint in frames[:4]:
        play(enc, old_viewer, frame, hint)
    delta = enc.encode(frames[4][1].copy())
    assert delta is not None
    with pytest.raises(ProtocolError, match="keyframe must come first"):
        Compositor().apply(delta)  # a new viewer cannot join mid-stream
    old_viewer.apply(delta)
    enc.request_keyframe()  # resume / new viewer
    new_viewer = Compositor()
    for viewer in (new_viewer, old_viewer):  # the keyframe is self-contained for both
        key = enc.encode(frames[5][1].copy())
        assert key is not None and codec.is_keyframe(key)
        viewer.apply(key)
        enc.request_keyframe()
    enc.encode(frames[5][1].copy())  # the last keyframe went to both
    for _, frame, hint in frames[6:]:
        payload = enc.encode(frame.copy(), hint)
        for viewer in (new_viewer, old_viewer):
            if payload is not None:
                viewer.apply(payload)
    for viewer in (new_viewer, old_viewer):
        assert viewer.size == (400, 300)


def test_after_a_bad_update_only_a_keyframe_is_taken() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frames = session_frames()
    play(enc, comp, frames[0][1], None)
    good = enc.encode(frames[1][1].copy())
    assert good is not None
    corrupt = good[:-3] + bytes(b ^ 0x55 for b in good[-3:])
    with pytest.raises(ProtocolError):
        comp.apply(corrupt)
    with pytest.raises(ProtocolError, match="keyframe must come first"):
        comp.apply(good)  # the stream history is gone: even a good delta is refused
    enc.request_keyframe()
    comp.apply(enc.encode(frames[1][1].copy()) or b"")
    play(enc, comp, frames[2][1], frames[2][2])
    assert exact(comp, frames[2][1])


def test_clear_forgets_the_stream_too() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frames = session_frames()
    play(enc, comp, frames[0][1], None)
    comp.clear()  # privacy pause
    delta = enc.encode(frames[1][1].copy())
    with pytest.raises(ProtocolError, match="keyframe"):
        comp.apply(delta or b"")


def big_page_change() -> tuple[np.ndarray, np.ndarray]:
    """A 1920x1080 page and the next one: new text everywhere and a new 1920x384 photo
    banner (over JPEG_FIRST_TILES photo tiles, so it goes JPEG first)."""
    before = ui_frame(1920, 1080, seed=3)
    before[64:448, :, :3] = photo(1920, 384, 1)
    after = ui_frame(1920, 1080, seed=4)
    after[64:448, :, :3] = photo(1920, 384, 2)
    return before, after


def test_a_big_update_goes_out_in_stretches_that_reassemble_exactly() -> None:
    before, after = big_page_change()
    whole, split = FrameEncoder(), FrameEncoder()
    whole_comp, split_comp = Compositor(), Compositor()
    whole_comp.apply(whole.encode(before.copy()) or b"")
    split_comp.apply(
        split.encode(before.copy(), emit=lambda p: pytest.fail("keyframe split")) or b""
    )
    one = whole.encode(after.copy())
    early: list[bytes] = []
    last = split.encode(after.copy(), emit=early.append)
    assert one is not None and last is not None and len(early) >= 2
    assert split.stats.payloads == len(early) + 1
    assert split.stats.payload_bytes == sum(map(len, early)) + len(last)
    # the first payload is the lossy first pass of the banner alone
    first = codec.outline(early[0])[1]
    assert {e for _, e, _ in first} == {codec.JPEG}
    # at the first-pass quality (a good link: the exact refresh follows), not 75
    rect, _, size = first[0]
    region = after[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
    assert (
        size
        == len(rects.encode_jpeg(region, FIRST_QUALITY)[1])
        < len(rects.encode_jpeg(region, split.quality)[1])
    )
    # the same rectangles as the one payload, in as many payloads, same pixels
    parts = [r for p in [*early, last] for r in codec.outline(p)[1]]
    assert sorted(r for r, _, _ in parts) == sorted(r for r, _, _ in codec.outline(one)[1])
    for payload in [*early, last]:
        split_comp.apply(payload)
    whole_comp.apply(one)
    assert whole_comp.frame is not None and split_comp.frame is not None
    assert np.array_equal(split_comp.frame, whole_comp.frame)
    # and the stream goes on in step: the lossless refresh follows, exact in the end
    play(split, split_comp, after, [])
    assert exact(split_comp, after)


def test_a_small_update_is_never_split() -> None:
    enc, comp = FrameEncoder(), Compositor()
    frames = session_frames()
    for _, frame, hint in frames[:7]:  # the start and six typed letters
        payload = enc.encode(frame.copy(), hint, emit=lambda p: pytest.fail("split"))
        comp.apply(payload or b"")
        assert enc.stats.payloads == 1
    assert exact(comp, frames[6][1])


def test_a_scroll_sends_its_moves_first_then_the_uncovered_strip() -> None:
    enc, comp = FrameEncoder(), Compositor()
    tall = ui_frame(640, 900, seed=8)
    comp.apply(enc.encode(tall[0:360].copy()) or b"")
    early: list[bytes] = []
    last = enc.encode(tall[48:408].copy(), emit=early.append)
    assert last is not None and len(early) == 1
    assert {e for _, e, _ in codec.outline(early[0])[1]} == {codec.COPY}
    assert codec.COPY not in {e for _, e, _ in codec.outline(last)[1]}
    comp.apply(early[0])
    comp.apply(last)
    assert exact(comp, tall[48:408])


def test_a_video_on_a_good_link_keeps_the_flow_quality_not_the_first_pass_one() -> None:
    enc = FrameEncoder()
    frame = ui_frame(640, 360, seed=2)
    enc.encode(frame)
    for seed in range(3):  # the same area, new pixels every update
        frame = frame.copy()
        frame[192:320, 64:448, :3] = photo(384, 128, seed)
        payload = enc.encode(frame)
    assert payload is not None
    jpegs = [(r, n) for r, e, n in codec.outline(payload)[1] if e == codec.JPEG]
    assert jpegs
    for rect, size in jpegs:
        region = frame[rect.y : rect.y + rect.h, rect.x : rect.x + rect.w]
        assert size == len(rects.encode_jpeg(region, enc.quality)[1])
