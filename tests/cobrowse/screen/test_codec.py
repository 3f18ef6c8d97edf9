"""Payload round trips (encoder -> compositor) and the strict decoder."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from screen_helpers import ui_frame

from cobrowse.errors import ProtocolError
from cobrowse.screen import codec
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.diff import Rect
from cobrowse.screen.encoder import FrameEncoder, _colors_over


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    err = np.mean((a[..., :3].astype(float) - b[..., :3].astype(float)) ** 2)
    return float("inf") if err == 0 else 10 * np.log10(255**2 / err)


def exact(comp: Compositor, frame: np.ndarray) -> bool:
    assert comp.frame is not None
    return np.array_equal(comp.frame[..., :3], frame[..., :3])


def settle(enc: FrameEncoder, comp: Compositor, frame: np.ndarray, limit: int = 50) -> int:
    """Feed an unchanged frame until the encoder has nothing left to refresh."""
    for n in range(limit):
        payload = enc.encode(frame)
        if payload is not None:
            comp.apply(payload)
        elif not enc.refresh_pending:
            return n
    raise AssertionError("refresh never finished")


SLOW_LINK = 101
"""``lossless_from`` above any quality: photos go JPEG first, as on a congested link."""


def test_keyframe_round_trip_lossless_exact_photo_within_psnr_then_exact() -> None:
    frame = ui_frame()
    enc, comp = FrameEncoder(refresh_after=2, lossless_from=SLOW_LINK), Compositor()
    payload = enc.encode(frame)
    assert payload is not None and enc.stats.jpeg_tiles > 0
    assert comp.apply(payload) == [Rect(0, 0, 640, 360)]
    assert comp.frame is not None
    text = (slice(0, 200), slice(0, 320))  # tiles without the photo: lossless
    assert np.array_equal(comp.frame[text][..., :3], frame[text][..., :3])
    assert psnr(comp.frame, frame) > 30
    assert not exact(comp, frame) and enc.refresh_pending
    settle(enc, comp, frame)
    assert exact(comp, frame)


def test_a_big_new_photo_goes_jpeg_first_then_exact_and_a_small_one_exact_at_once() -> None:
    """Good link: a page change's banner (>= ``jpeg_first_tiles``) is JPEG first so
    the agent sees the page sooner, then refreshed losslessly; a small photo change
    is exact in one pass."""
    rng = np.random.default_rng(7)
    frame = np.full((512, 1280, 4), 255, np.uint8)
    enc, comp = FrameEncoder(), Compositor()
    comp.apply(enc.encode(frame) or b"")
    banner = frame.copy()
    banner[:384, :, :3] = rng.integers(0, 256, (384, 1280, 3), dtype=np.uint8)  # 120 tiles
    comp.apply(enc.encode(banner) or b"")
    assert enc.stats.jpeg_tiles >= 96 and enc.refresh_pending and not exact(comp, banner)
    settle(enc, comp, banner)
    assert exact(comp, banner)
    small = banner.copy()
    small[:128, :256, :3] = rng.integers(0, 256, (128, 256, 3), dtype=np.uint8)  # 8 tiles
    comp.apply(enc.encode(small) or b"")
    assert enc.stats.jpeg_tiles == 0 and not enc.refresh_pending and exact(comp, small)


def test_small_change_sends_small_update_and_unchanged_sends_nothing() -> None:
    frame = ui_frame()
    enc, comp = FrameEncoder(), Compositor()
    comp.apply(enc.encode(frame) or b"")
    settle(enc, comp, frame)
    typed = frame.copy()
    typed[70:80, 100:108] = (0, 0, 0, 255)
    payload = enc.encode(typed)
    assert payload is not None and len(payload) < 100
    assert comp.apply(payload) == [Rect(100, 70, 8, 10)]  # only the changed pixels
    assert exact(comp, typed)
    assert enc.encode(typed.copy()) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 200),
            st.integers(0, 120),
            st.integers(1, 90),
            st.integers(1, 90),
            st.integers(0, 3),
        ),
        max_size=8,
    )
)
def test_random_edits_round_trip(edits: list[tuple[int, int, int, int, int]]) -> None:
    rng = np.random.default_rng(len(edits))
    frame = ui_frame(250, 150)
    enc, comp = FrameEncoder(refresh_after=1, lossless_from=SLOW_LINK), Compositor()
    comp.apply(enc.encode(frame) or b"")
    for x, y, w, h, kind in edits:
        frame = frame.copy()
        area = frame[y : y + h, x : x + w]
        if kind == 0:  # flat colour
            area[:] = (10, 200, 30, 255)
        elif kind == 1:  # photo-like: gradient plus grain
            yy, xx = np.mgrid[0 : area.shape[0], 0 : area.shape[1]]
            grain = rng.integers(0, 24, (*area.shape[:2], 3))
            area[..., :3] = (np.stack([xx, yy, xx + yy], -1) * 2 + grain).astype(np.uint8)
        else:  # text-like strokes
            area[::3, ::2] = (0, 0, 0, 255)
        payload = enc.encode(frame)
        if payload is not None:
            comp.apply(payload)
            assert psnr(comp.frame, frame) > 26  # lossy pass on grain: seen 27.99
    settle(enc, comp, frame)
    assert exact(comp, frame)


@pytest.mark.parametrize("dy", [37, -64, 5])
def test_scrolling_is_sent_as_copy_rectangles(dy: int) -> None:
    page = ui_frame(640, 1200, seed=9)[:, :, :].copy()
    page[:, 600:] = (200, 200, 200, 255)  # a scroll bar column that does not move
    view = page[100:460].copy()
    enc, comp = FrameEncoder(), Compositor()
    comp.apply(enc.encode(view) or b"")
    settle(enc, comp, view)
    scrolled = page[100 + dy : 460 + dy].copy()
    payload = enc.encode(scrolled)
    assert payload is not None
    assert any(enc == codec.COPY for _, enc, _ in codec.outline(payload)[1])
    assert len(payload) < 0.2 * len(
        codec.pack(640, 360, [(Rect(0, 0, 640, 360), *codec.encode_lossless(scrolled))])
    )
    comp.apply(payload)
    assert exact(comp, scrolled)


def test_resolution_change_sends_a_keyframe() -> None:
    enc, comp = FrameEncoder(), Compositor()
    comp.apply(enc.encode(ui_frame()) or b"")
    small = ui_frame(320, 200, seed=3)
    payload = enc.encode(small)
    assert payload is not None and codec.is_keyframe(payload)
    comp.apply(payload)
    assert comp.size == (320, 200) and comp.framebuffer is comp.frame


def test_many_colour_lossless_rect_round_trips() -> None:
    rng = np.random.default_rng(5)
    frame = rng.integers(0, 256, (130, 70, 4), dtype=np.uint8)
    for encoded in (codec.encode_lossless(frame), codec.encode_lossless(frame[:, :, :] // 64)):
        payload = codec.pack(70, 130, [(Rect(0, 0, 70, 130), *encoded)], keyframe=True)
        comp = Compositor()
        comp.apply(payload)
    assert exact(comp, frame // 64)


@pytest.mark.parametrize("h, w", [(1, 1), (1, 300), (300, 1), (2, 3), (67, 129)])
def test_grad_round_trips_at_any_shape(h: int, w: int) -> None:
    """GRAD's decoder (row sums, then one add per row down the columns) is exact for
    thin and odd-sized rectangles too."""
    frame = np.random.default_rng(h * w).integers(0, 256, (h, w, 4), dtype=np.uint8)
    frame[..., 3] = 255
    encoded = codec.encode_lossless(frame, photo=True)
    assert encoded[0] == codec.GRAD
    comp = Compositor()
    comp.apply(codec.pack(w, h, [(Rect(0, 0, w, h), *encoded)], keyframe=True))
    assert exact(comp, frame)


def test_real_capture_round_trip(xvfb: object, formpage: object) -> None:
    from cobrowse.screen.capture import Capturer

    cap = Capturer()
    try:
        frame = cap.grab(0)
    finally:
        cap.close()
    assert frame.shape == (1080, 1920, 4) and frame[..., :3].std() > 10  # the page is drawn
    enc, comp = FrameEncoder(lossless_from=SLOW_LINK), Compositor()
    comp.apply(enc.encode(frame) or b"")
    assert enc.stats.jpeg_tiles > 0  # the photo banner
    assert psnr(comp.frame, frame) > 30  # type: ignore[arg-type]
    body = slice(400, 1080)
    assert np.array_equal(comp.frame[body][..., :3], frame[body][..., :3])  # type: ignore[index]
    settle(enc, comp, frame, limit=200)
    assert exact(comp, frame)


# --- the strict decoder ------------------------------------------------------------------


def rect_payload(
    rect: tuple[int, int, int, int],
    enc: int,
    data: bytes,
    w: int = 64,
    h: int = 64,
    keyframe: bool = True,
) -> bytes:
    return codec.pack(w, h, [(Rect(*rect), enc, data)], keyframe=keyframe)


def grad_segment(raw: bytes) -> bytes:
    """A PHOTO-stream segment of a fresh stream inflating to ``raw``."""
    from cobrowse.screen import rects

    return rects.Deflaters().segment(rects.PHOTO, raw)


def palette_data(n: int, raw: bytes) -> bytes:
    from cobrowse.screen import rects

    return bytes([n - 1]) + rects.Deflaters().segment(rects.TEXT, raw)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"\xff\x10\x10\x05",  # a count that fits the flags byte as a varint
        b"\xff\x10\x10",  # the count's varint missing
        b"\x01\x00\x10",  # zero width
        b"\x01\x81\x80\x01\x10",  # width 16385
        b"\x01\x90\x00\x10",  # overlong varint
        b"\x03\x10\x10",  # missing rect
        b"\x03\x10\x10\x00\x00\x10",  # truncated rect header
        b"\x03\x10\x10\x00\x00\x10\x10\x00ab",  # truncated fill colour
        rect_payload((0, 0, 8, 8), codec.GREY, b""),  # empty last segment
        rect_payload((0, 0, 8, 8), codec.GREY, grad_segment(bytes(64)) + b"\xff\xff"),
        rect_payload((0, 0, 65, 64), codec.FILL, b"abc"),  # outside
        rect_payload((0, 0, 0, 64), codec.FILL, b"abc"),  # empty
        rect_payload((0, 0, 64, 64), codec.FILL, b"ab"),
        rect_payload((0, 0, 64, 64), 9, b"abc"),  # unknown encoding
        rect_payload((0, 0, 64, 64), codec.FILL, b"abc")[:-1],  # truncated data
        rect_payload((0, 0, 8, 8), codec.GRAD, grad_segment(bytes(8 * 8 * 3 + 1))),
        rect_payload((0, 0, 8, 8), codec.GRAD, grad_segment(bytes(8 * 8 * 3 - 1))),
        rect_payload((0, 0, 64, 64), codec.GRAD, grad_segment(bytes(10**7))),  # bomb
        rect_payload((0, 0, 8, 8), codec.GRAD, b"garbage"),
        rect_payload((0, 0, 8, 8), codec.PLANES, palette_data(1, bytes(8 * 8 * 3 - 1))[1:]),
        rect_payload((0, 0, 8, 8), codec.PLANES, b""),
        rect_payload((0, 0, 8, 8), codec.GRAD, zlib.compress(bytes(8 * 8 * 3))),  # ends
        rect_payload((0, 0, 2, 2), codec.PALETTE, palette_data(2, bytes(6) + bytes([0, 1, 2, 0]))),
        rect_payload((0, 0, 2, 2), codec.PALETTE, b"\x00" + bytes(10)),  # n = 1
        rect_payload((0, 0, 2, 2), codec.PALETTE, palette_data(3, bytes(6) + bytes(4))),
        rect_payload((0, 0, 8, 8), codec.JPEG, b"\xff\xd8garbage"),
        rect_payload(
            (0, 0, 8, 8), codec.JPEG, codec.encode_jpeg(np.zeros((16, 8, 4), np.uint8), 50)[1]
        ),  # wrong size
        rect_payload((0, 0, 8, 8), codec.FILL, b"abc") + b"x",  # trailing
        codec.pack(8, 8, [(Rect(0, 0, 8, 8), codec.FILL, b"abc")] * 2, keyframe=True),  # overlap
        codec.pack(8, 8, [(Rect(0, 0, 8, 8), codec.FILL, b"abc")]),  # no keyframe yet
        rect_payload((0, 0, 8, 8), codec.COPY, b"\x00\x08"),  # copy in a keyframe
    ],
)
def test_malformed_payloads_raise_protocol_error(payload: bytes) -> None:
    comp = Compositor()
    with pytest.raises(ProtocolError):
        comp.apply(payload)
    assert comp.frame is None


def test_copy_source_must_lie_inside_the_frame() -> None:
    comp = Compositor()
    comp.apply(rect_payload((0, 0, 64, 64), codec.FILL, b"abc"))
    with pytest.raises(ProtocolError):
        comp.apply(rect_payload((0, 0, 8, 8), codec.COPY, b"\x00\x39", keyframe=False))
    comp.apply(rect_payload((0, 0, 64, 64), codec.FILL, b"abc"))  # after an error: keyframe
    for bad in (b"\x00", b"\x00\x08\x00"):  # truncated, trailing
        with pytest.raises(ProtocolError):
            comp.apply(rect_payload((0, 0, 8, 8), codec.COPY, bad, keyframe=False))
        comp.apply(rect_payload((0, 0, 64, 64), codec.FILL, b"abc"))
    comp.apply(rect_payload((0, 0, 8, 8), codec.COPY, b"\x00\x38", keyframe=False))


def test_an_update_has_its_keyframes_size() -> None:
    """Only a keyframe carries the size (4 bytes less per update): an update's
    rectangles are checked against the keyframe's frame."""
    comp = Compositor()
    comp.apply(rect_payload((0, 0, 64, 32), codec.FILL, b"abc", h=32))
    update = rect_payload((0, 0, 8, 8), codec.FILL, b"xyz", keyframe=False)
    assert len(update) == len(rect_payload((0, 0, 8, 8), codec.FILL, b"xyz")) - 2
    comp.apply(update)
    with pytest.raises(ProtocolError, match="outside"):
        comp.apply(rect_payload((0, 30, 8, 8), codec.FILL, b"abc", keyframe=False))
    assert comp.size == (64, 32)


def test_framing_leaves_out_what_the_decoder_knows() -> None:
    """No version byte (the Hello fixes it), the count in the flags byte, no length
    for FILL, CACHED, COPY or a last deflate segment: a caret blink's FILL update is
    10 bytes of payload here (flags 1, x 2, y, w, h, encoding 1 each, colour 3)."""
    comp = Compositor()
    comp.apply(rect_payload((0, 0, 640, 64), codec.FILL, b"abc", w=640))
    caret = rect_payload((300, 20, 1, 21), codec.FILL, b"xyz", w=640, keyframe=False)
    assert len(caret) == 1 + 2 + 1 + 1 + 1 + 1 + 3
    comp.apply(caret)
    assert comp.frame is not None and bytes(comp.frame[20, 300, :3]) == b"xyz"
    streams, rng = codec.Deflaters(), np.random.default_rng(5)
    grey = np.repeat(rng.integers(0, 256, (8, 8, 1), np.uint8), 4, axis=2)
    grey[..., 3] = 255
    mixed = [
        (Rect(0, 0, 8, 8), codec.FILL, b"abc"),
        (Rect(8, 0, 8, 8), codec.COPY, b"\x00\x00"),
        (Rect(16, 0, 8, 8), *codec.encode_lossless(grey, streams)),
        (Rect(24, 0, 8, 8), *codec.encode_lossless(grey[::-1].copy(), streams)),
    ]
    assert [e for _, e, _ in mixed] == [codec.FILL, codec.COPY, codec.GREY, codec.GREY]
    comp.apply(codec.pack(640, 64, mixed))
    assert comp.frame is not None
    assert np.array_equal(comp.frame[:8, 24:32], grey[::-1])
    assert [r for r, _, _ in codec.outline(codec.pack(640, 64, mixed))[1]] == [
        r for r, _, _ in mixed
    ]


def test_a_count_over_126_follows_the_flags() -> None:
    parts = [(Rect(i, 0, 1, 1), codec.FILL, bytes([i, 0, 0])) for i in range(200)]
    payload = codec.pack(200, 1, parts, keyframe=True)
    assert payload[0] == 0xFF
    comp = Compositor()
    comp.apply(payload)
    assert comp.frame is not None and comp.frame[0, 150, 0] == 150


def test_decoder_bounds_frame_size() -> None:
    huge = codec.pack(8192, 8192, [], keyframe=True)
    with pytest.raises(ProtocolError):
        Compositor().apply(huge)
    assert Compositor(max_pixels=8192 * 8192).apply(huge)


VALID = FrameEncoder(refresh_after=1).encode(ui_frame(130, 90, seed=1)) or b""


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=200),
        st.builds(
            lambda i, b: VALID[:i] + bytes([b]) + VALID[i + 1 :],
            st.integers(0, len(VALID) - 1),
            st.integers(0, 255),
        ),
        st.builds(lambda i: VALID[:i], st.integers(0, len(VALID))),
        st.builds(
            lambda hdr, body: hdr + body,
            st.just(b"\x07\x20\x20"),
            st.binary(max_size=300),
        ),
    )
)
def test_fuzzed_payloads_only_raise_protocol_error(payload: bytes) -> None:
    comp = Compositor(max_pixels=1 << 20)
    try:
        comp.apply(payload)
    except ProtocolError:
        return
    assert comp.frame is not None and comp.frame.nbytes <= 4 << 20


def _scroll_pair() -> tuple[bytes, bytes]:
    page = ui_frame(512, 600, seed=4)
    enc = FrameEncoder(refresh_after=0, refresh_tiles=1000)
    key = enc.encode(page[:300].copy()) or b""
    while enc.encode(page[:300].copy()) is not None:
        pass
    return key, enc.encode(page[40:340].copy()) or b""


KEY, DELTA = _scroll_pair()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(DELTA) - 1), st.integers(0, 255), st.integers(0, len(DELTA)))
def test_fuzzed_delta_updates_only_raise_protocol_error(i: int, byte: int, cut: int) -> None:
    comp = Compositor()
    comp.apply(KEY)
    before = comp.frame.copy()  # type: ignore[union-attr]
    try:
        comp.apply((DELTA[:i] + bytes([byte]) + DELTA[i + 1 :])[:cut])
    except ProtocolError:
        assert np.array_equal(comp.frame, before)  # a rejected update changes nothing


def test_fuzzed_delta_contains_a_copy() -> None:
    assert any(enc == codec.COPY for _, enc, _ in codec.outline(DELTA)[1])


def test_photo_tile_test_counts_colours_exactly() -> None:
    """The photo test's shortcuts (few runs: no sort; a photo: a sorted prefix) give
    the same answer as counting every tile's distinct colours."""
    rng = np.random.default_rng(3)
    tiles = [
        np.repeat(rng.integers(0, 2**32, 300, dtype=np.uint32), 14)[:4096],  # 300 runs
        rng.integers(0, 256, 4096, dtype=np.uint32),  # 256 colours, many runs
        rng.integers(0, 257, 4096, dtype=np.uint32),  # 257
        np.concatenate([np.zeros(2048, np.uint32), np.arange(2048, dtype=np.uint32)]),
        np.concatenate([np.arange(2048, dtype=np.uint32) % 200, np.zeros(2048, np.uint32)]),
        rng.integers(0, 2**32, 4096, dtype=np.uint32),  # grain
        np.full(4096, 7, np.uint32),
    ]
    rows = np.stack(tiles)
    expected = [len(np.unique(t)) > 256 for t in tiles]
    assert _colors_over(rows, 256).tolist() == expected
    assert _colors_over(rows[:, :1000], 256).tolist() == [
        len(np.unique(t[:1000])) > 256 for t in tiles
    ]
