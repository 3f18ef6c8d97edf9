"""Scripted citizen actions on the form page (bench/formpage.py) via xdotool.

Each action injects real X input (XTEST through xdotool) on ``$DISPLAY`` and
returns once injected; generators yield after every single input so a benchmark
can timestamp each one (e.g. key injected -> agent framebuffer changed).

    page = formpage.launch(display)
    for char in type_text(page, "navn", SENTENCE):
        ...  # measure
    scroll(page, 5)
    for _ in move_mouse([(100, 100), (900, 600)], steps=30):
        ...
    page_change(page)

Run as a program it plays the whole script once against a new form page on the
current display: ``python bench/citizen_script.py``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import formpage  # noqa: E402

SENTENCE = "Jens Hansen, Vesterbrogade 12, 1620 Kobenhavn V"
"""What the citizen types (ASCII: xdotool's keysym remapping of Danish letters on a
bare Xvfb is not reliable enough for a benchmark)."""


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True)


class Keyboard:
    """Types characters through XTEST directly (libXtst via ctypes): no process start
    per key, so a benchmark can timestamp the moment the key reaches the X server."""

    NAMES = {" ": "space", ",": "comma", ".": "period", "-": "minus"}

    def __init__(self) -> None:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
        self.xtst = ctypes.CDLL(ctypes.util.find_library("Xtst") or "libXtst.so.6")
        x11.XOpenDisplay.restype = ctypes.c_void_p
        x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x11.XStringToKeysym.restype = ctypes.c_ulong
        x11.XStringToKeysym.argtypes = [ctypes.c_char_p]
        x11.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
        self.xtst.XTestFakeKeyEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self.x11 = x11
        self.display = x11.XOpenDisplay(None)
        if not self.display:
            raise OSError("cannot open the X display")
        self.shift = self._keycode("Shift_L")

    def _keycode(self, name: str) -> int:
        code = int(self.x11.XKeysymToKeycode(self.display, self.x11.XStringToKeysym(name.encode())))
        if code == 0:
            raise ValueError(f"no key for {name!r}")
        return code

    def type_char(self, char: str) -> None:
        """Press and release the key for ``char`` (ASCII), with Shift for capitals."""
        upper = char.isalpha() and char.isupper()
        code = self._keycode(self.NAMES.get(char, char.lower()))
        events = [(self.shift, 1)] if upper else []
        events += [(code, 1), (code, 0)] + ([(self.shift, 0)] if upper else [])
        for keycode, pressed in events:
            self.xtst.XTestFakeKeyEvent(self.display, keycode, pressed, 0)
        self.x11.XFlush(self.display)

    def close(self) -> None:
        if self.display:
            self.x11.XCloseDisplay(self.display)
            self.display = None


def click(x: int, y: int) -> None:
    xdotool("mousemove", str(x), str(y), "click", "1")


def focus_field(page: formpage.FormPage, key: str) -> None:
    """Click into a text field (e.g. ``"navn"``, ``"cpr"``, ``"adresse"``)."""
    click(*page.centre(key))
    page.sync()


def type_text(page: formpage.FormPage, key: str, text: str) -> Iterator[str]:
    """Click the field, then type ``text`` one key at a time (XTEST); yields each
    character right after its key press and release reached the X server."""
    focus_field(page, key)
    keyboard = Keyboard()
    try:
        for char in text:
            keyboard.type_char(char)
            yield char
    finally:
        keyboard.close()


def scroll(page: formpage.FormPage, clicks: int) -> Iterator[int]:
    """Turn the mouse wheel over the page body (positive: down); yields per click."""
    x, y, w, h = page.scroll_area
    xdotool("mousemove", str(x + w // 2), str(y + h // 2))
    button = "5" if clicks > 0 else "4"
    for n in range(abs(clicks)):
        xdotool("click", button)
        yield n


def move_mouse(points: list[tuple[int, int]], steps: int = 20) -> Iterator[tuple[int, int]]:
    """Move the pointer along ``points`` in ``steps`` moves per segment."""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        for i in range(1, steps + 1):
            x, y = x0 + (x1 - x0) * i // steps, y0 + (y1 - y0) * i // steps
            xdotool("mousemove", str(x), str(y))
            yield x, y


def page_change(page: formpage.FormPage, number: int = 2) -> None:
    """Go to another page of the form (what pressing "Næste" does) and wait for the
    repaint to be requested."""
    page.command(f"page {number}")
    page.sync()


def play(page: formpage.FormPage) -> dict[str, Any]:
    """The whole script once, without measuring (a smoke run)."""
    typed = "".join(type_text(page, "navn", SENTENCE))
    scrolled = sum(1 for _ in scroll(page, 5))
    moves = sum(1 for _ in move_mouse([(200, 300), (1500, 800), (600, 900)]))
    page_change(page)
    return {"typed": typed, "scroll_clicks": scrolled, "mouse_moves": moves}


def main() -> int:
    page = formpage.launch()
    try:
        print(play(page))
    finally:
        page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
