"""Loading the X11 client libraries through ctypes, once per caller.

Each user of Xlib in this package (pointer, focus, damage) keeps a display connection
of its own; what they share is finding the library and the signatures of the calls
every one of them makes (open, root window, close), declared for 64-bit safety.
"""

from __future__ import annotations

import ctypes
import ctypes.util


def load(name: str) -> ctypes.CDLL:
    """``lib<name>`` (e.g. ``X11``, ``Xfixes``); OSError when it is not installed."""
    found = ctypes.util.find_library(name)
    if found is None:
        raise OSError(f"lib{name} not found")
    return ctypes.CDLL(found)


def libx11() -> ctypes.CDLL:
    """libX11 with ``XOpenDisplay``, ``XDefaultRootWindow`` and ``XCloseDisplay`` typed."""
    lib = load("X11")
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    return lib
