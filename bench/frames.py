"""Record real Chromium frames once, then replay them through the encoder and the
compositor: per-call encode/decode CPU times of the calling thread (medians, so a
shared machine's load shows less) and bytes, without capture, network or the
browser in the measurement.

    python bench/frames.py record PATH.npz     # Xvfb 1920x1080 + Chromium (bench/webpages.py)
    python bench/frames.py replay PATH.npz [--json OUT]

The recording holds, in order: the page after load (the keyframe), the Navn field
focused, one frame after each of 16 typed characters, the frames of a page change
("Næste", page 2 with another photo) and of 5 wheel notches, each kept only if it
differs from the one before.  Each frame also carries the bounding box of what
changed since the previous one (what XDamage would report), for the dirty-hint path.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cobrowse.screen.compositor import Compositor  # noqa: E402
from cobrowse.screen.diff import Frame  # noqa: E402
from cobrowse.screen.encoder import FrameEncoder  # noqa: E402

TEXT = "Jens Hansen, Ves"
STILL = 12
"""Still captures replayed after each recorded frame (0.4 s at 30 fps): time to refresh."""


def _grab() -> Frame:
    from cobrowse.screen.capture import Capturer

    cap = Capturer()
    try:
        return cap.grab(0).copy()
    finally:
        cap.close()


def _record_run(folder: Path) -> dict[str, list[Frame]]:
    from bench import webpages
    from bench.xinput import Input
    from cobrowse.local.desktop import Desktop

    desk = Desktop(__import__("os").environ["DISPLAY"], webpages.write(folder))
    keys = Input()
    wait = threading.Event().wait
    try:
        wait(2.0)
        out: dict[str, list[Frame]] = {"start": [_grab()]}
        x, y = desk.field_centre("navn")
        keys.move(x, y)
        keys.click(1)
        wait(1.0)
        out["focus"] = [_grab()]
        out["typing"] = []
        for char in TEXT:
            keys.type_char(char)
            wait(0.12)
            out["typing"].append(_grab())
        out["page"] = _burst(keys, desk, "#next", lambda: keys.click(1))
        desk.evaluate("setTimeout(() => history.back(), 0)")
        wait(2.0)
        out["back"] = [_grab()]
        out["scroll"] = _burst(keys, desk, "main h2", lambda: _wheel(keys))
        return out
    finally:
        keys.close()
        desk.stop()


def _wheel(keys: Any) -> None:
    for _ in range(5):
        keys.click(5)
        threading.Event().wait(0.04)


def _burst(keys: Any, desk: Any, selector: str, act: Any) -> list[Frame]:
    """Frames every ~30 ms for 1.2 s after ``act``."""
    x, y = desk.evaluate(
        f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
        ".getBoundingClientRect(); return [window.screenX + r.x + r.width / 2,"
        " window.screenY + (window.outerHeight - window.innerHeight) + r.y + r.height / 2];"
        " })()"
    )
    keys.move(round(x), round(y))
    threading.Event().wait(0.5)
    act()
    frames, end = [], time.monotonic() + 1.2
    while time.monotonic() < end:
        frames.append(_grab())
        threading.Event().wait(0.03)
    return frames


def record(path: Path) -> None:
    from cobrowse.local.xserver import Xvfb

    xvfb = Xvfb()
    import os

    os.environ["DISPLAY"] = xvfb.display
    try:
        with tempfile.TemporaryDirectory(prefix="cobrowse-pages-") as folder:
            phases = _record_run(Path(folder))
    finally:
        xvfb.stop()
    frames, labels, prev = [], [], None
    for phase, shots in phases.items():
        for shot in shots:
            if prev is None or not np.array_equal(shot, prev):
                frames.append(shot)
                labels.append(phase)
                prev = shot
    np.savez_compressed(path, frames=np.stack(frames), labels=np.array(labels))
    print(f"{len(frames)} frames: {dict(zip(*np.unique(labels, return_counts=True), strict=True))}")


def changed_box(prev: Frame | None, cur: Frame) -> list[tuple[int, int, int, int]] | None:
    """The bounding box of the pixels that differ (a stand-in for XDamage rects)."""
    if prev is None or prev.shape != cur.shape:
        return None
    diff = (prev.view(np.uint32) != cur.view(np.uint32))[..., 0]
    rows, cols = np.flatnonzero(diff.any(axis=1)), np.flatnonzero(diff.any(axis=0))
    if len(rows) == 0:
        return []
    return [(int(cols[0]), int(rows[0]), int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1))]


def replay(path: Path, *, hints: bool = False, rounds: int = 3) -> dict[str, Any]:
    data = np.load(path)
    frames, labels = list(data["frames"]), [str(x) for x in data["labels"]]
    per: dict[str, dict[str, list[float]]] = {}
    for r in range(rounds):
        encoder, agent, prev = FrameEncoder(), Compositor(), None
        for frame, label in zip(frames, labels, strict=True):
            for step in range(STILL + 1):  # the frame, then captures of a still screen
                kwargs = {"dirty": changed_box(prev, frame)} if hints else {}
                copy = frame.copy()
                t0 = time.thread_time()
                payload = encoder.encode(copy, **kwargs)
                t1 = time.thread_time()
                prev = frame
                if payload is None:
                    continue
                agent.apply(payload)
                t2 = time.thread_time()
                row = per.setdefault(f"{label}{'' if step == 0 else '+refresh'}", {})
                row.setdefault("encode_ms", []).append(1000 * (t1 - t0))
                row.setdefault("decode_ms", []).append(1000 * (t2 - t1))
                if r == 0:
                    row.setdefault("bytes", []).append(len(payload))
        assert agent.frame is not None
        exact = bool(np.array_equal(agent.frame[..., :3], frames[-1][..., :3]))
    out: dict[str, Any] = {"pixel_exact": exact}
    for name, row in per.items():
        out[name] = {
            "updates": len(row["bytes"]),
            "bytes_total": sum(row["bytes"]),
            "bytes_median": statistics.median(row["bytes"]),
            "encode_ms_median": round(statistics.median(row["encode_ms"]), 2),
            "encode_ms_max": round(max(row["encode_ms"]), 2),
            "decode_ms_median": round(statistics.median(row["decode_ms"]), 2),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("record", "replay"))
    parser.add_argument("path", type=Path)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--hints", action="store_true", help="pass dirty rectangles")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.path)
        return 0
    result = replay(args.path, hints=args.hints)
    for name, row in result.items():
        print(f"{name:16} {row}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
