"""Capture micro-benchmark: what the streamer costs on a still screen and how fast a
change reaches the encoder, with X DAMAGE and with the polling fallback.

Starts its own Xvfb 1920x1080 (nothing on it but the root window) and runs a
ScreenStreamer (acks after 1 ms, like a quick agent) once per source:

* still: CPU seconds of the capture thread and its wake-ups over ``--still`` seconds;
* change: another X client fills a small rectangle ``--draws`` times, 8 a second;
  per draw: draw -> ``on_frame`` (ms) and the streamer's ``last_damage_to_encode``.

    python bench/capture.py [--still S] [--draws N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from Xlib import display  # noqa: E402

from cobrowse.local.xserver import Xvfb  # noqa: E402
from cobrowse.screen.capture import Capturer  # noqa: E402
from cobrowse.screen.source import PollingSource, open_source  # noqa: E402
from cobrowse.screen.streamer import ScreenStreamer  # noqa: E402


class Run:
    """One streamer and what it handed on: (perf_counter, bytes, damage->encode)."""

    def __init__(self, polling: bool) -> None:
        self.frames: list[tuple[float, int, float]] = []
        self.cond = threading.Condition()
        factory = (lambda: PollingSource(Capturer(), 30.0)) if polling else open_source
        self.streamer = ScreenStreamer(self._on_frame, lambda *a: None, source_factory=factory)

    def _on_frame(self, frame_id: int, payload: bytes) -> None:
        with self.cond:
            stats = self.streamer.stats
            self.frames.append((time.perf_counter(), len(payload), stats.last_damage_to_encode))
            self.cond.notify_all()
        threading.Timer(0.001, self.streamer.ack, (frame_id,)).start()

    def still(self, seconds: float) -> dict[str, float]:
        thread = self.streamer.thread
        assert thread is not None and thread.ident is not None
        clock = time.pthread_getcpuclockid(thread.ident)
        cpu, wakes, frames = time.clock_gettime(clock), self.streamer.stats.wakes, len(self.frames)
        time.sleep(seconds)
        cpu = time.clock_gettime(clock) - cpu
        return {
            "cpu_percent": 100 * cpu / seconds,
            "wakes_per_s": (self.streamer.stats.wakes - wakes) / seconds,
            "frames": len(self.frames) - frames,
        }

    def changes(self, draws: int, y: int) -> dict[str, float]:
        d = display.Display()
        root = d.screen().root
        gc = root.create_gc(foreground=0)
        latency, to_encode = [], []
        for i in range(draws):
            with self.cond:
                seen = len(self.frames)
            gc.change(foreground=(0x203040 * (i + 1)) & 0xFFFFFF)
            t0 = time.perf_counter()
            root.fill_rectangle(gc, 100 + 12 * (i % 100), y, 10, 18)  # a typed letter
            d.sync()
            with self.cond:
                if self.cond.wait_for(lambda: len(self.frames) > seen, 2.0):  # noqa: B023
                    t, _, damage = self.frames[seen]
                    latency.append(1000 * (t - t0))
                    to_encode.append(1000 * damage)
            time.sleep(0.125)
        d.close()
        return {
            "draw_to_frame_ms_p50": statistics.median(latency),
            "draw_to_frame_ms_max": max(latency),
            "damage_to_encode_ms_p50": statistics.median(to_encode),
        }


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for y, (name, polling) in enumerate((("damage", False), ("polling", True))):
        bench = Run(polling)
        bench.streamer.start()
        try:
            time.sleep(2.0)  # keyframe out, refresh done
            results[name] = {**bench.still(args.still), **bench.changes(args.draws, 300 + 40 * y)}
        finally:
            bench.streamer.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--still", type=float, default=10.0, help="seconds of still screen")
    parser.add_argument("--draws", type=int, default=20, help="rectangles drawn")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    xvfb = Xvfb()
    os.environ["DISPLAY"] = xvfb.display
    try:
        results = run(args)
    finally:
        xvfb.stop()
    for name, figures in results.items():
        print(name, "  ".join(f"{k}={v:.3g}" for k, v in figures.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
