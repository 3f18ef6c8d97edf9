"""The pointer on Windows: where it is and what it looks like, for the agent.

``GetCursorInfo`` gives the position (physical pixels, as the process is per-monitor
DPI aware) and the cursor handle; the handle is the image's serial, so the image is
read only when the pointer changes shape.  ``GetIconInfo`` hands out the cursor's
bitmaps, read with ``GetDIBits`` and turned into premultiplied RGBA here:

* a colour cursor (``hbmColor``) is 32-bit BGRA; one without any alpha takes its
  transparency from the AND mask;
* a monochrome cursor (no ``hbmColor``) is one mask of twice the height: the AND
  half over the XOR half.  AND 0 paints black (XOR 0) or white (XOR 1), AND 1 leaves
  the screen (XOR 0) or inverts it (XOR 1) - an inverting cursor such as the text
  I-beam is drawn black, which shows on the light pages it is mostly over.
"""

from __future__ import annotations

import ctypes

import numpy as np

from cobrowse.platform.base import CursorImage
from cobrowse.platform.windows import api


def _premultiply(rgba: np.ndarray) -> bytes:
    alpha = rgba[:, :, 3:4].astype(np.uint16)
    out = rgba.copy()
    out[:, :, :3] = (rgba[:, :, :3].astype(np.uint16) * alpha // 255).astype(np.uint8)
    return out.tobytes()


def mask_bits(packed: bytes, width: int, height: int) -> np.ndarray:
    """A 1-bit DIB (rows padded to 4 bytes, top row first) as a (height, width) 0/1 array."""
    stride = (width + 31) // 32 * 4
    rows = np.frombuffer(packed, np.uint8)[: stride * height].reshape(height, stride)
    return np.unpackbits(rows, axis=1)[:, :width]


def color_rgba(bgra: bytes, width: int, height: int, and_mask: np.ndarray) -> bytes:
    """A 32-bit colour cursor as premultiplied RGBA (``and_mask`` where it has no alpha)."""
    pixels = np.frombuffer(bgra, np.uint8)[: width * height * 4].reshape(height, width, 4)
    rgba = pixels[:, :, [2, 1, 0, 3]].copy()
    if not rgba[:, :, 3].any():  # an old-style cursor: transparency is in the mask
        painted = (and_mask == 0) | rgba[:, :, :3].any(axis=2)
        rgba[:, :, 3] = np.where(painted, 255, 0)
    return _premultiply(rgba)


def mono_rgba(and_mask: np.ndarray, xor_mask: np.ndarray) -> bytes:
    """A monochrome cursor as premultiplied RGBA (see the module doc)."""
    height, width = and_mask.shape
    rgba = np.zeros((height, width, 4), np.uint8)
    opaque = (and_mask == 0) | (xor_mask == 1)
    white = (and_mask == 0) & (xor_mask == 1)
    rgba[:, :, 3] = np.where(opaque, 255, 0)
    rgba[white] = (255, 255, 255, 255)
    return rgba.tobytes()


class WinCursorReader:
    """Pointer position and image through user32/gdi32 (``dlls`` faked in tests)."""

    def __init__(self, dlls: api.Dlls | None = None) -> None:
        self._d = dlls or api.load()

    def _info(self) -> api.CURSORINFO | None:
        info = api.CURSORINFO()
        info.cbSize = ctypes.sizeof(api.CURSORINFO)
        return info if self._d.user32.GetCursorInfo(ctypes.pointer(info)) else None

    def position(self) -> tuple[int, int] | None:
        info = self._info()
        return (int(info.ptScreenPos.x), int(info.ptScreenPos.y)) if info is not None else None

    def image(self, known_serial: int | None = None) -> CursorImage | None:
        """The pointer image unless it is still the one with ``known_serial`` (or hidden)."""
        info = self._info()
        if info is None or not info.flags & api.CURSOR_SHOWING or not info.hCursor:
            return None
        serial = int(info.hCursor)
        if serial == known_serial:
            return None
        return self._read(serial)

    def _read(self, handle: int) -> CursorImage | None:
        icon = api.ICONINFO()
        if not self._d.user32.GetIconInfo(handle, ctypes.pointer(icon)):
            return None
        try:
            return self._convert(handle, icon)
        finally:
            for bitmap in (icon.hbmMask, icon.hbmColor):
                if bitmap:
                    self._d.gdi32.DeleteObject(bitmap)

    def _convert(self, handle: int, icon: api.ICONINFO) -> CursorImage | None:
        width, height = self._size(icon.hbmColor or icon.hbmMask)
        if not icon.hbmColor:
            height //= 2  # one mask: the AND half over the XOR half
        if width <= 0 or height <= 0:
            return None
        if icon.hbmColor:
            and_mask = mask_bits(self._bits(icon.hbmMask, width, height, 1), width, height)
            rgba = color_rgba(self._bits(icon.hbmColor, width, height, 32), width, height, and_mask)
        else:
            both = mask_bits(self._bits(icon.hbmMask, width, 2 * height, 1), width, 2 * height)
            rgba = mono_rgba(both[:height], both[height:])
        hot_x, hot_y = min(int(icon.xHotspot), width - 1), min(int(icon.yHotspot), height - 1)
        return CursorImage(handle, width, height, hot_x, hot_y, rgba)

    def _size(self, bitmap: int) -> tuple[int, int]:
        bm = api.BITMAP()
        if not self._d.gdi32.GetObjectW(bitmap, ctypes.sizeof(api.BITMAP), ctypes.pointer(bm)):
            return 0, 0
        return int(bm.bmWidth), abs(int(bm.bmHeight))

    def _bits(self, bitmap: int, width: int, height: int, depth: int) -> bytes:
        """The bitmap's rows, top first, at ``depth`` bits per pixel (1 or 32)."""
        info = api.BITMAPINFO()
        header = info.bmiHeader
        header.biSize = ctypes.sizeof(api.BITMAPINFOHEADER)
        header.biWidth, header.biHeight = width, -height  # negative: top-down rows
        header.biPlanes, header.biBitCount, header.biCompression = 1, depth, api.BI_RGB
        stride = (width * depth + 31) // 32 * 4
        buffer = ctypes.create_string_buffer(stride * height)
        dc = self._d.user32.GetDC(None)
        try:
            lines = self._d.gdi32.GetDIBits(
                dc, bitmap, 0, height, buffer, ctypes.pointer(info), api.DIB_RGB_COLORS
            )
        finally:
            self._d.user32.ReleaseDC(None, dc)
        return buffer.raw if lines == height else bytes(len(buffer))

    def close(self) -> None:
        pass
