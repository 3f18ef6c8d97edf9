"""The citizen client's own windows, hatched out of the frames the agent gets.

On X11 a capture reads the root window, so the client's sharing bar, step banner
and dialogs would appear in the agent's view (and the agent would try to click
them).  What lies underneath them was never drawn - X keeps no pixels below a
window without a compositor - so it cannot be shown either.  Instead the GUI
thread publishes where those windows are (:class:`HiddenAreas`), and the capture
thread paints each of them with a grey hatch (:func:`hatch`) before encoding: the
agent sees plainly that this area is the citizen's own window, and nothing of it.
A hatch is two colours, so the encoder sends it losslessly and very small.

Where the platform itself keeps windows out of captures (Windows:
``WDA_EXCLUDEFROMCAPTURE``) the client simply does not publish them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

import numpy as np

from cobrowse.screen.diff import Frame

Rect = tuple[int, int, int, int]  # x, y, width, height in desktop pixels
STRIPE = 8  # pixels per stripe of the hatch
LIGHT, DARK = (0xC8, 0xC8, 0xC8, 0xFF), (0x9A, 0x9A, 0x9A, 0xFF)  # BGRA greys


class HiddenAreas:
    """Where the client's own windows are now (written by the GUI, read by capture)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rects: tuple[Rect, ...] = ()

    def publish(self, rects: Iterable[Rect]) -> None:
        with self._lock:
            self._rects = tuple(rects)

    def rects(self) -> tuple[Rect, ...]:
        with self._lock:
            return self._rects


def hatch(frame: Frame, origin: tuple[int, int], rects: Iterable[Rect]) -> Frame:
    """``frame`` (captured at desktop ``origin``) with every rect hatched; the
    hatch is aligned to the desktop, so a window that stays put looks unchanged."""
    out = frame
    height, width = frame.shape[:2]
    for rx, ry, rw, rh in rects:
        x0, y0 = max(rx - origin[0], 0), max(ry - origin[1], 0)
        x1, y1 = min(rx - origin[0] + rw, width), min(ry - origin[1] + rh, height)
        if x0 >= x1 or y0 >= y1:
            continue
        if out is frame and not frame.flags.writeable:
            out = frame.copy()
        ys = np.arange(y0, y1)[:, None] + origin[1]
        xs = np.arange(x0, x1)[None, :] + origin[0]
        dark = ((xs + ys) // STRIPE) % 2 == 1
        out[y0:y1, x0:x1] = np.where(dark[:, :, None], DARK, LIGHT).astype(np.uint8)
    return out


def overlaps(hidden: Iterable[Rect], rects: Iterable[Rect], origin: tuple[int, int]) -> list[Rect]:
    """The parts of ``hidden`` (desktop) inside ``rects`` (captured at desktop
    ``origin``), in desktop coordinates: what to hatch after grabbing only ``rects``."""
    rects = list(rects)
    out = []
    for hx, hy, hw, hh in hidden:
        for rx, ry, rw, rh in rects:
            x0, y0 = max(hx, rx + origin[0]), max(hy, ry + origin[1])
            x1, y1 = min(hx + hw, rx + origin[0] + rw), min(hy + hh, ry + origin[1] + rh)
            if x0 < x1 and y0 < y1:
                out.append((x0, y0, x1 - x0, y1 - y0))
    return out
