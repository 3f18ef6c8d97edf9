"""What differs per operating system, behind one small interface.

One sub-package per platform: ``x11`` (Linux/X11), ``windows`` and ``macos``. The rest of
the code asks this package for the current platform's parts (screen capture and its
dirty regions, the cursor, keeping the client's own windows out of the capture,
non-activating overlays, input injection, local input detection, DPI awareness, the
Windows secure desktop) and never calls an OS API itself.

This package imports no Qt.
"""
