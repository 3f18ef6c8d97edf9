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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bench.codec import screen
from bench.floor import Box, Floor
from bench.viewer import Viewer
from bench.xinput import Input
from cobrowse.local.desktop import Desktop
from cobrowse.screen.capture import Capturer

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
    shots: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    """The screen (BGRA) before and after the first page change (the bytes' floor)."""

    def box(self, selector: str) -> Box:
        """Screen box of the first element matching a CSS selector (its visible part)."""
        x0, y0, x1, y1 = self.desk.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); const x = window.screenX + r.x, y = window.screenY +"
            " (window.outerHeight - window.innerHeight) + r.y; return [Math.max(0, x),"
            " Math.max(0, y), Math.min(screen.width, x + r.width), Math.min(screen.height,"
            " y + r.height)]; })()"
        )
        return round(x0), round(y0), round(x1 - x0), round(y1 - y0)

    def screen_box(self) -> Box:
        width, height = self.desk.evaluate("[screen.width, screen.height]")
        return 0, 0, int(width), int(height)

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
    pause(0.8)  # focus and caret drawn; a caret may blink, so no waiting for stillness
    scene.floor.watch(box)
    scene.viewer.watch(box)
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
    scene.floor.watch()
    scene.viewer.watch(None)
    floor, ours = _latencies(scene, box, injected, mark[0] - 1.0)
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
    return bool(states and updates and updates[-1].box_digest == states[-1][1][0])


def _changed(states: list[tuple[float, list[str]]], t: float, which: int = 0) -> float:
    """When box ``which`` first differed, at or after ``t``, from how it was before."""
    before = [d[which] for ts, d in states if ts < t]
    was = before[-1] if before else None
    return next((ts for ts, d in states if ts >= t and d[which] != was), math.inf)


def _latencies(
    scene: Scene, box: Box, injected: list[float], since: float
) -> tuple[list[float], list[float]]:
    """Per character: the floor (the field's pixels first change after the key) and the
    viewer's latency (exact: the agent shows the field as the screen had it after this
    character, or later; otherwise the first update touching the field after the
    floor)."""
    states = scene.floor.states_since(since)
    updates = scene.viewer.since(injected[0], box)
    floor, viewer = [], []
    for i, t in enumerate(injected):
        drawn = _changed(states, t)
        floor.append(drawn - t)
        if scene.viewer.exact:
            nxt = injected[i + 1] if i + 1 < len(injected) else math.inf
            mine = [k for k, (ts, _) in enumerate(states) if t <= ts < nxt]
            first = (
                mine[-1]
                if mine
                else next((k for k, s in enumerate(states) if s[0] >= t), len(states))
            )
            wanted = {d[0] for _, d in states[first:]}
            shown = next((u.t for u in updates if u.t >= t and u.box_digest in wanted), math.inf)
        else:
            shown = next((u.t for u in updates if u.t >= drawn), math.inf)
        viewer.append(shown - t)
    return floor, viewer


def _change(scene: Scene, first_box: Box, act: Any) -> dict[str, Any]:
    """Do ``act()``; figures until the screen and the stream are still again.  First
    pixels: ``first_box`` changes; settled: the whole screen is final (the floor) or
    the agent's framebuffer equals it (exact viewers; others: their last update)."""
    view = scene.screen_box()
    since = time.monotonic()
    scene.floor.watch(view, first_box)
    scene.viewer.watch(None, whole_frame=True)
    mark = scene.mark()
    t0 = act()
    scene.floor.quiet(1.0)
    last_update = scene.viewer.quiet(1.0)
    pixels = screen()
    rates = scene.rates(mark)
    scene.floor.watch()
    first = scene.viewer.since(t0, first_box)
    settled = last_update
    if scene.viewer.exact:
        frames = getattr(scene.viewer, "frames", None) or []
        settled = next((t for t, f in frames if np.array_equal(f[..., :3], pixels)), math.inf)
    scene.viewer.watch(None)
    states = scene.floor.states_since(since)
    final = states[-1][1][0]
    floor_settled = next((ts for ts, d in states if ts >= t0 and d[0] == final), math.inf)
    shown, floor_first = first[0].t if first else math.inf, _changed(states, t0, 1)
    result = {
        "first_ms": 1000 * (shown - t0),
        "settled_ms": 1000 * (settled - t0),
        "first_after_floor_ms": _after(shown, floor_first),
        "settled_after_floor_ms": _after(settled, floor_settled),
        "bytes": rates["bytes"],
        "cpu_percent": rates["cpu_percent"],
        "floor_first_ms": 1000 * (floor_first - t0),
        "floor_settled_ms": 1000 * (floor_settled - t0),
        "timeline": _timeline(t0, scene.floor.since(t0), scene.viewer.since(t0)),
    }
    grabbed = dict(first[0].trace).get("grab") if first else None
    if grabbed is not None:  # ours: when the capture began the grab that held it
        result["first_from_grab_ms"] = 1000 * (shown - grabbed)
    return result


def _after(t: float, floor: float) -> float:
    """Milliseconds ``t`` came after the floor's ``floor`` (inf if either never came)."""
    if not (math.isfinite(t) and math.isfinite(floor)):
        return math.inf
    return 1000 * (t - floor)


def _timeline(t0: float, damage: list[tuple[float, list[Box]]], updates: list[Any]) -> list[str]:
    """What happened when (ms after the input): damage batches and updates, for the JSON."""
    events = [(t, f"damage {bs[:3]}{' ...' if len(bs) > 3 else ''}") for t, bs in damage]
    for u in updates:
        xs = [r[0] for r in u.rects] + [r[0] + r[2] for r in u.rects]
        ys = [r[1] for r in u.rects] + [r[1] + r[3] for r in u.rects]
        bound = (min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)) if xs else ()
        steps = "".join(f" {step}@{1000 * (t - t0):.1f}" for step, t in u.trace)
        events.append((u.t, f"update {len(u.rects)} rects in {bound}{steps}"))
    return [f"{1000 * (t - t0):7.1f} ms {what}" for t, what in sorted(events)[:80]]


def _bgra() -> np.ndarray:
    """The whole screen, BGRA (as the encoder takes it)."""
    cap = Capturer()
    try:
        return cap.grab(0).copy()
    finally:
        cap.close()


def page_change(scene: Scene) -> dict[str, Any]:
    """Click "Næste": page 2, with another photo, replaces page 1."""
    scene.point("#next")
    scene.settle(0.5)  # the link's hover state is drawn
    banner = scene.box(".banner")
    before = _bgra()

    def act() -> float:
        scene.input.click(1)
        return time.monotonic()

    result = _change(scene, banner, act)
    if not scene.shots:
        scene.shots.append((before, _bgra()))  # the screen is settled: the final page
    scene.goto("page1.html")
    return result


def scroll(scene: Scene, notches: int = 5) -> dict[str, Any]:
    """Turn the wheel ``notches`` times over the page, 40 ms apart."""
    scene.point("main h2")
    scene.settle(0.5)
    content = scene.box("main")

    def act() -> float:
        t0 = time.monotonic()
        for _ in range(notches):
            scene.input.click(5)
            pause(0.04)
        return t0

    result = _change(scene, content, act)
    scene.desk.evaluate("window.scrollTo(0, 0)")
    scene.settle()
    return result
