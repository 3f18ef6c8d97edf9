"""Windows: the client's windows, DPI awareness, the secure desktop and input idle time.

* :func:`exclude_from_capture` - ``SetWindowDisplayAffinity(hwnd,
  WDA_EXCLUDEFROMCAPTURE)``: the window stays on the citizen's monitor and is left
  out of every capture, so the agent sees what lies beneath it.  Only on Windows 10
  version 2004 (build 19041) and later: before that the same value acts as
  ``WDA_MONITOR`` and would show a black box, so older systems are not asked and the
  client hatches the window's area instead (:mod:`cobrowse.screen.hidden`), as on X11.
* :func:`make_overlay` - ``WS_EX_NOACTIVATE`` (a click does not activate it),
  ``SetWindowPos(HWND_TOPMOST)`` (``WS_EX_TOPMOST``), and for click-through
  ``WS_EX_TRANSPARENT`` on a layered window.
* :func:`dpi_aware` - per-monitor v2 (Windows 10 1703+), else per-monitor
  (shcore, 8.1+), else system aware; before any window exists.
* :func:`secure_desktop` - the input desktop is not ``Default`` (the UAC prompt and
  the lock screen run on ``Winlogon``), or we may not even open it.
* :func:`seconds_since_input` - ``GetLastInputInfo`` (it counts injected input too;
  :class:`cobrowse.control.local.LocalInputGuard` tells the two apart).
"""

from __future__ import annotations

import ctypes
import logging

from cobrowse.platform.windows import api

log = logging.getLogger(__name__)


def exclude_from_capture(d: api.Dlls, hwnd: int, exclude: bool = True) -> bool:
    """Keep ``hwnd`` out of captures (or let it back in); True if it is out now.
    Asks Windows first, so a window already set is left alone (the client asks on
    every move of its windows)."""
    if d.build < api.EXCLUDE_FROM_CAPTURE_BUILD:
        return False
    want = api.WDA_EXCLUDEFROMCAPTURE if exclude else api.WDA_NONE
    now = ctypes.c_uint32()
    if d.user32.GetWindowDisplayAffinity(hwnd, ctypes.pointer(now)) and now.value == want:
        return exclude
    if d.user32.SetWindowDisplayAffinity(hwnd, want):
        return exclude
    log.warning("could not change the capture affinity of a window (error %d)", d.last_error())
    return not exclude  # unchanged


def make_overlay(d: api.Dlls, hwnd: int, *, click_through: bool) -> None:
    """Never activated by a click, above other windows, clicks pass through if asked."""
    style = int(d.user32.GetWindowLongPtrW(hwnd, api.GWL_EXSTYLE))
    new = style | api.WS_EX_NOACTIVATE  # topmost: only SetWindowPos sets it (documented)
    if click_through:
        new |= api.WS_EX_TRANSPARENT | api.WS_EX_LAYERED
    if new != style:
        d.user32.SetWindowLongPtrW(hwnd, api.GWL_EXSTYLE, new)
    if click_through and not style & api.WS_EX_LAYERED:
        # a window newly made layered stays invisible until its opacity is set
        d.user32.SetLayeredWindowAttributes(hwnd, 0, 255, api.LWA_ALPHA)
    flags = api.SWP_NOMOVE | api.SWP_NOSIZE | api.SWP_NOACTIVATE | api.SWP_FRAMECHANGED
    d.user32.SetWindowPos(hwnd, api.HWND_TOPMOST, 0, 0, 0, 0, flags)


def dpi_aware(d: api.Dlls) -> str:
    """The best per-monitor DPI awareness this Windows has; returns which one."""
    set_context = getattr(d.user32, "SetProcessDpiAwarenessContext", None)
    if set_context is not None:
        if set_context(api.DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2):
            return "per-monitor-v2"
        if d.last_error() == api.ERROR_ACCESS_DENIED:
            return "already-set"  # by the manifest or an earlier call: keep it
    set_awareness = getattr(d.shcore, "SetProcessDpiAwareness", None)
    if set_awareness is not None and set_awareness(api.PROCESS_PER_MONITOR_DPI_AWARE) == 0:
        return "per-monitor"
    set_aware = getattr(d.user32, "SetProcessDPIAware", None)
    if set_aware is not None and set_aware():
        return "system"
    return ""


def input_desktop_name(d: api.Dlls) -> str | None:
    """The name of the desktop that gets the keyboard and mouse now ("Default" for
    the citizen's own); "" if we may not open it, None if that failed otherwise."""
    desk = d.user32.OpenInputDesktop(0, False, api.DESKTOP_READOBJECTS)
    if not desk:
        return "" if d.last_error() == api.ERROR_ACCESS_DENIED else None
    try:
        name = ctypes.create_unicode_buffer(256)
        needed = ctypes.c_uint32()
        size = ctypes.sizeof(name)
        if not d.user32.GetUserObjectInformationW(
            desk, api.UOI_NAME, name, size, ctypes.pointer(needed)
        ):
            return None
        return name.value
    finally:
        d.user32.CloseDesktop(desk)


def secure_desktop(d: api.Dlls) -> bool:
    """True while the input desktop is not the citizen's own (UAC prompt, lock screen):
    the client can neither see it nor send input there."""
    name = input_desktop_name(d)
    return name is not None and name.lower() != "default"


def seconds_since_input(d: api.Dlls) -> float | None:
    info = api.LASTINPUTINFO()
    info.cbSize = ctypes.sizeof(api.LASTINPUTINFO)
    if not d.user32.GetLastInputInfo(ctypes.pointer(info)):
        return None
    ticks = (int(d.kernel32.GetTickCount()) - int(info.dwTime)) & 0xFFFFFFFF  # wraps at 49 days
    return ticks / 1000.0
