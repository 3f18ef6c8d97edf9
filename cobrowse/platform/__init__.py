"""What differs per operating system, behind one small interface.

One sub-package per platform: ``x11`` (Linux/X11), ``windows`` and ``macos``. The rest of
the code asks :func:`current` for the running platform's parts (the cursor, keeping
the client's own windows out of the capture, non-activating overlays, input
injection, local input detection, DPI awareness, the Windows secure desktop) and
never calls an OS API itself; :class:`cobrowse.platform.base.Platform` documents
each part.  Screen capture and its dirty regions live in :mod:`cobrowse.screen`.

This package imports no Qt.  The Windows and macOS code reaches the OS through
ctypes; nothing is loaded until it is first used, so every module imports (and is
unit-tested, with the OS calls faked) on any platform.
"""

from __future__ import annotations

import functools
import sys

from cobrowse.platform.base import CursorImage, CursorSource, Platform

__all__ = ["CursorImage", "CursorSource", "Platform", "current", "for_name"]


def for_name(name: str) -> Platform:
    """The platform for a ``sys.platform`` value."""
    if name == "win32":
        from cobrowse.platform.windows import WindowsPlatform

        return WindowsPlatform()
    if name == "darwin":
        from cobrowse.platform.macos import MacPlatform

        return MacPlatform()
    from cobrowse.platform.x11 import X11Platform

    return X11Platform()  # Linux and the BSDs: X11 (or XWayland); see docs/platforms.md


@functools.cache
def current() -> Platform:
    """The running platform (one instance per process)."""
    return for_name(sys.platform)
