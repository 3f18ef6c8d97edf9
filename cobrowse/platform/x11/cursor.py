"""The pointer on X11: its position (``XQueryPointer``) and image (XFixes).

One display connection per :class:`X11CursorReader`, so also one per thread;
where there is no X11 (Wayland without XWayland) the reader returns None and the
agent simply sees no cursor.  The cursor *image* comes from the XFixes extension
(``XFixesGetCursorImage``); without it the agent draws a generic arrow at the
position.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from typing import Any

import numpy as np

from cobrowse.platform.base import CursorImage
from cobrowse.platform.x11.xlib import libx11


class _XPointer:
    def __init__(self) -> None:
        lib = libx11()
        argtypes: list[Any] = [ctypes.c_void_p, ctypes.c_ulong]
        argtypes += [ctypes.POINTER(ctypes.c_ulong)] * 2 + [ctypes.POINTER(ctypes.c_int)] * 4
        lib.XQueryPointer.argtypes = argtypes + [ctypes.POINTER(ctypes.c_uint)]
        self.lib = lib
        self.display = lib.XOpenDisplay(None)
        if not self.display:
            raise OSError("cannot open the X display")
        self.root = lib.XDefaultRootWindow(self.display)

    def query(self) -> tuple[int, int] | None:
        root, child = ctypes.c_ulong(), ctypes.c_ulong()
        x, y, wx, wy = (ctypes.c_int() for _ in range(4))
        mask = ctypes.c_uint()
        same_screen = self.lib.XQueryPointer(
            self.display,
            self.root,
            ctypes.byref(root),
            ctypes.byref(child),
            ctypes.byref(x),
            ctypes.byref(y),
            ctypes.byref(wx),
            ctypes.byref(wy),
            ctypes.byref(mask),
        )
        return (x.value, y.value) if same_screen else None

    def close(self) -> None:
        if self.display:
            self.lib.XCloseDisplay(self.display)
            self.display = None


class _XFixesCursorImage(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_short),
        ("y", ctypes.c_short),
        ("width", ctypes.c_ushort),
        ("height", ctypes.c_ushort),
        ("xhot", ctypes.c_ushort),
        ("yhot", ctypes.c_ushort),
        ("cursor_serial", ctypes.c_ulong),
        ("pixels", ctypes.POINTER(ctypes.c_ulong)),
    ]


class _XFixes:
    """``XFixesGetCursorImage`` on an open display (the pointer's connection)."""

    def __init__(self, pointer: _XPointer) -> None:
        name = ctypes.util.find_library("Xfixes")
        if name is None:
            raise OSError("libXfixes not found")
        lib = ctypes.CDLL(name)
        lib.XFixesQueryExtension.argtypes = [ctypes.c_void_p] + [ctypes.POINTER(ctypes.c_int)] * 2
        lib.XFixesGetCursorImage.restype = ctypes.POINTER(_XFixesCursorImage)
        lib.XFixesGetCursorImage.argtypes = [ctypes.c_void_p]
        pointer.lib.XFree.argtypes = [ctypes.c_void_p]
        event, error = ctypes.c_int(), ctypes.c_int()
        if not lib.XFixesQueryExtension(pointer.display, ctypes.byref(event), ctypes.byref(error)):
            raise OSError("the X server has no XFixes extension")
        self.lib, self.pointer = lib, pointer

    def image(self, known_serial: int | None) -> CursorImage | None:
        """The cursor image, or None if its serial is ``known_serial`` or it cannot be read."""
        found = self.lib.XFixesGetCursorImage(self.pointer.display)
        if not found:
            return None
        try:
            img = found.contents
            serial, w, h = int(img.cursor_serial), int(img.width), int(img.height)
            if serial == known_serial or not (0 < w and 0 < h) or not img.pixels:
                return None
            # One ``unsigned long`` per pixel holding premultiplied ARGB in its low 32 bits.
            longs = np.ctypeslib.as_array(img.pixels, shape=(w * h,))
            bgra = longs.astype("<u4").view(np.uint8).reshape(h, w, 4)
            rgba = bgra[:, :, [2, 1, 0, 3]].tobytes()
            return CursorImage(
                serial, w, h, min(int(img.xhot), w - 1), min(int(img.yhot), h - 1), rgba
            )
        finally:
            self.pointer.lib.XFree(found)


class X11CursorReader:
    """Pointer position in desktop coordinates and its image, or None where the
    X server does not tell (no X11, Wayland without XWayland, no XFixes)."""

    def __init__(self) -> None:
        self._fixes: _XFixes | None = None
        try:
            self._x: _XPointer | None = _XPointer()
        except OSError:
            self._x = None
        if self._x is not None:
            try:
                self._fixes = _XFixes(self._x)
            except OSError:
                self._fixes = None

    def position(self) -> tuple[int, int] | None:
        return self._x.query() if self._x is not None else None

    def image(self, known_serial: int | None = None) -> CursorImage | None:
        """The pointer image unless it is still the one with ``known_serial``."""
        return self._fixes.image(known_serial) if self._fixes is not None else None

    def close(self) -> None:
        if self._x is not None:
            self._x.close()
            self._x = self._fixes = None
