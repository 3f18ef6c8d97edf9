"""Streaming benchmark on real content: Chromium on Xvfb, our stack through a real
relay, the floor (X DAMAGE) and TigerVNC (x0vncserver) in the same run.

Starts its own Xvfb 1920x1080 with openbox and Chromium showing a Danish
self-service page with a photo banner (bench/webpages.py).  Then, one stack at a
time on the same desktop - ours (bench/ourstack.py: relay, E2E-encrypted session,
ScreenStreamer -> Compositor), then x0vncserver with our RFB viewer (bench/rfb.py)
- plays each scenario ``--reps`` times (bench/scenarios.py): idle on a still
screen, typing at 8 characters/s into a form field without waiting for the screen,
idle with a blinking caret, a page change (another photo), a scroll.  Reports
medians over the repetitions with PASS/FAIL against issue 12's targets; exit code
1 if any target is missed.  The page-change and scroll times are judged on what a
stack adds after the floor (bench/report.py); the page change's bytes come with
their lossless floor, the best coders here on the pixels it changed
(bench/lossless.py).

    python bench/chromium.py [--json PATH] [--fps N] [--reps N] [--no-peer]

Bytes are counted on the wire: the TCP payload between the citizen and the relay
(ours) or between the viewer and x0vncserver, both directions, framing included.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench import lossless, scenarios, webpages  # noqa: E402
from bench.codec import bench_main, screen  # noqa: E402
from bench.floor import Floor  # noqa: E402
from bench.ourstack import OurStack  # noqa: E402
from bench.report import TARGETS, judge, show  # noqa: E402
from bench.rfb import TigerVNC  # noqa: E402
from bench.viewer import Viewer  # noqa: E402
from bench.xinput import Input  # noqa: E402
from cobrowse.local.desktop import Desktop  # noqa: E402


def one_rep(scene: scenarios.Scene, text: str, idle_s: float) -> dict[str, Any]:
    """Every scenario once, starting on page 1 with nothing focused."""
    scene.desk.evaluate("document.getElementById('navn').value = ''; document.activeElement.blur()")
    scene.input.move(1900, 1060)
    scene.settle()
    result: dict[str, Any] = {"idle_static": scenarios.idle(scene, idle_s)}
    mark = scene.mark()
    result["typing"] = scenarios.typing(scene, text)
    scenarios.pause(1.0)
    result["idle_caret"] = scenarios.idle(scene, idle_s)
    scene.desk.evaluate("document.activeElement.blur()")
    scene.settle()
    result["page_change"] = scenarios.page_change(scene)
    result["scroll"] = scenarios.scroll(scene)
    result["scenario"] = scene.rates(mark)
    return result


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The median of every number over the repetitions (same nesting)."""
    first = runs[0]
    out: dict[str, Any] = {}
    for key, value in first.items():
        if isinstance(value, dict):
            out[key] = median_of([r[key] for r in runs])
        elif isinstance(value, (int, float)):
            out[key] = statistics.median(r[key] for r in runs)
    return out


def measure(scene: scenarios.Scene, args: argparse.Namespace) -> dict[str, Any]:
    text = scenarios.SENTENCE[: args.chars]
    runs = [one_rep(scene, text, args.idle) for _ in range(args.reps)]
    result: dict[str, Any] = {"runs": runs, "median": median_of(runs)}
    if scene.viewer.exact:  # decoding viewer: does its framebuffer equal the screen?
        scene.settle()
        framebuffer = scene.viewer.framebuffer()  # type: ignore[attr-defined]
        result["final_pixel_exact"] = bool(np.array_equal(framebuffer, screen()))
    return result


def run(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"load_average_before": os.getloadavg(), "reps": args.reps}
    with contextlib.ExitStack() as closing:
        folder = Path(closing.enter_context(tempfile.TemporaryDirectory(prefix="cobrowse-pages-")))
        # a Danish browser for a Danish page (no translation offer popping up)
        desk = Desktop(os.environ["DISPLAY"], webpages.write(folder))
        closing.callback(desk.stop)
        floor = Floor()
        closing.callback(floor.close)
        keys = Input()
        closing.callback(keys.close)
        stacks: list[tuple[str, Any]] = [("ours", lambda: OurStack(args.fps))]
        if not args.no_peer:
            stacks.append(("tigervnc", lambda: TigerVNC(os.environ["DISPLAY"])))
        for name, make in stacks:
            viewer: Viewer = make()
            try:
                viewer.start()
                scene = scenarios.Scene(desk, floor, keys, viewer)
                scene.settle()
                results[name] = measure(scene, args)
            finally:
                viewer.close()
            if name == "ours" and scene.shots:  # after the measuring: its CPU is not ours
                results["page_bytes_floor"] = lossless.measure(*scene.shots[0])
    results["load_average_after"] = os.getloadavg()
    return results


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reps", type=int, default=3, help="repetitions (median reported)")
    parser.add_argument(
        "--chars",
        type=int,
        default=len(scenarios.SENTENCE),
        help="characters to type (default: the whole sentence)",
    )
    parser.add_argument("--idle", type=float, default=5.0, help="seconds per idle phase")
    parser.add_argument("--no-peer", action="store_true", help="leave TigerVNC out")


def main(argv: list[str] | None = None) -> int:
    return bench_main(
        __doc__.splitlines()[0], run, show, argv, judge=judge, targets=TARGETS, options=options
    )


if __name__ == "__main__":
    sys.exit(main())
