"""The damage-driven frame buffers, and the streamer on a fake change-reporting source."""

from __future__ import annotations

import queue
import random
import threading

import numpy as np
import pytest

from cobrowse.screen import codec
from cobrowse.screen import encoder as encoder_module
from cobrowse.screen.capture import Monitor
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.screen.framestore import FrameStore, cover
from cobrowse.screen.hidden import DARK, LIGHT, HiddenAreas
from cobrowse.screen.source import DAMAGE, WOKEN, Changes
from cobrowse.screen.streamer import ScreenStreamer

Rect = tuple[int, int, int, int]


def test_one_buffer_updated_in_place_streams_the_screen_exactly() -> None:
    """The store writes changes into the one buffer the encoder was given before;
    the encoder compares against its own reference, so every update still reaches
    the agent (an encoder that kept the buffer itself would see no change)."""
    rng = random.Random(12)
    screen = np.zeros((96, 128, 4), np.uint8)
    screen[..., 3] = 255
    store, enc, comp = FrameStore(), FrameEncoder(), Compositor()
    first = store.full(screen.copy())
    comp.apply(enc.encode(first) or b"")
    for _ in range(300):
        rects: list[Rect] = []
        for _ in range(rng.randrange(0, 4)):
            x, y = rng.randrange(128), rng.randrange(96)
            rect = (x, y, rng.randrange(1, 129 - x), rng.randrange(1, 97 - y))
            if rng.random() < 0.8:  # sometimes damage repaints the same pixels
                screen[y : y + rect[3], x : x + rect[2], :3] = rng.randrange(256)
            rects.append(rect)
        if rng.random() < 0.1:  # most of the screen changed: a fresh whole grab
            frame, hint = store.full(screen.copy()), None
        else:
            grabs = [(r, screen[r[1] : r[1] + r[3], r[0] : r[0] + r[2]]) for r in rects]
            frame, hint = store.update(grabs), rects
            assert frame is first  # in place: no second buffer
        assert np.array_equal(frame, screen)
        payload = enc.encode(frame, dirty=hint)
        if payload is not None:
            comp.apply(payload)
        assert comp.frame is not None and np.array_equal(comp.frame, screen)
        first = frame


def test_cover_merges_many_rects_and_takes_the_screen_when_most_changed() -> None:
    assert cover([(1, 2, 3, 4)], 640, 480) == [(1, 2, 3, 4)]
    many = [(x * 10, 5, 2, 2) for x in range(50)]  # 50 specks along one tile row
    merged = cover(many, 640, 480)
    assert len(merged) < 50 and all(r[1] == 0 and r[3] == 64 for r in merged)
    assert cover([(0, 0, 600, 400)], 640, 480) == [(0, 0, 640, 480)]


class FakeScreen:
    """A change-reporting source (ScreenSource) over a numpy screen."""

    def __init__(self) -> None:
        self.screen = np.full((200, 320, 4), 255, np.uint8)
        self._dirty: list[Rect] = []
        self._lock = threading.Lock()
        self._event = threading.Event()
        self.grabbed: list[Rect | None] = []

    @property
    def pending(self) -> bool:
        with self._lock:
            return bool(self._dirty)

    def draw(self, rect: Rect, value: int) -> None:
        x, y, w, h = rect
        with self._lock:
            self.screen[y : y + h, x : x + w, :3] = value
            self._dirty.append(rect)
        self._event.set()

    def monitors(self) -> list[Monitor]:
        return [Monitor(0, 0, 0, 320, 200, True)]

    def wait(self, timeout: float | None) -> int:
        fired = self._event.wait(timeout)
        self._event.clear()
        return (DAMAGE if self.pending else WOKEN) if fired else 0

    def changes(self, monitor: Monitor) -> Changes:
        with self._lock:
            dirty, self._dirty = tuple(self._dirty), []
        return Changes(dirty)

    def grab(self, monitor: Monitor, rect: Rect | None = None) -> np.ndarray:
        self.grabbed.append(rect)
        x, y, w, h = rect or (0, 0, 320, 200)
        with self._lock:
            return self.screen[y : y + h, x : x + w].copy()

    def wake(self) -> None:
        self._event.set()

    def close(self) -> None:
        pass


def greys(area: np.ndarray) -> bool:
    return {tuple(int(c) for c in px) for px in area.reshape(-1, 4)} <= {LIGHT, DARK}


def test_changes_under_the_clients_windows_stay_hatched_and_moves_uncover() -> None:
    source, areas = FakeScreen(), HiddenAreas()
    areas.publish([(100, 50, 60, 40)])
    frames: queue.Queue[tuple[int, bytes]] = queue.Queue()
    streamer = ScreenStreamer(
        lambda i, p: frames.put((i, p)),
        source_factory=lambda: source,
        cursor_factory=None,
        hidden=areas.rects,
    )
    comp = Compositor()

    def until(check: object) -> np.ndarray:
        while True:
            frame_id, payload = frames.get(timeout=10)
            comp.apply(payload)
            streamer.ack(frame_id)
            assert comp.frame is not None
            if check(comp.frame):  # type: ignore[operator]
                return comp.frame

    streamer.start()
    try:
        until(lambda f: greys(f[50:90, 100:160]))
        source.draw((0, 0, 320, 90), 40)  # the citizen's page changes beneath the bar
        frame = until(lambda f: (f[0, 0, :3] == 40).all())
        assert greys(frame[50:90, 100:160])
        assert source.grabbed[-1] is not None  # just the damage, not a whole-screen grab
        areas.publish([(200, 120, 60, 40)])  # the bar moves; the screen draws it there
        source.draw((200, 120, 60, 40), 40)
        frame = until(lambda f: greys(f[120:160, 200:260]))
        assert (frame[50:90, 100:160, :3] == 40).all()  # the old place shows the page
        areas.publish([(0, 0, 50, 50)])  # moved again, and no damage reported (yet)
        frame = until(lambda f: greys(f[0:50, 0:50]))
        assert (frame[120:160, 200:260, :3] == 40).all()
    finally:
        streamer.stop()


class AlwaysRefreshing(FrameEncoder):
    """An encoder that always has lossy tiles to refresh and never sends anything."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = threading.Semaphore(0)

    @property
    def refresh_pending(self) -> bool:
        return True

    def encode(
        self, frame: np.ndarray, dirty: object = None, emit: object = None, *, extra: object = ()
    ) -> bytes | None:
        self.calls.release()
        return None


def test_a_pending_refresh_is_paced_not_spun() -> None:
    encoder = AlwaysRefreshing()
    source = FakeScreen()
    streamer = ScreenStreamer(
        lambda i, p: None,
        source_factory=lambda: source,
        cursor_factory=None,
        encoder=encoder,
        max_fps=20,
    )
    streamer.start()
    try:
        for _ in range(10):  # the keyframe, the burst, then 20 a second
            assert encoder.calls.acquire(timeout=10)
    finally:
        streamer.stop()
    assert streamer.stats.wakes < 60  # about one per capture, not a busy loop


def test_a_big_update_goes_out_in_parts_that_flow_control_counts_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The parts of one update are sent as they are encoded, with consecutive frame
    ids; the window (1 here) paces captures, not parts: acking the last part lets the
    next change through, and no part ever overfills the window (that would raise)."""
    monkeypatch.setattr(encoder_module, "EMIT_PIXELS", 320 * 16)
    source, errors = FakeScreen(), []
    frames: queue.Queue[tuple[int, bytes]] = queue.Queue()
    streamer = ScreenStreamer(
        lambda i, p: frames.put((i, p)),
        source_factory=lambda: source,
        cursor_factory=None,
        window=1,
        on_error=errors.append,
    )
    comp = Compositor()
    streamer.start()
    try:
        frame_id, keyframe = frames.get(timeout=10)
        comp.apply(keyframe)
        streamer.ack(frame_id)
        source.draw((0, 0, 320, 150), 40)  # bands of 64, 64 and 22 rows: three parts
        parts = [frames.get(timeout=10) for _ in range(3)]
        assert [i for i, _ in parts] == [frame_id + 1, frame_id + 2, frame_id + 3]
        for _, payload in parts:
            comp.apply(payload)
        assert comp.frame is not None and np.array_equal(comp.frame, source.screen)
        streamer.ack(parts[-1][0])
        source.draw((0, 160, 10, 10), 90)
        frame_id, payload = frames.get(timeout=10)
        comp.apply(payload)
        assert frame_id == parts[-1][0] + 1 and np.array_equal(comp.frame, source.screen)
    finally:
        streamer.stop()
    assert not errors


def test_a_pause_between_the_parts_of_an_update_drops_the_rest_then_a_keyframe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Paused (and resumed at once) after the first part: the other parts never go
    out, the next payload is a keyframe, and the agent ends exact."""
    monkeypatch.setattr(encoder_module, "EMIT_PIXELS", 320 * 16)
    source, interrupt = FakeScreen(), threading.Event()
    frames: queue.Queue[tuple[int, bytes]] = queue.Queue()

    def on_frame(frame_id: int, payload: bytes) -> None:
        frames.put((frame_id, payload))
        if interrupt.is_set():  # on the capture thread, the lock held: re-entrant
            interrupt.clear()
            streamer.pause()
            streamer.resume()

    streamer = ScreenStreamer(on_frame, source_factory=lambda: source, cursor_factory=None)
    comp = Compositor()
    streamer.start()
    try:
        frame_id, keyframe = frames.get(timeout=10)
        comp.apply(keyframe)
        streamer.ack(frame_id)
        interrupt.set()
        source.draw((0, 0, 320, 150), 40)
        _, first = frames.get(timeout=10)
        assert not codec.is_keyframe(first)
        _, after = frames.get(timeout=10)
        assert codec.is_keyframe(after)  # not the second part of the interrupted update
        comp.apply(after)
        assert comp.frame is not None and np.array_equal(comp.frame, source.screen)
    finally:
        streamer.stop()
