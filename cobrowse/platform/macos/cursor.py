"""The pointer on macOS: its position (a CGEvent) and image (``NSCursor``).

The position is ``CGEventGetLocation`` of a new, empty event - the documented way to
read where the mouse is - in global display coordinates (points, top-left origin),
the same coordinates the capture's monitor list uses.  The image is
``[NSCursor currentSystemCursor]`` (whatever cursor the system shows, also over other
applications' windows), drawn into a premultiplied RGBA bitmap of the image's pixel
size; its hot spot is scaled from points to those pixels.  The serial is a checksum
of the pixels and hot spot, so an unchanged cursor is not sent again.

Objective-C objects made here are released by an autorelease pool per call (the
capture thread has none of its own).
"""

from __future__ import annotations

import ctypes
import zlib

from cobrowse.platform.base import CursorImage
from cobrowse.platform.macos import runtime as rt


def scaled_hotspot(hot: rt.CGPoint, size: rt.CGSize, width: int, height: int) -> tuple[int, int]:
    """The hot spot (points of an image ``size`` points big) in its ``width`` x
    ``height`` pixels, inside the image."""
    sx = width / size.width if size.width > 0 else 1.0
    sy = height / size.height if size.height > 0 else 1.0
    x = min(max(round(hot.x * sx), 0), width - 1)
    y = min(max(round(hot.y * sy), 0), height - 1)
    return x, y


class MacCursorReader:
    """Pointer position and image through CoreGraphics and AppKit (``runtime`` faked in tests)."""

    def __init__(self, runtime: rt.Runtime | None = None) -> None:
        self._rt = runtime or rt.load()

    def position(self) -> tuple[int, int] | None:
        event = self._rt.cg.CGEventCreate(None)
        if not event:
            return None
        try:
            point = self._rt.cg.CGEventGetLocation(event)
            return round(point.x), round(point.y)
        finally:
            self._rt.cf.CFRelease(event)

    def image(self, known_serial: int | None = None) -> CursorImage | None:
        r = self._rt
        pool = r.send(r.send(r.cls("NSAutoreleasePool"), "alloc"), "init")
        try:
            found = self._read()
        finally:
            r.send(pool, "drain", restype=None)
        if found is None or found.serial == known_serial:
            return None
        return found

    def _read(self) -> CursorImage | None:
        r = self._rt
        cursor = r.send(r.cls("NSCursor"), "currentSystemCursor")
        image = r.send(cursor, "image") if cursor else None
        if not image:
            return None
        hot = r.send(cursor, "hotSpot", restype=rt.CGPoint)
        size = r.send(image, "size", restype=rt.CGSize)
        args = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
        cg_image = r.send(image, "CGImageForProposedRect:context:hints:", None, None, None,
                          argtypes=args)  # fmt: skip
        if not cg_image:
            return None
        width, height = int(r.cg.CGImageGetWidth(cg_image)), int(r.cg.CGImageGetHeight(cg_image))
        if width <= 0 or height <= 0:
            return None
        rgba = self._pixels(cg_image, width, height)
        hot_x, hot_y = scaled_hotspot(hot, size, width, height)
        serial = zlib.crc32(rgba + bytes((hot_x & 255, hot_y & 255))) & 0x7FFFFFFF
        return CursorImage(serial, width, height, hot_x, hot_y, rgba)

    def _pixels(self, cg_image: int, width: int, height: int) -> bytes:
        """Draw the image into a premultiplied RGBA buffer, rows top first."""
        cg = self._rt.cg
        buffer = ctypes.create_string_buffer(width * height * 4)
        space = cg.CGColorSpaceCreateDeviceRGB()
        context = cg.CGBitmapContextCreate(
            buffer, width, height, 8, width * 4, space, rt.K_CG_IMAGE_ALPHA_PREMULTIPLIED_LAST
        )
        try:
            if context:
                bounds = rt.CGRect(rt.CGPoint(0, 0), rt.CGSize(width, height))
                cg.CGContextDrawImage(context, bounds, cg_image)
        finally:
            if context:
                cg.CGContextRelease(context)
            cg.CGColorSpaceRelease(space)
        return buffer.raw

    def close(self) -> None:
        pass
