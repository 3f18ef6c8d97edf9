"""Status line widgets: session state, latency, frames per second, kbit/s."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from agent_app import texts
from cobrowse.session.endpoint import LinkStats
from qtlang import translate


class RateMeter:
    """Counts events in a sliding window (Qt-free; the clock is passed in)."""

    def __init__(self, window: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._window = window
        self._clock = clock
        self._times: deque[float] = deque()

    def tick(self) -> None:
        self._times.append(self._clock())

    def rate(self) -> float:
        now = self._clock()
        while self._times and now - self._times[0] > self._window:
            self._times.popleft()
        return len(self._times) / self._window


class StatusLine(QStatusBar):
    """``state · latency · fps · kbit/s`` at the bottom of the window."""

    def __init__(
        self, parent: QWidget | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.state = QLabel(texts.phase_text("signed_out"))
        self.latency = QLabel()
        self.fps = QLabel()
        self.rate = QLabel()
        self._frames = RateMeter(clock=clock)
        self._last: tuple[float, int] | None = None
        self.addWidget(self.state, 1)
        for label in (self.latency, self.fps, self.rate):
            label.setMinimumWidth(90)
            self.addPermanentWidget(label)

    def set_phase(self, phase: str) -> None:
        self.state.setText(texts.phase_text(phase))
        if phase in ("ready", "ended", "signed_out"):
            self._last = None
            for label in (self.latency, self.fps, self.rate):
                label.clear()

    def frame_painted(self) -> None:
        self._frames.tick()
        self.fps.setText(
            translate("agent", "{rate} bill./s").format(rate=f"{self._frames.rate():.0f}")
        )

    def link_stats(self, stats: LinkStats) -> None:
        self.latency.setText(f"{stats.rtt_ms:.0f} ms")
        now = self._clock()
        if self._last is not None and now > self._last[0]:
            kbit = (stats.bytes_in - self._last[1]) * 8 / 1000 / (now - self._last[0])
            self.rate.setText(f"{max(0.0, kbit):.0f} kbit/s")
        self._last = (now, stats.bytes_in)
        self.fps.setText(
            translate("agent", "{rate} bill./s").format(rate=f"{self._frames.rate():.0f}")
        )
