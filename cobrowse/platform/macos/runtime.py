"""The Objective-C runtime, AppKit and CoreGraphics, reached through ctypes.

:class:`Runtime` is the lowest layer of :mod:`cobrowse.platform.macos`: every
Objective-C message goes through :meth:`Runtime.send` (``objc_msgSend`` cast to the
method's C signature, as Apple documents for calling it directly) and every C
function through the ``cg``/``cf`` libraries.  Unit tests pass a fake runtime with
the same ``send``, ``cls``, ``cg`` and ``cf``.  Signatures follow Apple's
documentation (developer.apple.com: AppKit, Core Graphics, Core Foundation).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Any

ID = ctypes.c_void_p


class CGPoint(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


class CGSize(ctypes.Structure):
    _fields_ = [("width", ctypes.c_double), ("height", ctypes.c_double)]


class CGRect(ctypes.Structure):
    _fields_ = [("origin", CGPoint), ("size", CGSize)]


K_CG_IMAGE_ALPHA_PREMULTIPLIED_LAST = 1  # RGBA, premultiplied
K_CG_EVENT_SOURCE_STATE_HID_SYSTEM = 1  # what the hardware did (not posted events)
K_CG_ANY_INPUT_EVENT_TYPE = 0xFFFFFFFF  # ~0


class Runtime:
    """``objc_msgSend`` with a C signature per call, class lookup, and the C libraries."""

    def __init__(self, objc: Any, cg: Any, cf: Any) -> None:
        self._objc, self.cg, self.cf = objc, cg, cf
        address = ctypes.cast(objc.objc_msgSend, ctypes.c_void_p).value
        if not address:
            raise OSError("objc_msgSend not found")
        self._send_address: int = address
        self._selectors: dict[str, int] = {}

    def cls(self, name: str) -> int:
        return int(self._objc.objc_getClass(name.encode()) or 0)

    def send(
        self, receiver: int, selector: str, *args: Any, restype: Any = ID, argtypes: Any = ()
    ) -> Any:
        """``[receiver selector:args...]``: ``restype``/``argtypes`` are the method's C types."""
        sel = self._selectors.get(selector)
        if sel is None:
            sel = self._selectors[selector] = int(self._objc.sel_registerName(selector.encode()))
        prototype = ctypes.CFUNCTYPE(restype, ID, ctypes.c_void_p, *argtypes)
        return prototype(self._send_address)(receiver, sel, *args)


def _library(name: str) -> Any:
    path = ctypes.util.find_library(name)
    if path is None:
        raise OSError(f"{name} not found")
    return ctypes.CDLL(path)


def _declare(lib: Any, name: str, restype: Any, *argtypes: Any) -> None:
    fn = getattr(lib, name)
    fn.restype, fn.argtypes = restype, list(argtypes)


def _declare_cg(cg: Any) -> None:
    v, sz = ctypes.c_void_p, ctypes.c_size_t
    _declare(cg, "CGEventCreate", v, v)
    _declare(cg, "CGEventGetLocation", CGPoint, v)
    _declare(cg, "CGEventSourceSecondsSinceLastEventType", ctypes.c_double, ctypes.c_int32,
             ctypes.c_uint32)  # fmt: skip
    _declare(cg, "CGImageGetWidth", sz, v)
    _declare(cg, "CGImageGetHeight", sz, v)
    _declare(cg, "CGColorSpaceCreateDeviceRGB", v)
    _declare(cg, "CGColorSpaceRelease", None, v)
    _declare(cg, "CGBitmapContextCreate", v, v, sz, sz, sz, sz, v, ctypes.c_uint32)
    _declare(cg, "CGContextDrawImage", None, v, CGRect, v)
    _declare(cg, "CGContextRelease", None, v)


def load() -> Runtime:
    """The real runtime; raises OSError where there is no macOS."""
    if sys.platform != "darwin":
        raise OSError("the Objective-C runtime and AppKit exist only on macOS")
    objc = _library("objc")
    _library("AppKit")  # loads NSCursor, NSWindow, NSPanel into the runtime
    cg, cf = _library("CoreGraphics"), _library("CoreFoundation")
    _declare(objc, "objc_getClass", ctypes.c_void_p, ctypes.c_char_p)
    _declare(objc, "sel_registerName", ctypes.c_void_p, ctypes.c_char_p)
    _declare_cg(cg)
    _declare(cf, "CFRelease", None, ctypes.c_void_p)
    return Runtime(objc, cg, cf)
