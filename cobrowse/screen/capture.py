"""Screen capture behind a small interface: monitors, frames, cursor position and shape.

:class:`Capturer` wraps one ``mss.MSS`` instance, which must be used only by the
thread that created it (create the capturer in the capture thread).  Frames are
``(height, width, 4)`` uint8 BGRA numpy arrays, freshly allocated per grab.

The cursor position comes from ``XQueryPointer`` in libX11 through ctypes (one
display connection per :class:`CursorReader`, so also one per thread); where
that is unavailable (no X11, Wayland-only, other platforms) the reader returns
None and the agent simply sees no cursor.  The cursor *image* comes from the
XFixes extension (``XFixesGetCursorImage``); without it the agent draws a
generic arrow at the position.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from typing import Any, Protocol

import mss
import numpy as np

from cobrowse.screen.diff import Frame


@dataclass(frozen=True, slots=True)
class Monitor:
    """One monitor in desktop coordinates; ``index`` is what SelectMonitor carries."""

    index: int
    x: int
    y: int
    width: int
    height: int
    primary: bool = False

    @property
    def box(self) -> tuple[int, int, int, int]:
        """``(x, y, width, height)``, the shape used by ScreenInfo."""
        return self.x, self.y, self.width, self.height


class FrameSource(Protocol):
    """A screen that can only be grabbed whole; the streamer polls it through
    :class:`cobrowse.screen.source.PollingSource` (tests pass fakes)."""

    def monitors(self) -> list[Monitor]: ...

    def grab(self, index: int) -> Frame: ...

    def close(self) -> None: ...


def _monitors(sct: Any) -> list[Monitor]:
    found = []
    for i, m in enumerate(sct.monitors[1 : 16 + 1]):
        found.append(
            Monitor(
                i, m["left"], m["top"], m["width"], m["height"], bool(m.get("is_primary", False))
            )
        )
    return found


def primary_index(monitors: list[Monitor]) -> int:
    """Index of the primary monitor, or 0 when none is marked primary."""
    return next((m.index for m in monitors if m.primary), 0)


def list_monitors() -> list[Monitor]:
    """The monitors now attached (opens and closes its own mss instance)."""
    with mss.MSS() as sct:
        return _monitors(sct)


class Capturer:
    """Grabs monitors with mss; create, use and close it on one thread."""

    def __init__(self) -> None:
        self._sct = mss.MSS()

    def monitors(self) -> list[Monitor]:
        return _monitors(self._sct)

    def grab(self, index: int) -> Frame:
        """The monitor's current pixels; raises IndexError for an unknown index."""
        monitors = self.monitors()
        if not 0 <= index < len(monitors):
            raise IndexError(f"no monitor {index}")
        m = monitors[index]
        return self.grab_box(m.x, m.y, m.width, m.height)

    def grab_box(self, x: int, y: int, width: int, height: int) -> Frame:
        """The pixels of a desktop rectangle (mss uses XShm on X11: ~70 us for a
        small box, 1.5 ms for 1920x1080)."""
        shot = self._sct.grab({"left": x, "top": y, "width": width, "height": height})
        frame: Frame = np.frombuffer(shot.raw, np.uint8).reshape(shot.height, shot.width, 4)
        return frame

    def close(self) -> None:
        self._sct.close()


class _XPointer:
    def __init__(self) -> None:
        name = ctypes.util.find_library("X11")
        if name is None:
            raise OSError("libX11 not found")
        lib = ctypes.CDLL(name)
        lib.XOpenDisplay.restype = ctypes.c_void_p
        lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
        lib.XDefaultRootWindow.restype = ctypes.c_ulong
        lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        argtypes: list[Any] = [ctypes.c_void_p, ctypes.c_ulong]
        argtypes += [ctypes.POINTER(ctypes.c_ulong)] * 2 + [ctypes.POINTER(ctypes.c_int)] * 4
        lib.XQueryPointer.argtypes = argtypes + [ctypes.POINTER(ctypes.c_uint)]
        lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
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


@dataclass(frozen=True, slots=True)
class CursorImage:
    """A pointer image: ``rgba`` is premultiplied R, G, B, A bytes, rows top to bottom;
    ``serial`` changes whenever the X server's cursor image changes."""

    serial: int
    width: int
    height: int
    hot_x: int
    hot_y: int
    rgba: bytes


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


class CursorReader:
    """Pointer position in desktop coordinates and its image, or None where the
    platform hides them."""

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
