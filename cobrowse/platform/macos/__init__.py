"""macOS: what :class:`cobrowse.platform.base.Platform` asks for, through ctypes.

* cursor: CGEvent location and ``NSCursor.currentSystemCursor`` (:mod:`.cursor`);
* own windows out of the capture: ``NSWindow.sharingType = .none`` is set, but Apple
  now documents that value as a legacy constant macOS no longer uses (the
  ScreenCaptureKit era), so the answer stays False and the client hatches the
  windows' areas as on X11 - the hatch is what the agent can rely on;
* overlays: a window level above normal and floating windows (``NSStatusWindowLevel``),
  on every Space, not hidden when the client is in the background, ignoring the
  mouse for click-through, and - for Qt's ``Tool`` windows, which are ``NSPanel`` s -
  a non-activating panel that becomes key only if needed;
* input injection and local input: pynput (Quartz events, an event tap that flags
  injected events), plus the HID system's idle time
  (``CGEventSourceSecondsSinceLastEventType``);
* DPI: Qt handles Retina scaling itself; no secure desktop.

Window arguments are Qt's ``winId()`` on macOS: an ``NSView*``; its ``window`` is the
``NSWindow``.  Window calls run on the GUI (main) thread, as AppKit requires.
"""

from __future__ import annotations

import ctypes
import threading

from cobrowse.platform.base import CursorSource, Platform
from cobrowse.platform.macos import runtime as rt
from cobrowse.platform.macos.cursor import MacCursorReader

NS_STATUS_WINDOW_LEVEL = 25
NS_WINDOW_SHARING_NONE, NS_WINDOW_SHARING_READ_ONLY = 0, 1
NS_STYLE_NONACTIVATING_PANEL = 1 << 7
CAN_JOIN_ALL_SPACES, STATIONARY, FULL_SCREEN_AUXILIARY = 1 << 0, 1 << 4, 1 << 8
BOOL, NSUINT, NSINT = ctypes.c_bool, ctypes.c_ulong, ctypes.c_long


class MacPlatform(Platform):
    name = "macos"
    native_overlays = True

    def __init__(self, runtime: rt.Runtime | None = None) -> None:
        self._runtime = runtime
        self._lock = threading.Lock()

    @property
    def runtime(self) -> rt.Runtime:
        with self._lock:
            if self._runtime is None:
                self._runtime = rt.load()
            return self._runtime

    def cursor_source(self) -> CursorSource:
        return MacCursorReader(self.runtime)

    def _window(self, view: int) -> int:
        return int(self.runtime.send(view, "window") or 0)

    def exclude_from_capture(self, window: int, exclude: bool = True) -> bool:
        win = self._window(window)
        if win:
            sharing = NS_WINDOW_SHARING_NONE if exclude else NS_WINDOW_SHARING_READ_ONLY
            self.runtime.send(win, "setSharingType:", sharing, restype=None, argtypes=(NSUINT,))
        return False  # see the module doc: the hatch stays

    def make_overlay(self, window: int, *, click_through: bool) -> None:
        r, win = self.runtime, self._window(window)
        if not win:
            return
        behaviour = CAN_JOIN_ALL_SPACES | STATIONARY | FULL_SCREEN_AUXILIARY
        r.send(win, "setLevel:", NS_STATUS_WINDOW_LEVEL, restype=None, argtypes=(NSINT,))
        r.send(win, "setCollectionBehavior:", behaviour, restype=None, argtypes=(NSUINT,))
        r.send(win, "setHidesOnDeactivate:", False, restype=None, argtypes=(BOOL,))
        r.send(win, "setIgnoresMouseEvents:", click_through, restype=None, argtypes=(BOOL,))
        if r.send(win, "isKindOfClass:", r.cls("NSPanel"), restype=BOOL, argtypes=(rt.ID,)):
            mask = int(r.send(win, "styleMask", restype=NSUINT))
            mask |= NS_STYLE_NONACTIVATING_PANEL
            r.send(win, "setStyleMask:", mask, restype=None, argtypes=(NSUINT,))
            r.send(win, "setBecomesKeyOnlyIfNeeded:", True, restype=None, argtypes=(BOOL,))

    def seconds_since_input(self) -> float | None:
        cg = self.runtime.cg
        seconds = cg.CGEventSourceSecondsSinceLastEventType(
            rt.K_CG_EVENT_SOURCE_STATE_HID_SYSTEM, rt.K_CG_ANY_INPUT_EVENT_TYPE
        )
        return float(seconds)
