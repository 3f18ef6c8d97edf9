"""Fake Win32 DLLs and a fake Objective-C runtime: the lowest layer, faked.

Each fake has the real function names and fills the structures it is handed the way
Windows/macOS document; every call is recorded in ``calls`` as (name, args...)."""

from __future__ import annotations

import ctypes
from typing import Any

from cobrowse.platform.macos import runtime as rt
from cobrowse.platform.windows import api


def bitmap_1bit(rows: list[str]) -> bytes:
    """A 1-bit DIB from strings of '0'/'1', rows padded to 4 bytes."""
    width = len(rows[0])
    stride = (width + 31) // 32 * 4
    out = b""
    for row in rows:
        bits = int(row.ljust(stride * 8, "0"), 2)
        out += bits.to_bytes(stride, "big")
    return out


class FakeUser32:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.cursor = (0x1234, api.CURSOR_SHOWING, 10, 20)  # handle, flags, x, y
        self.icon = (3, 4, 0x51, 0x52)  # hot x, hot y, hbmMask, hbmColor (0: none)
        self.affinity: dict[int, int] = {}
        self.affinity_works = True
        self.styles: dict[int, int] = {}
        self.desktop: str | None = "Default"  # None: OpenInputDesktop fails
        self.sent: list[tuple[int, int, int]] = []  # (wVk, wScan, dwFlags) per event
        self.accept_input = True
        self.last_input = 1000

    def GetCursorInfo(self, info: Any) -> int:  # noqa: N802 - the Win32 names
        handle, flags, x, y = self.cursor
        c = info.contents
        c.hCursor, c.flags, c.ptScreenPos.x, c.ptScreenPos.y = handle, flags, x, y
        return 1

    def GetIconInfo(self, handle: int, info: Any) -> int:  # noqa: N802
        self.calls.append(("GetIconInfo", handle))
        c = info.contents
        c.fIcon, (c.xHotspot, c.yHotspot, c.hbmMask, c.hbmColor) = 0, self.icon
        return 1

    def GetDC(self, window: Any) -> int:  # noqa: N802
        return 0x77

    def ReleaseDC(self, window: Any, dc: int) -> int:  # noqa: N802
        self.calls.append(("ReleaseDC", dc))
        return 1

    def GetWindowDisplayAffinity(self, hwnd: int, out: Any) -> int:  # noqa: N802
        out.contents.value = self.affinity.get(hwnd, api.WDA_NONE)
        return 1

    def SetWindowDisplayAffinity(self, hwnd: int, affinity: int) -> int:  # noqa: N802
        self.calls.append(("SetWindowDisplayAffinity", hwnd, affinity))
        if self.affinity_works:
            self.affinity[hwnd] = affinity
        return int(self.affinity_works)

    def GetWindowLongPtrW(self, hwnd: int, index: int) -> int:  # noqa: N802
        return self.styles.get(hwnd, 0)

    def SetWindowLongPtrW(self, hwnd: int, index: int, value: int) -> int:  # noqa: N802
        assert index == api.GWL_EXSTYLE
        self.calls.append(("SetWindowLongPtrW", hwnd, value))
        old, self.styles[hwnd] = self.styles.get(hwnd, 0), value
        return old

    def SetLayeredWindowAttributes(self, *args: int) -> int:  # noqa: N802
        self.calls.append(("SetLayeredWindowAttributes", *args))
        return 1

    def SetWindowPos(self, *args: int) -> int:  # noqa: N802
        self.calls.append(("SetWindowPos", *args))
        return 1

    def SendInput(self, count: int, events: Any, size: int) -> int:  # noqa: N802
        assert size == ctypes.sizeof(api.INPUT)
        for i in range(count):
            assert events[i].type == api.INPUT_KEYBOARD
            ki = events[i].u.ki
            self.sent.append((ki.wVk, ki.wScan, ki.dwFlags))
        return count if self.accept_input else 0

    def GetLastInputInfo(self, info: Any) -> int:  # noqa: N802
        info.contents.dwTime = self.last_input
        return 1

    def OpenInputDesktop(self, flags: int, inherit: bool, access: int) -> int:  # noqa: N802
        return 0 if self.desktop is None else 0xDE5C

    def GetUserObjectInformationW(  # noqa: N802
        self, handle: int, index: int, buffer: Any, size: int, needed: Any
    ) -> int:
        assert (handle, index) == (0xDE5C, api.UOI_NAME)
        assert self.desktop is not None
        buffer.value = self.desktop
        needed.contents.value = 2 * (len(self.desktop) + 1)
        return 1

    def CloseDesktop(self, handle: int) -> int:  # noqa: N802
        self.calls.append(("CloseDesktop", handle))
        return 1


class FakeGdi32:
    """Bitmaps by handle: (width, height, {bit depth: bytes})."""

    def __init__(self) -> None:
        self.bitmaps: dict[int, tuple[int, int, dict[int, bytes]]] = {}
        self.deleted: list[int] = []

    def GetObjectW(self, handle: int, size: int, out: Any) -> int:  # noqa: N802
        width, height, _ = self.bitmaps[handle]
        bm = ctypes.cast(out, ctypes.POINTER(api.BITMAP)).contents
        bm.bmWidth, bm.bmHeight = width, height
        return size

    def GetDIBits(  # noqa: N802
        self, dc: int, handle: int, start: int, lines: int, buffer: Any, info: Any, usage: int
    ) -> int:
        header = info.contents.bmiHeader
        assert header.biHeight == -lines, "rows are asked for top-down"
        data = self.bitmaps[handle][2][header.biBitCount]
        ctypes.memmove(buffer, data, min(len(data), ctypes.sizeof(buffer)))
        return lines

    def DeleteObject(self, handle: int) -> int:  # noqa: N802
        self.deleted.append(handle)
        return 1


class FakeKernel32:
    def __init__(self) -> None:
        self.ticks = 3500

    def GetTickCount(self) -> int:  # noqa: N802
        return self.ticks


def fake_dlls(build: int = 22631) -> api.Dlls:
    return api.Dlls(FakeUser32(), FakeGdi32(), FakeKernel32(), None, lambda: 5, build)


class FakeCG:
    """CoreGraphics: a pointer location, a cursor image of given pixels, the HID idle time."""

    def __init__(self, pixels: bytes, width: int, height: int) -> None:
        self.pixels, self.width, self.height = pixels, width, height
        self.location = rt.CGPoint(100.4, 200.6)
        self.idle = 7.5
        self.released: list[str] = []

    def CGEventCreate(self, source: Any) -> int:  # noqa: N802
        return 0xE1

    def CGEventGetLocation(self, event: int) -> rt.CGPoint:  # noqa: N802
        return self.location

    def CGEventSourceSecondsSinceLastEventType(self, state: int, kind: int) -> float:  # noqa: N802
        assert (state, kind) == (rt.K_CG_EVENT_SOURCE_STATE_HID_SYSTEM, 0xFFFFFFFF)
        return self.idle

    def CGImageGetWidth(self, image: int) -> int:  # noqa: N802
        return self.width

    def CGImageGetHeight(self, image: int) -> int:  # noqa: N802
        return self.height

    def CGColorSpaceCreateDeviceRGB(self) -> int:  # noqa: N802
        return 0xC5

    def CGColorSpaceRelease(self, space: int) -> None:  # noqa: N802
        self.released.append("space")

    def CGBitmapContextCreate(self, buffer: Any, w: int, h: int, bits: int, row: int,  # noqa: N802
                              space: int, info: int) -> int:  # fmt: skip
        assert (w, h, bits, row, info) == (self.width, self.height, 8, w * 4, 1)
        self.target = buffer
        return 0xC7

    def CGContextDrawImage(self, context: int, rect: rt.CGRect, image: int) -> None:  # noqa: N802
        assert (rect.size.width, rect.size.height) == (self.width, self.height)
        ctypes.memmove(self.target, self.pixels, len(self.pixels))

    def CGContextRelease(self, context: int) -> None:  # noqa: N802
        self.released.append("context")


class FakeCF:
    def __init__(self) -> None:
        self.released: list[int] = []

    def CFRelease(self, ref: int) -> None:  # noqa: N802
        self.released.append(ref)


class FakeRuntime:
    """``send`` answers the messages the macOS platform sends; all are recorded."""

    def __init__(self, cg: FakeCG, *, panel: bool = True) -> None:
        self.cg, self.cf = cg, FakeCF()
        self.panel = panel
        self.sent: list[tuple[Any, ...]] = []
        self.hot = rt.CGPoint(2.0, 3.0)
        self.size = rt.CGSize(cg.width / 2, cg.height / 2)  # a Retina (2x) image

    def cls(self, name: str) -> int:
        return hash(name) & 0xFFFF

    def send(self, receiver: int, selector: str, *args: Any, **types: Any) -> Any:
        self.sent.append((receiver, selector, *args))
        answers = {
            "window": 0x3117,
            "currentSystemCursor": 0xC0,
            "image": 0x1A,
            "hotSpot": self.hot,
            "size": self.size,
            "CGImageForProposedRect:context:hints:": 0xC6,
            "isKindOfClass:": self.panel,
            "styleMask": 0b1,
            "alloc": 0xA1,
            "init": 0x11,
        }
        return answers.get(selector)


class FakePynput:
    """pynput's keyboard controller: records press/release, sends nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def press(self, key: Any) -> None:
        self.calls.append(("press", key))

    def release(self, key: Any) -> None:
        self.calls.append(("release", key))
