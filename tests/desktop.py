"""A real desktop for whole-system tests: cobrowse/local/desktop.py's openbox + Chromium,
showing the practice form (cobrowse/local/practice/selfservice.html) by default.

The page records every key, click and focus change it gets in ``window.seen``;
:meth:`Desktop.seen` reads it back through the Chrome DevTools protocol.
"""

from __future__ import annotations

from pathlib import Path

import cobrowse.local.desktop
from cobrowse.local.desktop import CHROMIUM_FLAGS, PRACTICE_PAGE, DesktopError

__all__ = ["CHROMIUM_FLAGS", "PAGE", "Desktop", "DesktopError"]

PAGE = PRACTICE_PAGE


class Desktop(cobrowse.local.desktop.Desktop):
    """openbox + Chromium on ``display`` showing ``page``; ``stop()`` ends both."""

    def __init__(self, display: str, page: Path = PAGE, *, timeout: float = 30.0) -> None:
        super().__init__(display, page, timeout=timeout)
