"""The Windows platform's logic, with user32/gdi32/kernel32 faked (platform_fakes)."""

from __future__ import annotations

import ctypes
from dataclasses import replace

import numpy as np
from platform_fakes import (
    FakeGdi32,
    FakeKernel32,
    FakePynput,
    FakeUser32,
    bitmap_1bit,
    fake_dlls,
)

from cobrowse.platform import for_name
from cobrowse.platform.windows import WindowsPlatform, api
from cobrowse.platform.windows.keyboard import UnicodeKeyboard, sender


def parts(platform: WindowsPlatform) -> tuple[FakeUser32, FakeGdi32, FakeKernel32]:
    d = platform.dlls
    return d.user32, d.gdi32, d.kernel32


def test_the_factory_picks_by_sys_platform_and_loads_nothing_yet() -> None:
    assert for_name("win32").name == "windows"
    assert for_name("darwin").name == "macos"
    assert for_name("linux").name == "x11"


def test_capture_exclusion_on_off_and_asked_once() -> None:
    win = WindowsPlatform(fake_dlls(build=19041))
    user32, _, _ = parts(win)
    assert win.exclude_from_capture(0xABC) is True
    assert user32.affinity[0xABC] == api.WDA_EXCLUDEFROMCAPTURE
    assert win.exclude_from_capture(0xABC) is True  # already out: Windows is not asked again
    assert [c[0] for c in user32.calls] == ["SetWindowDisplayAffinity"]
    assert win.exclude_from_capture(0xABC, exclude=False) is False
    assert user32.affinity[0xABC] == api.WDA_NONE


def test_older_windows_is_not_asked_and_the_window_is_hatched() -> None:
    win = WindowsPlatform(fake_dlls(build=18363))  # Windows 10 1909: it would black the window
    assert win.exclude_from_capture(0xABC) is False
    assert parts(win)[0].calls == []


def test_a_refused_affinity_falls_back_to_the_hatch() -> None:
    win = WindowsPlatform(fake_dlls())
    parts(win)[0].affinity_works = False
    assert win.exclude_from_capture(0xABC) is False


def add_cursor(gdi: FakeGdi32, color: bytes | None, mask_rows: list[str], w: int, h: int) -> None:
    gdi.bitmaps[0x51] = (w, len(mask_rows), {1: bitmap_1bit(mask_rows)})
    if color is not None:
        gdi.bitmaps[0x52] = (w, h, {32: color})


def test_colour_cursor_with_alpha_becomes_premultiplied_rgba() -> None:
    win = WindowsPlatform(fake_dlls())
    user32, gdi, _ = parts(win)
    bgra = bytes([255, 0, 0, 255, 0, 0, 255, 128, 0, 0, 0, 0, 10, 20, 30, 255])  # B,G,R,A
    add_cursor(gdi, bgra, ["00", "00"], 2, 2)
    image = win.cursor_source().image()
    assert image is not None
    assert (image.serial, image.width, image.height) == (0x1234, 2, 2)
    assert (image.hot_x, image.hot_y) == (1, 1)  # the hot spot (3, 4) is kept inside
    assert image.rgba == bytes([0, 0, 255, 255, 128, 0, 0, 128, 0, 0, 0, 0, 30, 20, 10, 255])
    assert sorted(gdi.deleted) == [0x51, 0x52]  # GetIconInfo's bitmaps are freed
    assert win.cursor_source().image(known_serial=0x1234) is None  # unchanged: not read


def test_colour_cursor_without_alpha_takes_the_and_mask() -> None:
    win = WindowsPlatform(fake_dlls())
    _, gdi, _ = parts(win)
    bgra = bytes([0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0])
    add_cursor(gdi, bgra, ["01", "11"], 2, 2)  # AND 0: painted
    image = win.cursor_source().image()
    assert image is not None
    alpha = np.frombuffer(image.rgba, np.uint8).reshape(2, 2, 4)[:, :, 3]
    assert alpha.tolist() == [[255, 0], [255, 0]]  # black opaque, hole, white pixel, hole


def test_monochrome_cursor_black_white_transparent_and_inverted() -> None:
    win = WindowsPlatform(fake_dlls())
    user32, gdi, _ = parts(win)
    user32.icon = (0, 0, 0x51, 0)  # no colour bitmap
    add_cursor(gdi, None, ["0011", "0101"], 4, 1)  # AND row over XOR row
    image = win.cursor_source().image()
    assert image is not None and (image.width, image.height) == (4, 1)
    pixels = np.frombuffer(image.rgba, np.uint8).reshape(4, 4).tolist()
    black, white, clear = [0, 0, 0, 255], [255, 255, 255, 255], [0, 0, 0, 0]
    assert pixels == [black, white, clear, black]  # inverting is drawn black


def test_hidden_cursor_has_no_image_but_a_position() -> None:
    win = WindowsPlatform(fake_dlls())
    parts(win)[0].cursor = (0x1234, 0, 5, 6)
    reader = win.cursor_source()
    assert reader.image() is None
    assert reader.position() == (5, 6)


def test_secure_desktop_is_any_input_desktop_but_default() -> None:
    win = WindowsPlatform(fake_dlls())
    user32 = parts(win)[0]
    assert win.secure_desktop() is False
    user32.desktop = "Winlogon"  # the UAC prompt
    assert win.secure_desktop() is True
    assert ("CloseDesktop", 0xDE5C) in user32.calls
    user32.desktop = None  # we may not even open it (last error 5: access denied)
    assert win.secure_desktop() is True


def test_a_failure_that_is_not_access_denied_is_not_a_secure_desktop() -> None:
    d = fake_dlls()
    d.last_error = lambda: 6  # ERROR_INVALID_HANDLE
    d.user32.desktop = None
    assert WindowsPlatform(d).secure_desktop() is False


class Key:
    def __init__(self, name: str) -> None:
        self.name = name


def test_text_goes_as_unicode_through_sendinput() -> None:
    win = WindowsPlatform(fake_dlls())
    user32 = parts(win)[0]
    pynput = FakePynput()
    keyboard = win.keyboard(pynput)
    keyboard.type("Åse Ærø")
    down, up = api.KEYEVENTF_UNICODE, api.KEYEVENTF_UNICODE | api.KEYEVENTF_KEYUP
    expected = [e for ch in "Åse Ærø" for e in ((0, ord(ch), down), (0, ord(ch), up))]
    assert user32.sent == expected
    assert pynput.calls == []
    assert ctypes.sizeof(api.INPUT) == (40 if ctypes.sizeof(ctypes.c_void_p) == 8 else 28)


def test_characters_outside_the_bmp_go_as_two_halves() -> None:
    user32 = FakeUser32()
    keyboard = UnicodeKeyboard(FakePynput(), sender(replace(fake_dlls(), user32=user32)))
    keyboard.press("😀")
    keyboard.release("😀")
    k, up = api.KEYEVENTF_UNICODE, api.KEYEVENTF_KEYUP
    assert user32.sent == [(0, 0xD83D, k), (0, 0xDE00, k), (0, 0xD83D, k | up), (0, 0xDE00, k | up)]


def test_shortcuts_and_special_keys_go_through_pynput() -> None:
    user32, pynput = FakeUser32(), FakePynput()
    keyboard = UnicodeKeyboard(pynput, sender(replace(fake_dlls(), user32=user32)))
    ctrl, enter = Key("ctrl_l"), Key("enter")
    keyboard.press(ctrl)
    keyboard.press("c")  # Ctrl+C must reach the application as a shortcut
    keyboard.release("c")
    keyboard.release(ctrl)
    keyboard.press(enter)
    keyboard.release(enter)
    keyboard.press("a")  # Ctrl is up again: text
    keyboard.release("a")
    assert [c[1] if isinstance(c[1], str) else c[1].name for c in pynput.calls] == [
        "ctrl_l", "c", "c", "ctrl_l", "enter", "enter"
    ]  # fmt: skip
    assert [s[1] for s in user32.sent] == [ord("a"), ord("a")]


def test_dpi_awareness_falls_back_step_by_step() -> None:
    d = fake_dlls()
    d.user32.SetProcessDpiAwarenessContext = lambda ctx: int(ctx == -4)
    assert WindowsPlatform(d).dpi_aware() == "per-monitor-v2"
    d.user32.SetProcessDpiAwarenessContext = lambda ctx: 0  # last error 5: already set
    assert WindowsPlatform(d).dpi_aware() == "already-set"
    del d.user32.SetProcessDpiAwarenessContext  # Windows 8.1: only shcore has it
    d.shcore = type("Shcore", (), {"SetProcessDpiAwareness": staticmethod(lambda v: 0)})()
    assert WindowsPlatform(d).dpi_aware() == "per-monitor"
    d.shcore = None  # Windows 7
    d.user32.SetProcessDPIAware = lambda: 1
    assert WindowsPlatform(d).dpi_aware() == "system"


def test_overlay_styles_no_activation_topmost_and_click_through() -> None:
    win = WindowsPlatform(fake_dlls())
    user32 = parts(win)[0]
    win.make_overlay(0x10, click_through=False)
    assert user32.styles[0x10] == api.WS_EX_NOACTIVATE
    pos = [c for c in user32.calls if c[0] == "SetWindowPos"]
    assert pos and pos[0][1:3] == (0x10, api.HWND_TOPMOST)
    win.make_overlay(0x11, click_through=True)
    want = api.WS_EX_NOACTIVATE | api.WS_EX_TRANSPARENT | api.WS_EX_LAYERED
    assert user32.styles[0x11] == want
    assert ("SetLayeredWindowAttributes", 0x11, 0, 255, api.LWA_ALPHA) in user32.calls
    user32.styles[0x12] = api.WS_EX_LAYERED  # Qt's own layered window keeps its alpha
    win.make_overlay(0x12, click_through=True)
    assert not [c for c in user32.calls if c[:2] == ("SetLayeredWindowAttributes", 0x12)]


def test_seconds_since_input_across_the_tick_wrap() -> None:
    d = fake_dlls()
    assert WindowsPlatform(d).seconds_since_input() == 2.5
    d.user32.last_input, d.kernel32.ticks = 0xFFFFFF00, 0x100  # 49.7 days of uptime
    assert WindowsPlatform(d).seconds_since_input() == 0.512
