"""Overlays that never get in the citizen's way, per platform, in one place.

Every window the client lays over the citizen's screen (the sharing bar, the step
banner and its fold button, the control frame, the pointer ring) is built with
:func:`overlay_flags` and :func:`make_passive`:

* it never takes the keyboard focus - not when shown, not when clicked.  On X11
  that is ``WindowDoesNotAcceptFocus`` (WM_HINTS input=False) plus
  override-redirect (``X11BypassWindowManagerHint``): the window manager does not
  manage, frame or focus it, and it stays above the managed windows.  On Windows
  the platform work adds ``WS_EX_NOACTIVATE`` (and answers ``WM_MOUSEACTIVATE``
  with ``MA_NOACTIVATE``) in :func:`overlay_flags`/:func:`make_passive` - not
  verified here, there is no Windows in CI yet.  Buttons have
  ``Qt.NoFocus``: the mouse presses them, the keyboard stays in the citizen's
  application (their keyboard way out is Esc three times);
* a click-through overlay gets ``WindowTransparentForInput``: Qt gives the X window
  an empty input shape (XFixes), and because an override-redirect window is not
  reparented into a window-manager frame, the X server really passes the click to
  the window below - verified with xdotool on openbox + Chromium
  (tests/citizen_client/test_desktop_overlays.py).  A managed window's frame would
  still catch the click.

:func:`excluded_from_capture` is the hook for keeping a window out of screen
captures.  X11 has no such thing (capture reads the root window), so it answers
False and the client hatches the window's area in the frames it sends instead
(:mod:`cobrowse.screen.hidden`); on Windows the platform work will answer True after
``SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE)``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QWidget

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
    if widget.windowFlags() & W.WindowTransparentForInput:
        widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)


def excluded_from_capture(widget: QWidget) -> bool:
    """True if the platform itself keeps ``widget`` out of screen captures.

    X11 cannot (the capture reads the root window): False, and the window's area is
    hatched in the captured frames instead.  Windows: issue 11 adds
    ``SetWindowDisplayAffinity(WDA_EXCLUDEFROMCAPTURE)`` here and answers True.
    """
    del widget
    return False
