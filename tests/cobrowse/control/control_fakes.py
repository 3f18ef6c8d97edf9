"""Fake pynput controllers that record every call, and a hand-driven clock."""

from __future__ import annotations

from typing import Any

from cobrowse.control import Injector, LocalInputGuard, Monitor, TripleEscape

FULL_HD = Monitor(0, 0, 1920, 1080)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FakeMouse:
    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        self.calls = calls
        self._pos = (0, 0)

    @property
    def position(self) -> tuple[int, int]:
        return self._pos

    @position.setter
    def position(self, pos: tuple[int, int]) -> None:
        self._pos = pos
        self.calls.append(("move", *pos))

    def citizen_moves(self, x: int, y: int) -> None:
        self._pos = (x, y)

    def press(self, button: Any) -> None:
        self.calls.append(("mouse_press", button))

    def release(self, button: Any) -> None:
        self.calls.append(("mouse_release", button))

    def scroll(self, dx: int, dy: int) -> None:
        self.calls.append(("scroll", dx, dy))


class FakeKeyboard:
    def __init__(self, calls: list[tuple[Any, ...]]) -> None:
        self.calls = calls

    def press(self, key: Any) -> None:
        self.calls.append(("press", key))

    def release(self, key: Any) -> None:
        self.calls.append(("release", key))


class Rig:
    """An injector over fakes with a switchable consent gate."""

    def __init__(self, monitor: Monitor = FULL_HD) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.idle: float | None = None  # the platform's seconds since the last input
        self.clock = Clock()
        self.controlling = True
        self.triggered = 0
        self.mouse = FakeMouse(self.calls)
        self.keyboard = FakeKeyboard(self.calls)
        self.guard = LocalInputGuard(clock=self.clock)
        self.hotkey = TripleEscape(self._trigger, clock=self.clock)
        self.injector = Injector(
            self.mouse,
            self.keyboard,
            lambda: self.controlling,
            special=lambda n: f"<{n}>",
            button=lambda n: f"[{n}]",
            monitor=monitor,
            guard=self.guard,
            hotkey=self.hotkey,
            idle=lambda: self.idle,
        )

    def _trigger(self) -> None:
        self.triggered += 1

    def keys(self) -> list[tuple[Any, ...]]:
        return [c for c in self.calls if c[0] in ("press", "release")]
