"""Our stack for the Chromium benchmark: a real relay (RelayThread, ws on loopback),
the citizen endpoint with a ScreenStreamer capturing the display, the agent endpoint
decoding into a Compositor; the two pair over SPAKE2 and every frame travels
end-to-end encrypted through the relay.  The citizen reaches the relay through a
:class:`~bench.wire.CountingProxy`, so its bytes are counted on the wire."""

from __future__ import annotations

import hashlib
import os
import queue
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bench.floor import Box
from bench.viewer import Update, Viewer
from bench.wire import CountingProxy
from cobrowse.screen import codec
from cobrowse.screen.compositor import Compositor
from cobrowse.screen.streamer import ScreenStreamer
from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentEndpoint, CitizenEndpoint, CodeReady, SignedIn
from relay.accounts import AccountStore
from relay.config import RelayConfig
from relay.server import RelayThread

PASSWORD = "bench-only-password-1"
LOG_UPDATES = os.environ.get("BENCH_LOG_UPDATES", "")
"""If set, a file each applied update is appended to: time, frame id, payload bytes,
and each rectangle as encoding:WxH:data bytes."""


def _crop(frame: np.ndarray, box: Box) -> np.ndarray:
    x, y, w, h = box
    return frame[y : y + h, x : x + w]


def box_digest(frame: np.ndarray, box: Box) -> str:
    """blake2b-128 of a box's BGR bytes (as bench/damage.py digests the screen)."""
    x, y, w, h = box
    pixels = np.ascontiguousarray(frame[y : y + h, x : x + w, :3])
    return hashlib.blake2b(pixels.tobytes(), digest_size=16).hexdigest()


class _Events:
    """Endpoint events (network thread) into a queue the set-up can wait on."""

    def __init__(self, react: Any = None) -> None:
        self.q: queue.Queue[object] = queue.Queue()
        self.react = react

    def __call__(self, event: object) -> None:
        if self.react is not None:
            self.react(event)
        self.q.put(event)

    def wait_for(self, kind: type, timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while not isinstance(
            event := self.q.get(timeout=max(0.01, deadline - time.monotonic())), kind
        ):
            pass
        return event


def _trace_grabs(streamer: ScreenStreamer, grabs: list[tuple[float, float]]) -> None:
    """Record (start, end) of each of the streamer's grabs (the benchmark's timeline)."""
    grabber = streamer._grabber  # noqa: SLF001 - the benchmark looks inside
    grab = grabber.grab

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.monotonic()
        try:
            return grab(*args, **kwargs)
        finally:
            grabs.append((start, time.monotonic()))
            del grabs[:-64]

    grabber.grab = timed  # type: ignore[method-assign]


class OurStack(Viewer):
    """Relay + citizen (streamer) + agent (compositor); ``start()`` pairs them and
    starts viewing."""

    def __init__(self, max_fps: float = 30.0) -> None:
        self._data = tempfile.TemporaryDirectory(prefix="cobrowse-bench-")
        data = Path(self._data.name)
        AccountStore(data / "relay.db").add("bench", "Bench Agent", "Albertslund", PASSWORD)
        self.relay = RelayThread(RelayConfig(host="127.0.0.1", port=0, data_dir=data, dev=True))
        self.relay.start()
        url = self.relay.url
        proxy = CountingProxy(("127.0.0.1", self.relay.port))
        super().__init__("ours", proxy, exact=True)
        self.comp = Compositor()
        self._box: Box | None = None
        self._base: np.ndarray | None = None  # the framebuffer when whole-frame watching began
        self._patches: list[tuple[float, list[tuple[Box, np.ndarray]]]] | None = None
        self.streamer = ScreenStreamer(self._on_frame, self._on_cursor, max_fps=max_fps)
        self._grabs: list[tuple[float, float]] = []
        self._sent: dict[int, tuple[float, float, int]] = {}
        _trace_grabs(self.streamer, self._grabs)
        self._citizen_events, self._agent_events = _Events(self._citizen_event), _Events()
        citizen_url = url.replace(f":{self.relay.port}/", f":{proxy.port}/")  # counted
        self.citizen = CitizenEndpoint(citizen_url, self._citizen_events)
        self.agent = AgentEndpoint(
            url, self._agent_events, name="bench", password=PASSWORD, frame_sink=self._apply
        )

    # citizen side (capture thread / network thread)
    def _on_frame(self, frame_id: int, payload: bytes) -> None:
        encoded = time.monotonic()
        self._sent[frame_id] = (encoded, self.streamer.stats.last_encode_seconds, len(payload))
        self.citizen.send_frame(frame_id, payload)

    def _on_cursor(self, x: int, y: int, visible: bool) -> None:
        self.citizen.send(ev.Cursor(x, y, visible))

    def _citizen_event(self, event: object) -> None:
        if isinstance(event, ev.FrameAck):
            self.streamer.ack(event.frame_id, event.held_ms / 1000)
        elif isinstance(event, ev.ConsentRequest) and event.kind == "view":
            self.citizen.send(ev.ConsentGrant("view"))
            self.streamer.start()

    # agent side (the endpoint's decode worker)
    def _apply(self, frame_id: int, payload: bytes) -> None:
        received = time.monotonic()
        rects = self.comp.apply(payload)
        if LOG_UPDATES:  # per-update payload bytes and rectangles, for byte budgets
            _, parts = codec.outline(payload)
            line = " ".join(f"{codec.NAMES.get(e, e)}:{r.w}x{r.h}:{n}" for r, e, n in parts)
            with open(LOG_UPDATES, "a") as log:
                log.write(f"{time.monotonic():.3f} {frame_id} {len(payload)} {line}\n")
        t = time.monotonic()
        frame = self.comp.frame
        assert frame is not None
        update = Update(t, [tuple(r) for r in rects])  # type: ignore[misc]
        update.trace = self._trace(frame_id, received)
        if self._box is not None:
            update.box_digest = box_digest(frame, self._box)
        with self.cond:
            if self._patches is not None:  # only what changed: a whole copy per update
                # cost the decode thread ~4 ms, delaying the next part of a page change
                self._patches.append((t, [(r, _crop(frame, r).copy()) for r in update.rects]))
            self.updates.append(update)
            self.cond.notify_all()

    def _trace(self, frame_id: int, received: float) -> list[tuple[str, float]]:
        """The update's path: grab start/end, encode start/end (handed to the network),
        received by the agent's decoder."""
        sent = self._sent.pop(frame_id, None)
        if sent is None:
            return []
        encoded, seconds, size = sent
        start = encoded - seconds
        grab = next((g for g in reversed(self._grabs) if g[1] <= start + 1e-4), None)
        steps = [("grab", grab[0]), ("grabbed", grab[1])] if grab else []
        return steps + [("encode", start), (f"sent {size} B", encoded), ("recv", received)]

    def start(self) -> None:
        cw, aw = self._citizen_events, self._agent_events
        self.citizen.start()
        self.agent.sign_in()
        code = cw.wait_for(CodeReady).code
        aw.wait_for(SignedIn)
        self.agent.join(code.display())
        aw.wait_for(ev.Secured)
        self.agent.send(ev.ConsentRequest("view"))
        aw.wait_for(ev.ConsentGrant)
        if not self.wait(lambda: bool(self.updates), 30):
            raise TimeoutError("no keyframe reached the agent")
        self._threads = [self.streamer.thread, self.citizen._net._thread]

    def cpu_seconds(self) -> float:
        """CPU time of the capture thread and the citizen's network thread."""
        return sum(
            time.clock_gettime(time.pthread_getcpuclockid(t.ident or 0)) for t in self._threads if t
        )

    def watch(self, box: Box | None, whole_frame: bool = False) -> None:
        with self.cond:
            self._box = box
            frame = self.comp.frame
            self._base = frame.copy() if whole_frame and frame is not None else None
            self._patches = [] if self._base is not None else None

    @property
    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """The framebuffer after each update since whole-frame watching began, rebuilt
        from the changed rectangles (one buffer, updated in place as it goes)."""
        with self.cond:
            base, patches = self._base, list(self._patches or [])
        if base is None:
            return
        frame = base.copy()
        for t, rects in patches:
            for r, pixels in rects:
                _crop(frame, r)[...] = pixels
            yield t, frame

    def framebuffer(self) -> np.ndarray:
        with self.cond:
            assert self.comp.frame is not None
            return self.comp.frame[..., :3].copy()

    def close(self) -> None:
        self.streamer.stop()
        self.citizen.stop()
        self.agent.stop()
        self.relay.stop()
        super().close()
        self._data.cleanup()
