"""The macOS platform's logic, with the Objective-C runtime and CoreGraphics faked."""

from __future__ import annotations

from platform_fakes import FakeCG, FakeRuntime

from cobrowse.platform.macos import (
    NS_STATUS_WINDOW_LEVEL,
    NS_STYLE_NONACTIVATING_PANEL,
    MacPlatform,
)
from cobrowse.platform.macos import runtime as rt
from cobrowse.platform.macos.cursor import MacCursorReader, scaled_hotspot

PIXELS = bytes([255, 0, 0, 255, 0, 0, 0, 0, 0, 128, 0, 128, 9, 9, 9, 255])  # 2x2 RGBA


def test_cursor_position_and_image_in_pixels() -> None:
    runtime = FakeRuntime(FakeCG(PIXELS, 2, 2))
    reader = MacCursorReader(runtime)  # type: ignore[arg-type]
    assert reader.position() == (100, 201)
    assert runtime.cf.released == [0xE1]  # the event made to read the location
    image = reader.image()
    assert image is not None
    assert (image.width, image.height, image.rgba) == (2, 2, PIXELS)
    assert (image.hot_x, image.hot_y) == (1, 1)  # (2, 3) points, clamped into 2x2 pixels
    assert sorted(runtime.cg.released) == ["context", "space"]
    selectors = [s[1] for s in runtime.sent]
    assert selectors[:2] == ["alloc", "init"] and selectors[-1] == "drain"  # a pool per call
    assert reader.image(known_serial=image.serial) is None  # the same cursor is not sent again


def test_a_changed_cursor_gets_a_new_serial() -> None:
    cg = FakeCG(PIXELS, 2, 2)
    reader = MacCursorReader(FakeRuntime(cg))  # type: ignore[arg-type]
    first = reader.image()
    cg.pixels = bytes(16)
    second = reader.image(known_serial=first.serial if first else None)
    assert second is not None and second.serial != (first.serial if first else None)


def test_hotspot_scales_from_points_to_pixels() -> None:
    hot, size = rt.CGPoint(4.0, 8.5), rt.CGSize(16.0, 16.0)
    assert scaled_hotspot(hot, size, 32, 32) == (8, 17)  # Retina: two pixels a point
    assert scaled_hotspot(hot, rt.CGSize(0, 0), 16, 16) == (4, 8)


def test_overlay_is_a_non_activating_panel_above_everything() -> None:
    runtime = FakeRuntime(FakeCG(PIXELS, 2, 2))
    mac = MacPlatform(runtime)  # type: ignore[arg-type]
    mac.make_overlay(0x7E, click_through=True)
    sent = {s[1]: s[2:] for s in runtime.sent}
    assert runtime.sent[0] == (0x7E, "window")  # winId() is the NSView; its window is set
    assert sent["setLevel:"] == (NS_STATUS_WINDOW_LEVEL,)
    assert sent["setIgnoresMouseEvents:"] == (True,)
    assert sent["setHidesOnDeactivate:"] == (False,)
    assert sent["setStyleMask:"] == (0b1 | NS_STYLE_NONACTIVATING_PANEL,)
    plain = FakeRuntime(FakeCG(PIXELS, 2, 2), panel=False)  # not an NSPanel: style kept
    MacPlatform(plain).make_overlay(0x7E, click_through=False)  # type: ignore[arg-type]
    assert "setStyleMask:" not in [s[1] for s in plain.sent]


def test_sharing_type_is_set_but_the_hatch_stays() -> None:
    runtime = FakeRuntime(FakeCG(PIXELS, 2, 2))
    mac = MacPlatform(runtime)  # type: ignore[arg-type]
    assert mac.exclude_from_capture(0x7E) is False
    assert (0x3117, "setSharingType:", 0) in runtime.sent


def test_idle_time_is_the_hid_systems() -> None:
    mac = MacPlatform(FakeRuntime(FakeCG(PIXELS, 2, 2)))  # type: ignore[arg-type]
    assert mac.seconds_since_input() == 7.5
    assert mac.secure_desktop() is None and mac.dpi_aware() == ""
