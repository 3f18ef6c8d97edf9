"""What the Chromium benchmark needs from a stack under test (ours or a VNC peer):
every update as the viewer finished applying it, the bytes on the wire, and the
citizen side's CPU time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from bench.floor import Box, touches
from bench.wire import CountingProxy


@dataclass
class Update:
    t: float  # time.monotonic() when the viewer had applied it
    rects: list[Box]
    box_digest: str | None = None  # the watched box's pixels after it (ours only)
    frame_digest: str | None = None  # the whole framebuffer after it (ours only)
    trace: list[tuple[str, float]] = field(default_factory=list)
    """Where its time went (ours): (step, monotonic time) - grab and encode start and
    end, received by the agent's decoder; the timeline shows them after the input."""


@dataclass
class Viewer:
    """Base of both stacks: subclasses fill ``updates`` under ``cond``."""

    name: str
    wire: CountingProxy
    updates: list[Update] = field(default_factory=list)
    cond: threading.Condition = field(default_factory=threading.Condition)
    exact: bool = False  # True: updates carry digests (the viewer decodes pixels)

    def start(self) -> None:
        """Begin viewing (returns once the first update arrived)."""

    def cpu_seconds(self) -> float:
        """Citizen-side CPU time used so far."""
        raise NotImplementedError

    def watch(self, box: Box | None, whole_frame: bool = False) -> None:
        """Digest ``box`` (and the whole frame) after each update (decoding viewers)."""

    def since(self, t0: float, box: Box | None = None) -> list[Update]:
        with self.cond:
            return [
                u
                for u in self.updates
                if u.t >= t0 and (box is None or any(touches(r, box) for r in u.rects))
            ]

    def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def _grew(self, count: int) -> bool:
        return len(self.updates) > count

    def quiet(self, seconds: float, limit: float = 30.0) -> float:
        """Return (the time of the last update) once none has arrived for ``seconds``."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.cond:
                if not self.cond.wait_for(partial(self._grew, len(self.updates)), seconds):
                    return self.updates[-1].t if self.updates else 0.0
        raise TimeoutError(f"{self.name}: the stream never went quiet")

    def close(self) -> None:
        self.wire.close()
