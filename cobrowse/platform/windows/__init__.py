"""Windows: what :class:`cobrowse.platform.base.Platform` asks for, through ctypes.

The parts live in :mod:`.cursor` (pointer position and image), :mod:`.desktop`
(capture exclusion, overlays, DPI, the secure desktop, input idle time) and
:mod:`.keyboard` (Unicode text through ``SendInput``); :mod:`.api` declares the
Win32 functions.  Mouse input and the local-input listeners stay pynput's (it uses
``SendInput`` and low-level hooks that flag injected events).  The DLLs are loaded
on first use, so this imports anywhere; tests pass fake ``Dlls``.
"""

from __future__ import annotations

import threading
from typing import Any

from cobrowse.platform.base import CursorSource, Platform
from cobrowse.platform.windows import api, desktop
from cobrowse.platform.windows.cursor import WinCursorReader
from cobrowse.platform.windows.keyboard import UnicodeKeyboard, sender


class WindowsPlatform(Platform):
    name = "windows"
    native_overlays = True

    def __init__(self, dlls: api.Dlls | None = None) -> None:
        self._dlls = dlls
        self._lock = threading.Lock()

    @property
    def dlls(self) -> api.Dlls:
        with self._lock:
            if self._dlls is None:
                self._dlls = api.load()
            return self._dlls

    def cursor_source(self) -> CursorSource:
        return WinCursorReader(self.dlls)

    def exclude_from_capture(self, window: int, exclude: bool = True) -> bool:
        return desktop.exclude_from_capture(self.dlls, window, exclude)

    def make_overlay(self, window: int, *, click_through: bool) -> None:
        desktop.make_overlay(self.dlls, window, click_through=click_through)

    def keyboard(self, controller: Any) -> Any:
        return UnicodeKeyboard(controller, sender(self.dlls))

    def seconds_since_input(self) -> float | None:
        return desktop.seconds_since_input(self.dlls)

    def dpi_aware(self) -> str:
        return desktop.dpi_aware(self.dlls)

    def secure_desktop(self) -> bool | None:
        return desktop.secure_desktop(self.dlls)
