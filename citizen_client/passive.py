"""Overlays that never get in the citizen's way, per platform, in one place.

Every window the client lays over the citizen's screen (the sharing bar, the step
banner and its fold button, the control frame, the pointer ring) is built with
:func:`overlay_flags` and :func:`make_passive`:

* it never takes the keyboard focus - not when shown, not when clicked.  On X11
  that is ``WindowDoesNotAcceptFocus`` (WM_HINTS input=False) plus
  override-redirect (``X11BypassWindowManagerHint``): the window manager does not
  manage, frame or focus it, and it stays above the managed windows.  On Windows
  and macOS :func:`make_passive` adds the native part through the platform layer
  (:meth:`cobrowse.platform.base.Platform.make_overlay`: ``WS_EX_NOACTIVATE``,
  ``WS_EX_TOPMOST``, ``WS_EX_TRANSPARENT``; a non-activating NSPanel above other
  windows that ignores the mouse) - type-checked and unit-tested with faked OS
  calls only, see docs/platforms.md.  Buttons have
  ``Qt.NoFocus``: the mouse presses them, the keyboard stays in the citizen's
  application (their keyboard way out is Esc three times);
* a click-through overlay gets ``WindowTransparentForInput``: Qt gives the X window
  an empty input shape (XFixes), and because an override-redirect window is not
  reparented into a window-manager frame, the X server really passes the click to
  the window below - verified with xdotool on openbox + Chromium
  (tests/citizen_client/test_desktop_overlays.py).  A managed window's frame would
  still catch the click.

:func:`excluded_from_capture` keeps a window out of screen captures where the
platform can (Windows 10 2004+: ``WDA_EXCLUDEFROMCAPTURE``; macOS: sharing type
none).  X11 has no such thing (capture reads the root window), nor has an older
Windows: it answers False and the client hatches the window's area in the frames it
sends instead (:mod:`cobrowse.screen.hidden`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QWidget

from cobrowse import platform

W = Qt.WindowType
BASE = W.FramelessWindowHint | W.WindowStaysOnTopHint | W.Tool | W.WindowDoesNotAcceptFocus


def overlay_flags(*, click_through: bool = False, platform: str | None = None) -> W:
    """The window flags of an overlay on ``platform`` (default: the running one)."""
    flags = BASE
    if (platform or QGuiApplication.platformName()) == "xcb":
        flags |= W.X11BypassWindowManagerHint
    if click_through:
        flags |= W.WindowTransparentForInput
    return flags


def make_passive(widget: QWidget) -> None:
    """Shown without activation; neither it nor its buttons take the focus."""
    widget.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for button in widget.findChildren(QAbstractButton):
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    click_through = bool(widget.windowFlags() & W.WindowTransparentForInput)
    if click_through:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    native = platform.current()
    if native.native_overlays:  # X11: the flags above are all it takes
        native.make_overlay(int(widget.winId()), click_through=click_through)


def excluded_from_capture(widget: QWidget) -> bool:
    """True if the platform itself keeps ``widget`` out of screen captures.

    X11 cannot (the capture reads the root window): False, and the window's area is
    hatched in the captured frames instead.
    """
    return platform.current().exclude_from_capture(int(widget.winId()))
