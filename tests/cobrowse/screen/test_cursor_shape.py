"""The citizen's pointer image: read through XFixes, streamed once per change."""

from __future__ import annotations

import ctypes
import ctypes.util
import queue
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from cobrowse.platform.base import CursorImage
from cobrowse.platform.x11.cursor import X11CursorReader as CursorReader
from cobrowse.screen.streamer import ScreenStreamer

pytestmark = pytest.mark.xvfb

BLOCK = bytes([0xFF, 0xFF] * 16)  # a 16x16 filled square
FRAME = bytes([0xFF, 0xFF] + [0x01, 0x80] * 14 + [0xFF, 0xFF])  # its outline


class XColor(ctypes.Structure):
    _fields_ = [
        ("pixel", ctypes.c_ulong),
        ("red", ctypes.c_ushort),
        ("green", ctypes.c_ushort),
        ("blue", ctypes.c_ushort),
        ("flags", ctypes.c_char),
        ("pad", ctypes.c_char),
    ]

    def __init__(self, pixel: int, red: int, green: int, blue: int) -> None:
        super().__init__(pixel, red, green, blue, b"\x07", b"\x00")


@contextmanager
def root_cursor(bits: bytes) -> Iterator[None]:
    """Give the root window a 16x16 bitmap cursor, the way an application sets its own."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype = ctypes.c_ulong
    x11.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x11.XCreateBitmapFromData.restype = ctypes.c_ulong
    x11.XCreateBitmapFromData.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
        ctypes.c_uint,
        ctypes.c_uint,
    ]
    x11.XCreatePixmapCursor.restype = ctypes.c_ulong
    x11.XCreatePixmapCursor.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_void_p,
        ctypes.c_void_p,
        ctypes.c_uint,
        ctypes.c_uint,
    ]
    x11.XDefineCursor.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    x11.XUndefineCursor.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    assert display, "cannot open the test display"
    try:
        root = x11.XDefaultRootWindow(display)
        bitmap = x11.XCreateBitmapFromData(display, root, bits, 16, 16)
        black, white = XColor(0, 0, 0, 0), XColor(0, 0xFFFF, 0xFFFF, 0xFFFF)
        cursor = x11.XCreatePixmapCursor(
            display, bitmap, bitmap, ctypes.byref(black), ctypes.byref(white), 8, 8
        )
        x11.XDefineCursor(display, root, cursor)
        x11.XSync(display, 0)
        yield
        x11.XUndefineCursor(display, root)
        x11.XSync(display, 0)
    finally:
        x11.XCloseDisplay(display)


def test_reader_reports_a_new_image_only_when_the_cursor_changes(bare_xvfb: Any) -> None:
    reader = CursorReader()
    try:
        first = reader.image()
        assert first is not None
        assert len(first.rgba) == first.width * first.height * 4
        assert 0 <= first.hot_x < first.width and 0 <= first.hot_y < first.height
        assert any(first.rgba[3::4]), "a default cursor has opaque pixels"
        assert reader.image(first.serial) is None  # unchanged: nothing new to send
        with root_cursor(BLOCK):
            text_cursor = reader.image(first.serial)
        assert text_cursor is not None and text_cursor.serial != first.serial
        assert text_cursor.rgba != first.rgba
    finally:
        reader.close()


def test_streamer_sends_each_shape_once_and_again_after_reset(bare_xvfb: Any) -> None:
    shapes: queue.Queue[CursorImage] = queue.Queue()
    streamer = ScreenStreamer(
        lambda frame_id, payload: None, lambda x, y, visible: None, on_cursor_shape=shapes.put
    )
    streamer.start()
    try:
        first = shapes.get(timeout=5)
        with root_cursor(FRAME):
            busy = shapes.get(timeout=5)
            assert busy.serial != first.serial and busy.rgba != first.rgba
            streamer.pause()
            streamer.resume()
            again = shapes.get(timeout=5)
            assert again == busy  # resent after a pause
            streamer.reset()
            assert shapes.get(timeout=5) == busy  # and to a new or reconnected viewer
        back = shapes.get(timeout=5)  # the root cursor is the default again
        assert back.rgba == first.rgba
        assert shapes.empty()
    finally:
        streamer.stop()
