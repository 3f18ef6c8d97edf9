"""A real desktop for whole-system tests: bench/desktop.py's openbox + Chromium,
showing tests/pages/selfservice.html by default.

The page records every key, click and focus change it gets in ``window.seen``;
:meth:`Desktop.seen` reads it back through the Chrome DevTools protocol.
"""

from __future__ import annotations

from pathlib import Path

import bench.desktop
from bench.desktop import CHROMIUM_FLAGS, DesktopError

__all__ = ["CHROMIUM_FLAGS", "PAGE", "Desktop", "DesktopError"]

PAGE = Path(__file__).with_name("pages") / "selfservice.html"


class Desktop(bench.desktop.Desktop):
    """openbox + Chromium on ``display`` showing ``page``; ``stop()`` ends both."""

    def __init__(self, display: str, page: Path = PAGE, *, timeout: float = 30.0) -> None:
        super().__init__(display, page, timeout=timeout)
