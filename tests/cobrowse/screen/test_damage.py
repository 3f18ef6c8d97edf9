"""Event-driven capture on a real X server: DAMAGE says when and where, the
streamer wakes on it (and only on it), and displays without DAMAGE fall back to
polling."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from Xlib import X, display
from Xlib.ext import xtest

from cobrowse.platform.x11 import damage
from cobrowse.platform.x11.damage import DAMAGE, POINTER, WOKEN, DamageWatch
from cobrowse.platform.x11.damagesource import DamageSource
from cobrowse.screen.capture import Capturer
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.screen.source import PollingSource, open_source
from cobrowse.screen.streamer import ScreenStreamer

pytestmark = pytest.mark.xvfb
QUIET = 1.5  # seconds a still screen is watched for a wake-up that must not come


class Painter:
    """Draws filled rectangles straight onto the root window (a second client)."""

    def __init__(self) -> None:
        self.d = display.Display()
        self.root = self.d.screen().root
        self.gc = self.root.create_gc(foreground=0)

    def fill(self, x: int, y: int, w: int, h: int, rgb: int) -> None:
        self.gc.change(foreground=rgb)
        self.root.fill_rectangle(self.gc, x, y, w, h)
        self.d.sync()

    def move_pointer(self, x: int, y: int) -> None:
        xtest.fake_input(self.d, X.MotionNotify, x=x, y=y)  # as a mouse or pynput does
        self.d.sync()

    def close(self) -> None:
        self.d.close()


@pytest.fixture
def painter(bare_xvfb: Any) -> Iterator[Painter]:
    p = Painter()
    yield p
    p.close()


def covered(rects: list[tuple[int, int, int, int]], shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, bool)
    for x, y, w, h in rects:
        mask[y : y + h, x : x + w] = True
    return mask


def settle(watch: DamageWatch) -> None:
    """Take whatever the X server drew before the test began."""
    while watch.wait(0.2) or watch.pending:
        watch.take()


def test_damage_wakes_with_the_drawn_area_and_not_on_a_still_screen(painter: Painter) -> None:
    watch = DamageWatch()
    try:
        settle(watch)
        assert watch.wait(QUIET) == 0 and not watch.pending  # still screen: no wake-up
        painter.fill(100, 120, 30, 20, 0xFF0000)
        painter.fill(300, 50, 8, 16, 0x00FF00)
        assert watch.wait(10) & DAMAGE and watch.pending
        rects = watch.take()
        mask = covered(rects, (480, 640))
        assert mask[120:140, 100:130].all() and mask[50:66, 300:308].all()
        assert mask.sum() <= 4 * (30 * 20 + 8 * 16)  # the drawn areas, not the screen
        assert not watch.pending and watch.wait(QUIET) == 0
    finally:
        watch.close()


def test_pointer_motion_and_wake_end_a_wait(painter: Painter) -> None:
    watch = DamageWatch()
    try:
        settle(watch)
        assert watch.pointer_events
        painter.move_pointer(200, 200)
        assert watch.wait(10) & POINTER
        threading.Timer(0.05, watch.wake).start()
        assert watch.wait(10) == WOKEN
    finally:
        watch.close()


def test_damage_source_grabs_just_the_changed_rectangle(painter: Painter) -> None:
    source = DamageSource()
    try:
        (m,) = source.monitors()
        source.changes(m)
        painter.fill(10, 400, 50, 30, 0x3366CC)
        while not source.pending:
            assert source.wait(10)
        dirty = source.changes(m).dirty
        assert dirty is not None
        (x, y, w, h), *_ = [r for r in dirty if r[1] <= 400 < r[1] + r[3]]
        pixels = source.grab(m, (x, y, w, h))
        assert pixels.shape == (h, w, 4)
        assert (pixels[400 - y, 10 - x, :3] == (0xCC, 0x66, 0x33)).all()  # BGRA
    finally:
        source.close()


class _NoDamage:
    """libXdamage as on a server without the extension (the lowest layer faked)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        if name == "XDamageQueryExtension":
            return _Refuse()
        return getattr(self._real, name)


class _Refuse:
    argtypes: Any = None

    def __call__(self, *args: Any) -> int:
        return 0


def test_without_damage_the_stream_falls_back_to_polling(
    painter: Painter, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = damage._lib
    monkeypatch.setattr(
        damage, "_lib", lambda name: _NoDamage(real(name)) if name == "Xdamage" else real(name)
    )
    with pytest.raises(damage.DamageUnavailable):
        DamageWatch()
    source = open_source()
    try:
        assert isinstance(source, PollingSource)
    finally:
        source.close()
    frames: queue.Queue[tuple[int, bytes]] = queue.Queue()
    streamer = ScreenStreamer(lambda i, p: frames.put((i, p)), cursor_factory=None)
    streamer.start()
    try:
        comp = Compositor()
        frame_id, payload = frames.get(timeout=10)
        comp.apply(payload)
        streamer.ack(frame_id)
        painter.fill(200, 200, 40, 40, 0xFFFFFF)
        while comp.frame is None or not (comp.frame[210, 210, :3] == 255).all():
            frame_id, payload = frames.get(timeout=10)
            comp.apply(payload)
            streamer.ack(frame_id)
    finally:
        streamer.stop()


class RecordingEncoder(FrameEncoder):
    """The real encoder, noting the dirty hint of every call."""

    def __init__(self) -> None:
        super().__init__()
        self.hints: queue.Queue[object] = queue.Queue()

    def encode(
        self, frame: Any, dirty: Any = None, emit: Any = None, *, extra: Any = ()
    ) -> bytes | None:
        self.hints.put(None if dirty is None else list(dirty))
        return super().encode(frame, dirty, emit, extra=extra)


def test_streamer_wakes_on_damage_only_and_sends_only_the_damaged_area(painter: Painter) -> None:
    encoder = RecordingEncoder()
    frames: queue.Queue[tuple[int, bytes]] = queue.Queue()
    streamer = ScreenStreamer(lambda i, p: frames.put((i, p)), encoder=encoder)
    comp = Compositor()

    def take(timeout: float = 10) -> None:
        frame_id, payload = frames.get(timeout=timeout)
        comp.apply(payload)
        streamer.ack(frame_id)

    streamer.start()
    try:
        take()  # the keyframe
        assert encoder.hints.get(timeout=10) is None  # a keyframe grabs everything
        captures = streamer.stats.captures
        with pytest.raises(queue.Empty):
            encoder.hints.get(timeout=QUIET)  # still screen: the encoder is never called
        assert streamer.stats.captures == captures
        assert streamer.stats.wakes <= 3 * QUIET / 0.5 + 2  # safety ticks, not 30 fps
        painter.fill(320, 240, 2, 16, 0x3366CC)  # a caret appears
        take()
        hint = encoder.hints.get(timeout=10)
        assert isinstance(hint, list) and hint
        assert covered(hint, (480, 640))[240:256, 320:322].all()
        assert sum(w * h for _, _, w, h in hint) <= 4 * 2 * 16  # the caret, not a tile
        cap = Capturer()
        try:
            screen = cap.grab(0)
        finally:
            cap.close()
        assert comp.frame is not None and np.array_equal(comp.frame[..., :3], screen[..., :3])
    finally:
        streamer.stop()
