"""The Win32 functions the Windows platform uses, declared once (ctypes).

Every signature follows the Windows SDK documentation (learn.microsoft.com,
``winuser.h``/``wingdi.h``).  :func:`load` opens the DLLs and declares argument
and result types; the rest of :mod:`cobrowse.platform.windows` only calls
attributes of a :class:`Dlls`, so unit tests pass one whose ``user32``, ``gdi32``,
``kernel32`` and ``shcore`` are fakes with the same function names.  Structures
are ordinary ctypes structures and work on every platform.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Win32 LONG and DWORD are 32 bits everywhere (a C long is 64 bits on Linux and macOS,
# where the tests run); ULONG_PTR and handles are pointer-sized.
ULONG_PTR = ctypes.c_size_t
HANDLE = ctypes.c_void_p

CURSOR_SHOWING = 0x00000001
DIB_RGB_COLORS, BI_RGB = 0, 0
WDA_NONE, WDA_EXCLUDEFROMCAPTURE = 0x00000000, 0x00000011
EXCLUDE_FROM_CAPTURE_BUILD = 19041  # Windows 10 version 2004
GWL_EXSTYLE = -20
WS_EX_TOPMOST, WS_EX_TRANSPARENT = 0x00000008, 0x00000020
WS_EX_LAYERED, WS_EX_NOACTIVATE = 0x00080000, 0x08000000
LWA_ALPHA = 0x00000002
HWND_TOPMOST = -1
SWP_NOSIZE, SWP_NOMOVE, SWP_NOACTIVATE, SWP_FRAMECHANGED = 0x0001, 0x0002, 0x0010, 0x0020
INPUT_KEYBOARD = 1
KEYEVENTF_KEYUP, KEYEVENTF_UNICODE = 0x0002, 0x0004
DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 = -4
PROCESS_PER_MONITOR_DPI_AWARE = 2
DESKTOP_READOBJECTS = 0x0001
UOI_NAME = 2
ERROR_ACCESS_DENIED = 5


class POINT(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int32), ("y", ctypes.c_int32)]


class CURSORINFO(ctypes.Structure):
    _fields_ = [
        ("cbSize", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("hCursor", HANDLE),
        ("ptScreenPos", POINT),
    ]


class ICONINFO(ctypes.Structure):
    _fields_ = [
        ("fIcon", ctypes.c_int),
        ("xHotspot", ctypes.c_uint32),
        ("yHotspot", ctypes.c_uint32),
        ("hbmMask", HANDLE),
        ("hbmColor", HANDLE),
    ]


class BITMAP(ctypes.Structure):
    _fields_ = [
        ("bmType", ctypes.c_int32),
        ("bmWidth", ctypes.c_int32),
        ("bmHeight", ctypes.c_int32),
        ("bmWidthBytes", ctypes.c_int32),
        ("bmPlanes", ctypes.c_uint16),
        ("bmBitsPixel", ctypes.c_uint16),
        ("bmBits", ctypes.c_void_p),
    ]


class BITMAPINFOHEADER(ctypes.Structure):
    _fields_ = [
        ("biSize", ctypes.c_uint32),
        ("biWidth", ctypes.c_int32),
        ("biHeight", ctypes.c_int32),
        ("biPlanes", ctypes.c_uint16),
        ("biBitCount", ctypes.c_uint16),
        ("biCompression", ctypes.c_uint32),
        ("biSizeImage", ctypes.c_uint32),
        ("biXPelsPerMeter", ctypes.c_int32),
        ("biYPelsPerMeter", ctypes.c_int32),
        ("biClrUsed", ctypes.c_uint32),
        ("biClrImportant", ctypes.c_uint32),
    ]


class BITMAPINFO(ctypes.Structure):
    _fields_ = [("bmiHeader", BITMAPINFOHEADER), ("bmiColors", ctypes.c_uint32 * 3)]


class MOUSEINPUT(ctypes.Structure):
    _fields_ = [
        ("dx", ctypes.c_int32),
        ("dy", ctypes.c_int32),
        ("mouseData", ctypes.c_uint32),
        ("dwFlags", ctypes.c_uint32),
        ("time", ctypes.c_uint32),
        ("dwExtraInfo", ULONG_PTR),
    ]


class KEYBDINPUT(ctypes.Structure):
    _fields_ = [
        ("wVk", ctypes.c_uint16),
        ("wScan", ctypes.c_uint16),
        ("dwFlags", ctypes.c_uint32),
        ("time", ctypes.c_uint32),
        ("dwExtraInfo", ULONG_PTR),
    ]


class HARDWAREINPUT(ctypes.Structure):
    _fields_ = [
        ("uMsg", ctypes.c_uint32),
        ("wParamL", ctypes.c_uint16),
        ("wParamH", ctypes.c_uint16),
    ]


class _INPUTUNION(ctypes.Union):
    _fields_ = [("mi", MOUSEINPUT), ("ki", KEYBDINPUT), ("hi", HARDWAREINPUT)]


class INPUT(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint32), ("u", _INPUTUNION)]


class LASTINPUTINFO(ctypes.Structure):
    _fields_ = [("cbSize", ctypes.c_uint32), ("dwTime", ctypes.c_uint32)]


@dataclass
class Dlls:
    """The DLLs (real ``ctypes.WinDLL`` objects, or fakes in tests)."""

    user32: Any
    gdi32: Any
    kernel32: Any
    shcore: Any = None  # Windows 8.1+; None where it is missing
    last_error: Callable[[], int] = lambda: 0
    build: int = 0  # the Windows build number (19041 = Windows 10 version 2004)


def _declare(dll: Any, name: str, restype: Any, *argtypes: Any) -> None:
    """Declare ``name`` if the DLL has it (newer functions are missing on older Windows)."""
    fn = getattr(dll, name, None)
    if fn is not None:
        fn.restype, fn.argtypes = restype, list(argtypes)


def _declare_user32(u: Any) -> None:
    p, i, u32, b = ctypes.POINTER, ctypes.c_int, ctypes.c_uint32, ctypes.c_int
    _declare(u, "GetCursorInfo", b, p(CURSORINFO))
    _declare(u, "GetIconInfo", b, HANDLE, p(ICONINFO))
    _declare(u, "GetDC", HANDLE, HANDLE)
    _declare(u, "ReleaseDC", i, HANDLE, HANDLE)
    _declare(u, "SetWindowDisplayAffinity", b, HANDLE, u32)
    _declare(u, "GetWindowDisplayAffinity", b, HANDLE, p(u32))
    _declare(u, "GetWindowLongPtrW", ctypes.c_ssize_t, HANDLE, i)
    _declare(u, "SetWindowLongPtrW", ctypes.c_ssize_t, HANDLE, i, ctypes.c_ssize_t)
    _declare(u, "SetLayeredWindowAttributes", b, HANDLE, u32, ctypes.c_ubyte, u32)
    _declare(u, "SetWindowPos", b, HANDLE, HANDLE, i, i, i, i, ctypes.c_uint)
    _declare(u, "SendInput", ctypes.c_uint, ctypes.c_uint, p(INPUT), i)
    _declare(u, "GetLastInputInfo", b, p(LASTINPUTINFO))
    _declare(u, "SetProcessDpiAwarenessContext", b, HANDLE)
    _declare(u, "SetProcessDPIAware", b)
    _declare(u, "OpenInputDesktop", HANDLE, u32, b, u32)
    _declare(u, "GetUserObjectInformationW", b, HANDLE, i, ctypes.c_void_p, u32, p(u32))
    _declare(u, "CloseDesktop", b, HANDLE)


def _declare_gdi32(g: Any) -> None:
    p = ctypes.POINTER
    _declare(g, "GetObjectW", ctypes.c_int, HANDLE, ctypes.c_int, ctypes.c_void_p)
    _declare(
        g,
        "GetDIBits",
        ctypes.c_int,
        HANDLE,
        HANDLE,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        p(BITMAPINFO),
        ctypes.c_uint,
    )
    _declare(g, "DeleteObject", ctypes.c_int, HANDLE)


def load() -> Dlls:
    """The real DLLs; raises OSError where there is no Windows."""
    if sys.platform != "win32":
        raise OSError("the Win32 API exists only on Windows")
    user32 = ctypes.WinDLL("user32", use_last_error=True)
    gdi32 = ctypes.WinDLL("gdi32", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    try:
        shcore: Any = ctypes.WinDLL("shcore", use_last_error=True)
        _declare(shcore, "SetProcessDpiAwareness", ctypes.c_int32, ctypes.c_int)
    except OSError:
        shcore = None
    for name in ("GetWindowLongPtrW", "SetWindowLongPtrW"):
        if getattr(user32, name, None) is None:  # 32-bit Windows: the Ptr names are macros
            setattr(user32, name, getattr(user32, name.replace("Ptr", "")))
    _declare_user32(user32)
    _declare_gdi32(gdi32)
    _declare(kernel32, "GetTickCount", ctypes.c_uint32)
    build = int(sys.getwindowsversion().platform_version[2])
    return Dlls(user32, gdi32, kernel32, shcore, ctypes.get_last_error, build)
