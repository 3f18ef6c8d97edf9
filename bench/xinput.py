"""Input for the Chromium benchmark through XTEST (libXtst via ctypes): keys from
bench/citizen_script.py's Keyboard plus pointer moves, clicks and wheel turns, each
flushed to the X server before the call returns, so it can be timestamped."""

from __future__ import annotations

import ctypes

from bench.citizen_script import Keyboard


class Input(Keyboard):
    def __init__(self) -> None:
        super().__init__()
        self.xtst.XTestFakeButtonEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_ulong,
        ]
        self.xtst.XTestFakeMotionEvent.argtypes = [
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_ulong,
        ]

    def move(self, x: int, y: int) -> None:
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self.x11.XFlush(self.display)

    def click(self, button: int = 1) -> None:
        """Press and release ``button`` (4/5: the wheel up/down one notch)."""
        self.xtst.XTestFakeButtonEvent(self.display, button, 1, 0)
        self.xtst.XTestFakeButtonEvent(self.display, button, 0, 0)
        self.x11.XFlush(self.display)
