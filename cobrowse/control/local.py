"""Local input wins: notice the citizen's own mouse and keyboard, and the take-back hotkey.

:class:`LocalInputGuard` is told about every event we inject and about every
event the OS reports (through the pynput listeners in :mod:`cobrowse.control.system`,
by the injector comparing the pointer with where it last put it, or from the
platform's "seconds since the last input" where it has one - Windows, macOS).  Anything that is not
an echo of our own injection is the citizen's: the agent's input then pauses
for :data:`PAUSE_SECONDS`, renewed while the citizen keeps going.

:class:`TripleEscape` fires when Esc is pressed three times within 1.5 seconds -
the citizen's global "take control back" hotkey.  The agent's own injected Esc
presses do not count.

Both are thread-safe (listener callbacks run on pynput's threads) and read the
time from the ``clock`` they are given.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

PAUSE_SECONDS = 1.5
ECHO_SECONDS = 0.3  # OS events this soon after an injection are its echo
MOVE_SLACK = 3  # pixels: rounding between injected and reported positions
OS_SLACK = 0.05  # seconds: an OS input time this close to one we saw is the same input
Clock = Callable[[], float]


class LocalInputGuard:
    """Decides whether the citizen is using mouse or keyboard right now."""

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        pause: float = PAUSE_SECONDS,
        on_pause: Callable[[], None] | None = None,
    ) -> None:
        self._clock = clock
        self._pause = pause
        self._on_pause = on_pause
        self._lock = threading.Lock()
        self._until = float("-inf")
        self._last_injection = float("-inf")
        self._last_pos: tuple[int, int] | None = None
        self._trail: deque[tuple[int, int]] = deque(maxlen=16)  # recent injected positions
        self._os_seen = clock()  # input the OS saw before the guard existed is not news
        self.pauses = 0

    # what we did ------------------------------------------------------------

    def injected_move(self, x: int, y: int) -> None:
        with self._lock:
            self._last_pos = (x, y)
            self._trail.append((x, y))
            self._last_injection = self._clock()

    def injected_other(self) -> None:
        """A key, button or wheel event was injected just now."""
        with self._lock:
            self._last_injection = self._clock()

    # what the OS saw ----------------------------------------------------------

    def pointer_at(self, x: int, y: int) -> None:
        """The pointer is at (x, y) now: if we did not put it there, the citizen did."""
        with self._lock:
            last = self._last_pos
            if last is None or _near(last, (x, y)):
                return
            self._last_pos = None
        self.local_input()

    def os_move(self, x: int, y: int, injected: bool = False) -> None:
        """A pointer move reported by a listener."""
        if injected:
            return
        with self._lock:
            echo = any(_near(p, (x, y)) for p in self._trail)
        if not echo:
            self.local_input()

    def os_key_or_button(self, injected: bool = False) -> None:
        """A key or button event reported by a listener."""
        if injected:
            return
        with self._lock:
            echo = self._recent()
        if not echo:
            self.local_input()

    def os_input_ago(self, seconds: float) -> None:
        """The OS last saw input ``seconds`` ago (its idle time, which counts our own
        injections too): the citizen's, unless it is older than what we already
        saw or falls right after one of our injections."""
        with self._lock:
            when = self._clock() - seconds
            if when <= self._os_seen + OS_SLACK:
                return
            self._os_seen = when
            echo = -OS_SLACK <= when - self._last_injection < ECHO_SECONDS
        if not echo:
            self.local_input()

    def local_input(self) -> None:
        """The citizen used mouse or keyboard: pause the agent's input."""
        with self._lock:
            starting = not self._active()
            self._until = self._clock() + self._pause
            if starting:
                self.pauses += 1
        if starting and self._on_pause is not None:
            self._on_pause()

    def paused(self) -> bool:
        with self._lock:
            return self._active()

    def _active(self) -> bool:
        return self._clock() < self._until

    def _recent(self) -> bool:
        return self._clock() - self._last_injection < ECHO_SECONDS


def _near(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return abs(a[0] - b[0]) <= MOVE_SLACK and abs(a[1] - b[1]) <= MOVE_SLACK


class TripleEscape:
    """Calls ``on_trigger`` when Esc is pressed ``count`` times within ``window`` s."""

    def __init__(
        self,
        on_trigger: Callable[[], None],
        *,
        clock: Clock = time.monotonic,
        count: int = 3,
        window: float = 1.5,
    ) -> None:
        self._on_trigger = on_trigger
        self._clock = clock
        self._count = count
        self._window = window
        self._lock = threading.Lock()
        self._presses: list[float] = []
        self._injected_at = float("-inf")

    def injected_escape(self) -> None:
        """The agent's Esc was injected just now; its echo must not count."""
        with self._lock:
            self._injected_at = self._clock()

    def escape_pressed(self, injected: bool = False) -> None:
        now = self._clock()
        with self._lock:
            if injected or now - self._injected_at < ECHO_SECONDS:
                return
            self._presses = [t for t in self._presses if now - t <= self._window] + [now]
            fire = len(self._presses) >= self._count
            if fire:
                self._presses = []
        if fire:
            self._on_trigger()

    def other_key(self) -> None:
        """Any other key breaks the sequence."""
        with self._lock:
            self._presses = []
