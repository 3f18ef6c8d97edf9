"""In-process streaming benchmark: capture -> encode -> decode, no network.

Starts its own Xvfb (1920x1080), shows bench/formpage.py, runs the real
ScreenStreamer with an in-process "agent" thread that decodes every payload into
a Compositor and acks it at once, and plays the scripted citizen
(bench/citizen_script.py): idle, typing a sentence, scrolling, moving the
mouse, a full page change, idle with a blinking caret.  Prints the figures with
pass/fail against the targets of issue 3 and optionally writes them as JSON.

    python bench/codec.py [--json PATH]

Latencies here have no network in them: key injected (xdotool) -> the agent's
framebuffer shows the change.  bench/chromium.py measures a real browser through
the relay, on the wire, next to the floor and TigerVNC.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import queue
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench import citizen_script, formpage  # noqa: E402
from cobrowse.local.xserver import Xvfb  # noqa: E402
from cobrowse.screen import codec  # noqa: E402
from cobrowse.screen.capture import Capturer  # noqa: E402
from cobrowse.screen.compositor import Compositor  # noqa: E402
from cobrowse.screen.streamer import ScreenStreamer  # noqa: E402

TARGETS = {
    "typing_latency_p50_ms": 30.0,
    "typing_latency_p95_ms": 60.0,
    "page_change_ms": 100.0,
    "page_change_kb": 150.0,
    "idle_bytes_per_s": 1024.0,
}


@dataclass
class Record:
    frame_id: int
    sent: float
    applied: float
    size: int
    decode_s: float
    keyframe: bool


class LocalAgent:
    """Decodes and acks every payload on its own thread, like the agent app would."""

    def __init__(self) -> None:
        self.comp = Compositor()
        self.records: list[Record] = []
        self.cursor_moves = 0
        self.encode_s: dict[int, float] = {}
        self.digests: list[tuple[float, bytes]] | None = None
        self.cond = threading.Condition()
        self._queue: queue.Queue[tuple[float, int, bytes] | None] = queue.Queue()
        self.streamer: ScreenStreamer | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def on_frame(self, frame_id: int, payload: bytes) -> None:
        assert self.streamer is not None  # called under the streamer's lock: stats match
        self.encode_s[frame_id] = self.streamer.stats.last_encode_seconds
        self._queue.put((time.perf_counter(), frame_id, payload))

    def on_cursor(self, x: int, y: int, visible: bool) -> None:
        with self.cond:
            self.cursor_moves += 1

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(5)

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            sent, frame_id, payload = item
            self.apply(sent, frame_id, payload)
            assert self.streamer is not None
            self.streamer.ack(frame_id)

    def apply(self, sent: float, frame_id: int, payload: bytes) -> None:
        """Decode one payload into the framebuffer and record its figures."""
        started = time.perf_counter()
        with self.cond:
            self.comp.apply(payload)
            now = time.perf_counter()
            self.records.append(
                Record(frame_id, sent, now, len(payload), now - started, codec.is_keyframe(payload))
            )
            if self.digests is not None and self.comp.frame is not None:
                self.digests.append((now, digest(self.comp.frame[..., :3])))
            self.cond.notify_all()

    def wait(self, predicate: Callable[[], bool], timeout: float) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def crop(self, box: list[int]) -> np.ndarray:
        x, y, w, h = box
        with self.cond:
            assert self.comp.frame is not None
            return self.comp.frame[y : y + h, x : x + w, :3].copy()

    def quiet(self, seconds: float, limit: float = 30.0) -> None:
        """Return once no frame has arrived for ``seconds``."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            count = len(self.records)
            with self.cond:
                if not self.cond.wait_for(lambda n=count: len(self.records) > n, seconds):
                    return
        raise TimeoutError("the stream never went quiet")

    def since(self, t0: float) -> list[Record]:
        with self.cond:
            return [r for r in self.records if r.sent >= t0]


class Probe:
    """Wall time and capture-thread CPU time over a phase."""

    def __init__(self, streamer: ScreenStreamer, agent: LocalAgent) -> None:
        self.streamer, self.agent = streamer, agent

    def __enter__(self) -> Probe:
        thread = self.streamer.thread
        assert thread is not None and thread.ident is not None
        self.clock = time.pthread_getcpuclockid(thread.ident)
        self.t0, self.cpu0 = time.perf_counter(), time.clock_gettime(self.clock)
        self.enc0 = self.streamer.stats.encode_seconds
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        self.cpu = time.clock_gettime(self.clock) - self.cpu0
        self.encode = self.streamer.stats.encode_seconds - self.enc0
        self.records = self.agent.since(self.t0)

    @property
    def bytes(self) -> int:
        return sum(r.size for r in self.records)

    @property
    def cpu_percent(self) -> float:
        return 100.0 * self.cpu / self.wall


def digest(pixels: np.ndarray) -> bytes:
    return hashlib.blake2b(np.ascontiguousarray(pixels).tobytes(), digest_size=16).digest()


PROBE: Callable[[ScreenStreamer, LocalAgent], Probe] = Probe
"""What measures a phase (a hook for other benchmarks to add threads to the CPU figure)."""


def screen() -> np.ndarray:
    cap = Capturer()
    try:
        return cap.grab(0)[..., :3].copy()
    finally:
        cap.close()


def typing(page: formpage.FormPage, streamer: ScreenStreamer, agent: LocalAgent) -> dict[str, Any]:
    box = page.fields["adresse"]
    latencies = []
    citizen_script.focus_field(page, "adresse")
    agent.quiet(0.3)
    keyboard = citizen_script.Keyboard()
    gaps = np.random.default_rng(7)
    with PROBE(streamer, agent) as probe:
        for char in citizen_script.SENTENCE:
            before = agent.crop(box)
            t0 = time.perf_counter()
            keyboard.type_char(char)
            if agent.wait(lambda b=before: not np.array_equal(agent.crop(box), b), 2.0):
                latencies.append(time.perf_counter() - t0)
            # irregular gaps, as a person types (and so the key never phase-locks to
            # the 30 fps capture clock, which would bias the latency figures)
            agent.wait(lambda: False, float(gaps.uniform(0.04, 0.2)))
        agent.quiet(0.3)
    keyboard.close()
    n = len(citizen_script.SENTENCE)
    ms = sorted(x * 1000 for x in latencies)
    return {
        "chars": n,
        "seen": len(ms),
        "bytes": probe.bytes,
        "bytes_per_char": probe.bytes / n,
        "frames": len(probe.records),
        "latency_p50_ms": statistics.median(ms),
        "latency_p95_ms": ms[min(len(ms) - 1, int(0.95 * len(ms)))],
        "capture_cpu_percent": probe.cpu_percent,
        "encode_ms_per_frame": 1000
        * statistics.mean(agent.encode_s[r.frame_id] for r in probe.records),
    }


def scrolling(
    page: formpage.FormPage, streamer: ScreenStreamer, agent: LocalAgent
) -> dict[str, Any]:
    with PROBE(streamer, agent) as probe:
        for _ in citizen_script.scroll(page, 6):
            pass
        for _ in citizen_script.scroll(page, -6):
            pass
        agent.quiet(0.5)
    return {
        "bytes": probe.bytes,
        "frames": len(probe.records),
        "capture_cpu_percent": probe.cpu_percent,
        "seconds": probe.wall,
    }


def mouse(streamer: ScreenStreamer, agent: LocalAgent) -> dict[str, Any]:
    moves0 = agent.cursor_moves
    with PROBE(streamer, agent) as probe:
        for _ in citizen_script.move_mouse([(200, 300), (1500, 800), (600, 900)], steps=30):
            pass
        agent.quiet(0.3)
    return {
        "bytes": probe.bytes,
        "frames": len(probe.records),
        "cursor_messages": agent.cursor_moves - moves0,
    }


def page_change(
    page: formpage.FormPage, streamer: ScreenStreamer, agent: LocalAgent
) -> dict[str, Any]:
    agent.digests = []  # fingerprint every framebuffer the agent shows from now on
    with PROBE(streamer, agent) as probe:
        t0 = time.perf_counter()
        citizen_script.page_change(page, 2)
        agent.quiet(0.5)
        target = digest(screen())
    # the moment the agent first showed the final screen (the page may paint in steps)
    done = next((applied for applied, d in agent.digests if d == target), math.inf)
    agent.digests = None
    first = [r for r in probe.records if r.applied <= done]
    return {
        "ms": 1000 * (done - t0),
        "bytes": sum(r.size for r in first),
        "frames": len(first),
        "encode_ms": 1000 * sum(agent.encode_s[r.frame_id] for r in first),
        "decode_ms": 1000 * sum(r.decode_s for r in first),
    }


def idle(streamer: ScreenStreamer, agent: LocalAgent, seconds: float) -> dict[str, Any]:
    with PROBE(streamer, agent) as probe:
        agent.wait(lambda: False, seconds)
    return {
        "bytes_per_s": probe.bytes / probe.wall,
        "frames": len(probe.records),
        "capture_cpu_percent": probe.cpu_percent,
    }


def run(max_fps: float = 30.0) -> dict[str, Any]:
    results: dict[str, Any] = {}
    page = formpage.launch(blink=False)
    agent = LocalAgent()
    streamer = ScreenStreamer(agent.on_frame, agent.on_cursor, max_fps=max_fps)
    agent.streamer = streamer
    try:
        t0 = time.perf_counter()
        streamer.start()
        agent.quiet(1.0)
        start = agent.since(t0)
        results["initial"] = {
            "keyframe_bytes": start[0].size,
            "frames_until_exact": len(start),
            "bytes_until_exact": sum(r.size for r in start),
            "keyframe_decode_ms": 1000 * start[0].decode_s,
        }
        results["idle"] = idle(streamer, agent, 3.0)
        results["typing"] = typing(page, streamer, agent)
        results["scrolling"] = scrolling(page, streamer, agent)
        results["mouse"] = mouse(streamer, agent)
        results["page_change"] = page_change(page, streamer, agent)
        agent.quiet(1.0)
        with agent.cond:
            final = agent.comp.frame[..., :3].copy()  # type: ignore[index]
        results["final_pixel_exact"] = bool(np.array_equal(final, screen()))
        page.close()
        page = formpage.launch(blink=True)  # a caret blinking in a focused field
        citizen_script.focus_field(page, "navn")
        agent.wait(lambda: False, 2.0)  # the new window arrives and is refreshed
        results["idle_caret_blink"] = idle(streamer, agent, 5.0)
        records = agent.since(0.0)
        results["decode_ms_per_frame"] = 1000 * statistics.mean(r.decode_s for r in records)
        results["totals"] = {
            "frames": len(records),
            "bytes": sum(r.size for r in records),
            "encode_ms_per_capture": 1000
            * streamer.stats.encode_seconds
            / max(1, streamer.stats.captures),
        }
    finally:
        streamer.stop()
        agent.close()
        page.close()
    return results


def verdicts(r: dict[str, Any]) -> dict[str, bool]:
    return {
        "typing_latency_p50_ms": r["typing"]["latency_p50_ms"] <= TARGETS["typing_latency_p50_ms"],
        "typing_latency_p95_ms": r["typing"]["latency_p95_ms"] <= TARGETS["typing_latency_p95_ms"],
        "page_change_ms": r["page_change"]["ms"] <= TARGETS["page_change_ms"],
        "page_change_kb": r["page_change"]["bytes"] / 1000 <= TARGETS["page_change_kb"],
        "idle_bytes_per_s": r["idle_caret_blink"]["bytes_per_s"] <= TARGETS["idle_bytes_per_s"],
        "final_pixel_exact": r["final_pixel_exact"],
    }


def report(
    r: dict[str, Any],
    ok: dict[str, bool],
    *,
    where: str = "in-process",
    cpu: str = "capture thread CPU",
) -> None:
    t, p = r["typing"], r["page_change"]
    lines = [
        f"keyframe 1920x1080: {r['initial']['keyframe_bytes'] / 1000:.1f} kB, exact after "
        f"{r['initial']['bytes_until_exact'] / 1000:.1f} kB in {r['initial']['frames_until_exact']}"
        " frames (lossless refresh of the photo banner)",
        f"typing ({t['chars']} chars): {t['bytes_per_char']:.0f} B/char, latency p50 "
        f"{t['latency_p50_ms']:.1f} ms p95 {t['latency_p95_ms']:.1f} ms ({where}, "
        f"{t['seen']}/{t['chars']} seen), {cpu} {t['capture_cpu_percent']:.0f}%, "
        f"encode {t['encode_ms_per_frame']:.1f} ms/frame",
        f"scrolling: {r['scrolling']['bytes'] / 1000:.1f} kB in {r['scrolling']['frames']} "
        f"frames, {cpu} {r['scrolling']['capture_cpu_percent']:.0f}%",
        f"mouse: {r['mouse']['cursor_messages']} cursor messages, "
        f"{r['mouse']['bytes']} B of frames",
        f"page change: {p['ms']:.0f} ms, {p['bytes'] / 1000:.1f} kB in {p['frames']} frame(s), "
        f"encode {p['encode_ms']:.1f} ms, decode {p['decode_ms']:.1f} ms",
        f"idle: {r['idle']['bytes_per_s']:.0f} B/s static, "
        f"{r['idle_caret_blink']['bytes_per_s']:.0f} B/s with a blinking caret; capture thread "
        f"CPU {r['idle']['capture_cpu_percent']:.0f}%",
        f"decode per frame: {r['decode_ms_per_frame']:.2f} ms; encode per capture: "
        f"{r['totals']['encode_ms_per_capture']:.2f} ms",
        f"final framebuffer pixel-exact: {r['final_pixel_exact']}",
    ]
    print("\n".join(lines))
    for name, passed in ok.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}")


def bench_main(
    description: str,
    run_at: Callable[[argparse.Namespace], dict[str, Any]],
    show: Callable[[dict[str, Any], dict[str, bool]], None],
    argv: list[str] | None,
    *,
    judge: Callable[[dict[str, Any]], dict[str, bool]] | None = None,
    targets: dict[str, float] = TARGETS,
    options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    """The benchmarks' command line: ``--json PATH --fps N`` (and ``options``);
    ``run_at(args)`` on a private Xvfb 1920x1080, ``judge`` gives the verdicts against
    ``targets`` (default: this module's), ``show`` prints; exit 0 only if all pass."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument("--fps", type=float, default=30.0, help="frame-rate cap (default 30)")
    if options is not None:
        options(parser)
    args = parser.parse_args(argv)
    xvfb = Xvfb()
    os.environ["DISPLAY"] = xvfb.display
    try:
        results = run_at(args)
    finally:
        xvfb.stop()
    ok = (judge or verdicts)(results)
    results["targets"], results["pass"], results["max_fps"] = targets, ok, args.fps
    show(results, ok)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0 if all(ok.values()) else 1


def main(argv: list[str] | None = None) -> int:
    return bench_main(__doc__.splitlines()[0], lambda args: run(args.fps), report, argv)


if __name__ == "__main__":
    sys.exit(main())
