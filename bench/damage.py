"""The floor: when the X server's pixels actually change (X DAMAGE on the root window).

Runs as its own process (``python -m bench.damage``, DISPLAY set) so its work never
competes with the measured stack for the GIL.  It prints one line per batch of
damage events:

    D <t> <x>,<y>,<w>,<h> ...  a batch of damage: its rectangles (one bounding box
                               when there are more than 32)
    S <t> <digest> ...         the watched boxes' pixels: at once after ``watch``,
                               then after each batch touching them

``watch x,y,w,h ...`` on stdin selects boxes whose pixels are read back (with mss):
blake2b-128 of each box's BGR bytes, the same as :func:`bench.ourstack.box_digest`
of the agent's framebuffer.  ``watch`` alone stops.  Damage says where the X server
was drawn to, not that pixels changed (Chromium redraws its whole window now and
then), so the figures come from these digests.

Times are the X server's own (the DamageNotify timestamp: the server's
CLOCK_MONOTONIC in ms, the clock of ``time.monotonic()``), not when this process
got round to the events: on a loaded machine that was up to ~40 ms late, after our
capture thread had already grabbed the same paint.  When damage wakes it, the
process reads the watched boxes *first* and then takes the events: the pixels read
hold every paint stamped before the read began, so a state is stamped with the last
touching paint up to the read's end - never earlier than a paint it shows (reading
after taking the events stamped the banner ~20 ms early when the read came late);
at most late by a paint that landed during the read, and then it reads again.  A
server whose clock is not the local monotonic one (an event more than a minute old
or in the future) gets the read time instead.  A starved floor reads late and then
stamps a burst of paints with the last one's time (late, never early); running it
at nice -10 was tried and made it worse for the stacks: its read-backs (10-30 ms of
a core for the whole screen under load) then pre-empted their capture and encode,
which took 50-70 ms instead of 10-20 in some page changes.
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


Event = tuple[Box, float]


def _events(disp: display.Display) -> list[Event]:
    """Every damage event queued now: its rectangle and when the server drew it."""
    out: list[Event] = []
    while disp.pending_events():
        event = disp.next_event()
        if event.type == disp.extension_event.DamageNotify:
            a = event.area
            now = time.monotonic()
            out.append(((a.x, a.y, a.width, a.height), _server_time(event.timestamp, now)))
    return out


def _merged(boxes: list[Box], most: int = 32) -> list[Box]:
    """``boxes``, or their bounding box when there are more than ``most``."""
    if len(boxes) <= most:
        return boxes
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[0] + b[2] for b in boxes), max(b[1] + b[3] for b in boxes)
    return [(x0, y0, x1 - x0, y1 - y0)]


def _step(
    disp: display.Display, grabber: mss.base.MSSBase, watch: list[Box], carry: float | None
) -> float | None:
    """Read the watched boxes, then take the damage: print the batch and, if a paint
    touched a box (now, or ``carry``: one the last read may have missed), the state
    stamped with the last touching paint up to the read's end.  Returns the stamp of
    a touching paint that came during the read or after it (read again), else None."""
    start = time.monotonic()
    digests = _digests(grabber, watch) if watch else ""
    end = time.monotonic()
    events = _events(disp)
    out = ""
    if events:
        boxes = _merged([b for b, _ in events])
        out = f"D {events[-1][1]:.6f} " + " ".join(",".join(map(str, b)) for b in boxes) + "\n"
    touching = [t for b, t in events if any(_touches(b, w) for w in watch)]
    shown = [t for t in touching if t <= end] + ([carry] if carry is not None else [])
    if shown:
        out += f"S {max(shown):.6f} {digests}\n"
    sys.stdout.write(out)
    sys.stdout.flush()
    late = [t for t in touching if t >= start]
    return max(late) if late else None


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
    again: float | None = None
    while True:
        wait = 0 if again is not None else None
        ready, _, _ = select.select([disp.fileno(), sys.stdin], [], [], wait)
        if sys.stdin in ready:
            line = sys.stdin.readline()
            if not line:
                return 0
            watch = [_box(word) for word in line.split()[1:]]
            now = f"S {time.monotonic():.6f} {_digests(grabber, watch)}\n" if watch else ""
            print(now + "W", flush=True)
        if again is not None or disp.fileno() in ready or disp.pending_events():
            again = _step(disp, grabber, watch, again)


if __name__ == "__main__":
    sys.exit(main())
