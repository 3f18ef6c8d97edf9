"""The floor: when the X server's pixels actually change (X DAMAGE on the root window).

Runs as its own process (``python -m bench.damage``, DISPLAY set) so its work never
competes with the measured stack for the GIL.  It prints one line per batch of
damage events, stamped with ``time.monotonic()`` (CLOCK_MONOTONIC, the same clock
in every process):

    D <t> <x>,<y>,<w>,<h> ...  a batch of damage: its rectangles (one bounding box
                               when there are more than 32)
    S <t> <digest>             after a batch touching the watched box: its pixels

``watch x y w h`` on stdin selects the box whose pixels are read back after each
batch that touches it (blake2b-128 of its BGR bytes, the same as
:func:`bench.ourstack.box_digest` of the agent's framebuffer); ``watch`` alone stops.
"""

from __future__ import annotations

import hashlib
import select
import sys
import time

import numpy as np
from Xlib import X, display
from Xlib.ext import damage

Box = tuple[int, int, int, int]


def _touches(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _digest(root: object, box: Box) -> str:
    x, y, w, h = box
    raw = root.get_image(x, y, w, h, X.ZPixmap, 0xFFFFFFFF).data  # type: ignore[attr-defined]
    pixels = np.frombuffer(raw, np.uint8).reshape(h, w, 4)[..., :3]
    return hashlib.blake2b(np.ascontiguousarray(pixels).tobytes(), digest_size=16).hexdigest()


def _batch(disp: display.Display, most: int = 32) -> list[Box]:
    """Every damage event queued now: its rectangles (merged into one box if many)."""
    boxes: list[Box] = []
    while disp.pending_events():
        event = disp.next_event()
        if event.type == disp.extension_event.DamageNotify:
            a = event.area
            boxes.append((a.x, a.y, a.width, a.height))
    if len(boxes) > most:
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        boxes = [(x0, y0, x1 - x0, y1 - y0)]
    return boxes


def main() -> int:
    disp = display.Display()
    if not disp.has_extension("DAMAGE"):
        print("E no DAMAGE extension", flush=True)
        return 1
    disp.damage_query_version()
    root = disp.screen().root
    root.damage_create(damage.DamageReportRawRectangles)
    disp.flush()
    watch: Box | None = None
    print("R", flush=True)
    while True:
        ready, _, _ = select.select([disp.fileno(), sys.stdin], [], [])
        if sys.stdin in ready:
            line = sys.stdin.readline()
            if not line:
                return 0
            numbers = [int(v) for v in line.split()[1:]]
            watch = (numbers[0], numbers[1], numbers[2], numbers[3]) if numbers else None
            print("W", flush=True)
        if disp.fileno() in ready or disp.pending_events():
            t = time.monotonic()
            boxes = _batch(disp)
            if not boxes:
                continue
            out = f"D {t:.6f} " + " ".join(",".join(map(str, b)) for b in boxes) + "\n"
            if watch is not None and any(_touches(b, watch) for b in boxes):
                out += f"S {t:.6f} {_digest(root, watch)}\n"
            sys.stdout.write(out)
            sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
