"""The interface every platform implements, and what it shares.

:class:`Platform` lists what differs per operating system; its methods here are the
behaviour of a platform that has none of these things (each answers "not
available"), so a platform overrides only what it really has.  All window
arguments are native window ids as ``int`` (Qt's ``winId()``: an X window id, a
Windows ``HWND``, a macOS ``NSView*``) - never a Qt object, so this package stays
free of Qt.

Screen capture itself is not here: it lives in :mod:`cobrowse.screen` (mss on
every platform; event-driven damage on X11).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class CursorImage:
    """A pointer image: ``rgba`` is premultiplied R, G, B, A bytes, rows top to bottom;
    ``serial`` changes whenever the platform's cursor image changes."""

    serial: int
    width: int
    height: int
    hot_x: int
    hot_y: int
    rgba: bytes


class CursorSource(Protocol):
    """Pointer position in desktop pixels and its image; None where the platform
    does not tell.  Create, use and close it on one thread."""

    def position(self) -> tuple[int, int] | None: ...

    def image(self, known_serial: int | None = None) -> CursorImage | None: ...

    def close(self) -> None: ...


class NoCursor:
    """No pointer at all: the agent simply sees none."""

    def position(self) -> tuple[int, int] | None:
        return None

    def image(self, known_serial: int | None = None) -> CursorImage | None:
        return None

    def close(self) -> None:
        pass


class FocusKeeper(Protocol):
    """Gives the keyboard focus back to the citizen's application after one of the
    client's questions has gone (see :mod:`cobrowse.platform.x11.focus`)."""

    def remember(self) -> None: ...

    def give_back(self) -> int: ...

    def close(self) -> None: ...


class NoFocusKeeper:
    """Where the window system gives the focus back by itself."""

    def remember(self) -> None:
        pass

    def give_back(self) -> int:
        return 0

    def close(self) -> None:
        pass


class Platform:
    """One operating system's parts.  Thread rules: window calls on the GUI thread
    (with native ids), the cursor source on the capture thread, the rest anywhere."""

    name = "none"
    native_overlays = False
    """True if :meth:`make_overlay` must be called for every overlay window."""

    def cursor_source(self) -> CursorSource:
        """A new cursor reader for the calling thread."""
        return NoCursor()

    def exclude_from_capture(self, window: int, exclude: bool = True) -> bool:
        """Keep ``window`` out of screen captures (``exclude=False``: let it back
        in); True if the OS keeps it out now.  False: the caller hatches the
        window's area in the frames instead (:mod:`cobrowse.screen.hidden`)."""
        del window, exclude
        return False

    def make_overlay(self, window: int, *, click_through: bool) -> None:
        """Make ``window`` a non-activating, always-on-top overlay (and let clicks
        pass through it if asked) where the GUI toolkit's flags do not suffice."""
        del window, click_through

    def focus_keeper(self, own: Callable[[], Iterable[int]]) -> FocusKeeper:
        """Gives the focus back to the citizen's window; ``own`` lists our windows."""
        del own
        return NoFocusKeeper()

    def keyboard(self, controller: Any) -> Any:
        """The keyboard to inject with: ``controller`` (pynput's) or a native one
        that wraps it (same ``press``/``release`` interface)."""
        return controller

    def seconds_since_input(self) -> float | None:
        """Seconds since the OS last saw mouse or keyboard input, or None where
        only the input listeners tell (see :class:`cobrowse.control.local.LocalInputGuard`)."""
        return None

    def dpi_aware(self) -> str:
        """Declare the process per-monitor DPI aware (before any window exists);
        returns which level was reached ("" where the platform needs nothing)."""
        return ""

    def secure_desktop(self) -> bool | None:
        """True while the OS shows a desktop the client cannot see or control (the
        Windows UAC prompt); None where there is no such thing."""
        return None
