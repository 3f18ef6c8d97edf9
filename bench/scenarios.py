"""The Chromium benchmark's scenarios, each measured on one stack (a
:class:`~bench.viewer.Viewer`) against the floor (X DAMAGE, bench/floor.py).

Times are ``time.monotonic()``; "injected" is the moment XTEST input was flushed to
the X server.  Bytes are the viewer's wire counter; CPU the citizen side's.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.codec import screen
from bench.desktop import Desktop
from bench.floor import Box, Floor
from bench.viewer import Viewer
from bench.xinput import Input

SENTENCE = "Jens Hansen, Vesterbrogade 12, 1620 Kobenhavn V"
RATE = 8.0  # characters per second, a steady human typist


def pause(seconds: float) -> None:
    threading.Event().wait(seconds)


@dataclass
class Scene:
    desk: Desktop
    floor: Floor
    input: Input
    viewer: Viewer

    def box(self, selector: str) -> Box:
        """Screen box of the first element matching a CSS selector."""
        x, y, w, h = self.desk.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [window.screenX + r.x, window.screenY +"
            " (window.outerHeight - window.innerHeight) + r.y, r.width, r.height]; })()"
        )
        return round(x), round(y), round(w), round(h)

    def point(self, selector: str) -> None:
        x, y, w, h = self.box(selector)
        self.input.move(x + w // 2, y + h // 2)

    def goto(self, page: str) -> None:
        """Load ``page`` (e.g. ``"page1.html"``) and wait until it and its photo are in."""
        self.desk.evaluate(f"setTimeout(() => location.href = {json.dumps(page)}, 0)")
        check = (
            f"location.pathname.endsWith({json.dumps(page)}) && document.readyState =="
            " 'complete' && document.images[0].complete"
        )
        deadline = time.monotonic() + 30
        while not self._true(check):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{page} did not load")
            pause(0.05)
        self.settle()

    def _true(self, expression: str) -> bool:
        try:
            return bool(self.desk.evaluate(expression))
        except Exception:  # the page is being replaced
            return False

    def settle(self, seconds: float = 1.0) -> None:
        """Wait until the screen and the stream have both been still for ``seconds``."""
        self.floor.quiet(seconds)
        self.viewer.quiet(seconds)

    def mark(self) -> tuple[float, int, float]:
        return time.monotonic(), self.viewer.wire.total, self.viewer.cpu_seconds()

    def rates(self, mark: tuple[float, int, float]) -> dict[str, float]:
        t0, b0, c0 = mark
        t1, b1, c1 = self.mark()
        wall = t1 - t0
        return {
            "seconds": wall,
            "bytes": b1 - b0,
            "bytes_per_s": (b1 - b0) / wall,
            "cpu_percent": 100 * (c1 - c0) / wall,
        }


def idle(scene: Scene, seconds: float) -> dict[str, float]:
    """Nothing happens (a still screen, or only a blinking caret) for ``seconds``."""
    mark = scene.mark()
    pause(seconds)
    return scene.rates(mark)


def _ms(values: list[float]) -> dict[str, float]:
    ms = sorted(1000 * v for v in values if math.isfinite(v))
    if not ms:
        return {"p50_ms": math.inf, "p95_ms": math.inf}
    return {"p50_ms": float(np.median(ms)), "p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))]}


def typing(scene: Scene, text: str = SENTENCE) -> dict[str, Any]:
    """Type ``text`` into the Navn field at :data:`RATE`, never waiting for the screen."""
    box = scene.box("#navn")
    scene.point("#navn")
    scene.input.click(1)
    scene.floor.watch(box)
    scene.viewer.watch(box)
    pause(0.8)  # focus and caret drawn; a caret may blink, so no waiting for stillness
    mark = scene.mark()
    injected = []
    for i, char in enumerate(text):
        pause(mark[0] + i / RATE - time.monotonic())
        scene.input.type_char(char)
        injected.append(time.monotonic())
    pause(0.4)  # the last character travels; the caret starts blinking only after 0.5 s
    if scene.viewer.exact:  # a slow viewer: until it shows the field as the screen has it
        scene.viewer.wait(lambda: _caught_up(scene), 5.0)
    rates = scene.rates(mark)
    scene.floor.watch(None)
    scene.viewer.watch(None)
    floor, ours = _latencies(scene, box, injected)
    n = len(text)
    return {
        "chars": n,
        "latency": _ms(ours),
        "seen": sum(math.isfinite(v) for v in ours),
        "floor": _ms(floor),
        "bytes": rates["bytes"],
        "bytes_per_char": rates["bytes"] / n,
        "cpu_percent": rates["cpu_percent"],
    }


def _caught_up(scene: Scene) -> bool:
    states, updates = scene.floor.states_since(0.0), scene.viewer.updates
    return bool(states and updates and updates[-1].box_digest == states[-1][1])


def _latencies(scene: Scene, box: Box, injected: list[float]) -> tuple[list[float], list[float]]:
    """Per character: the floor (first damage in the field after the key) and the
    viewer's latency (exact: the agent shows the field as the screen had it after this
    character, or later; otherwise the first update touching the field after the
    floor's damage)."""
    states = scene.floor.states_since(injected[0])
    updates = scene.viewer.since(injected[0], box)
    floor, viewer = [], []
    for i, t in enumerate(injected):
        damage = scene.floor.since(t, box)
        d = damage[0][0] if damage else math.inf
        floor.append(d - t)
        if scene.viewer.exact:
            nxt = injected[i + 1] if i + 1 < len(injected) else math.inf
            mine = [k for k, (ts, _) in enumerate(states) if t <= ts < nxt]
            first = (
                mine[-1]
                if mine
                else next((k for k, s in enumerate(states) if s[0] >= t), len(states))
            )
            wanted = {digest for _, digest in states[first:]}
            shown = next((u.t for u in updates if u.t >= t and u.box_digest in wanted), math.inf)
        else:
            shown = next((u.t for u in updates if u.t >= d), math.inf)
        viewer.append(shown - t)
    return floor, viewer


def _change(scene: Scene, first_box: Box, act: Any) -> dict[str, Any]:
    """Do ``act()``; figures until the screen and the stream are still again."""
    scene.viewer.watch(None, whole_frame=True)
    mark = scene.mark()
    t0 = act()
    last_damage = scene.floor.quiet(1.0)
    last_update = scene.viewer.quiet(1.0)
    pixels = screen()
    rates = scene.rates(mark)
    first = scene.viewer.since(t0, first_box)
    floor_first = scene.floor.since(t0, first_box)
    settled = last_update
    if scene.viewer.exact:
        frames = getattr(scene.viewer, "frames", None) or []
        settled = next((t for t, f in frames if np.array_equal(f[..., :3], pixels)), math.inf)
    scene.viewer.watch(None)
    damage = scene.floor.since(t0)
    floor_settled = max((t for t, _ in damage if t <= settled), default=last_damage)
    return {
        "first_ms": 1000 * ((first[0].t if first else math.inf) - t0),
        "settled_ms": 1000 * (settled - t0),
        "bytes": rates["bytes"],
        "cpu_percent": rates["cpu_percent"],
        "floor_first_ms": 1000 * ((floor_first[0][0] if floor_first else math.inf) - t0),
        "floor_settled_ms": 1000 * (floor_settled - t0),
        "timeline": _timeline(t0, damage, scene.viewer.since(t0)),
    }


def _timeline(t0: float, damage: list[tuple[float, list[Box]]], updates: list[Any]) -> list[str]:
    """What happened when (ms after the input): damage batches and updates, for the JSON."""
    events = [(t, f"damage {bs[:3]}{' ...' if len(bs) > 3 else ''}") for t, bs in damage]
    for u in updates:
        xs = [r[0] for r in u.rects] + [r[0] + r[2] for r in u.rects]
        ys = [r[1] for r in u.rects] + [r[1] + r[3] for r in u.rects]
        bound = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)) if xs else ()
        events.append((u.t, f"update {len(u.rects)} rects in {bound}"))
    return [f"{1000 * (t - t0):7.1f} ms {what}" for t, what in sorted(events)[:80]]


def page_change(scene: Scene) -> dict[str, Any]:
    """Click "Næste": page 2, with another photo, replaces page 1."""
    scene.point("#next")
    scene.settle(0.5)  # the link's hover state is drawn
    banner = scene.box(".banner")

    def act() -> float:
        scene.input.click(1)
        return time.monotonic()

    result = _change(scene, banner, act)
    scene.goto("page1.html")
    return result


def scroll(scene: Scene, notches: int = 5) -> dict[str, Any]:
    """Turn the wheel ``notches`` times over the page, 40 ms apart."""
    scene.point("main h2")
    scene.settle(0.5)
    view = (0, 0, 1920, 1080)

    def act() -> float:
        t0 = time.monotonic()
        for _ in range(notches):
            scene.input.click(5)
            pause(0.04)
        return t0

    result = _change(scene, view, act)
    scene.desk.evaluate("window.scrollTo(0, 0)")
    scene.settle()
    return result
