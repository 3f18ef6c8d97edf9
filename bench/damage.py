"""The floor: when the X server's pixels actually change (X DAMAGE on the root window).

Runs as its own process (``python -m bench.damage``, DISPLAY set) so its work never
competes with the measured stack for the GIL.  It prints one line per batch of
damage events, stamped with the X server's own time of the batch's last event (the
DamageNotify timestamp: the server's CLOCK_MONOTONIC in ms, the clock of
``time.monotonic()``), not the time this process got round to reading them: on a
loaded machine that came up to ~40 ms late, later than our capture thread had
already grabbed the same paint.  A server whose clock is not the local monotonic
one (an event more than a minute old or in the future) gets the read time instead.

    D <t> <x>,<y>,<w>,<h> ...  a batch of damage: its rectangles (one bounding box
                               when there are more than 32)
    S <t> <digest> ...         the watched boxes' pixels: at once after ``watch``,
                               then after each batch touching them

``watch x,y,w,h ...`` on stdin selects boxes whose pixels are read back (with mss)
after each batch that touches one: blake2b-128 of each box's BGR bytes, the same as
:func:`bench.ourstack.box_digest` of the agent's framebuffer.  ``watch`` alone stops.
Damage says where the X server was drawn to, not that pixels changed (Chromium
redraws its whole window now and then), so the figures come from these digests.
"""

from __future__ import annotations

import hashlib
import select
import sys
import time

import mss
import numpy as np
from Xlib import display
from Xlib.ext import damage

Box = tuple[int, int, int, int]


def _touches(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _digests(grabber: mss.base.MSSBase, boxes: list[Box]) -> str:
    """The digests of ``boxes``, read in one grab of their bounding box."""
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    shot = grabber.grab({"left": x0, "top": y0, "width": x1 - x0, "height": y1 - y0})
    pixels = np.frombuffer(shot.raw, np.uint8).reshape(y1 - y0, x1 - x0, 4)
    out = []
    for x, y, w, h in boxes:
        crop = np.ascontiguousarray(pixels[y - y0 : y - y0 + h, x - x0 : x - x0 + w, :3])
        out.append(hashlib.blake2b(crop.tobytes(), digest_size=16).hexdigest())
    return " ".join(out)


def _box(word: str) -> Box:
    x, y, w, h = (int(v) for v in word.split(","))
    return x, y, w, h


def _server_time(stamp: int, now: float) -> float:
    """``time.monotonic()`` of an X server timestamp (ms, wrapping at 2^32)."""
    age = (int(now * 1000) - stamp) % 2**32
    return now - age / 1000 if age < 60_000 else now


def _batch(disp: display.Display, most: int = 32) -> tuple[list[Box], float]:
    """Every damage event queued now: its rectangles (merged into one box if many),
    and when the server drew the last of them."""
    boxes: list[Box] = []
    stamp: int | None = None
    while disp.pending_events():
        event = disp.next_event()
        if event.type == disp.extension_event.DamageNotify:
            a = event.area
            boxes.append((a.x, a.y, a.width, a.height))
            stamp = event.timestamp
    now = time.monotonic()
    when = now if stamp is None else _server_time(stamp, now)
    if len(boxes) > most:
        x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
        x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
        boxes = [(x0, y0, x1 - x0, y1 - y0)]
    return boxes, when


def main() -> int:
    disp = display.Display()
    if not disp.has_extension("DAMAGE"):
        print("E no DAMAGE extension", flush=True)
        return 1
    disp.damage_query_version()
    root = disp.screen().root
    root.damage_create(damage.DamageReportRawRectangles)
    disp.flush()
    grabber = mss.MSS()
    watch: list[Box] = []
    print("R", flush=True)
    while True:
        ready, _, _ = select.select([disp.fileno(), sys.stdin], [], [])
        if sys.stdin in ready:
            line = sys.stdin.readline()
            if not line:
                return 0
            watch = [_box(word) for word in line.split()[1:]]
            now = f"S {time.monotonic():.6f} {_digests(grabber, watch)}\n" if watch else ""
            print(now + "W", flush=True)
        if disp.fileno() in ready or disp.pending_events():
            boxes, t = _batch(disp)
            if not boxes:
                continue
            out = f"D {t:.6f} " + " ".join(",".join(map(str, b)) for b in boxes) + "\n"
            if any(_touches(b, w) for b in boxes for w in watch):
                out += f"S {t:.6f} {_digests(grabber, watch)}\n"
            sys.stdout.write(out)
            sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
