"""Give the keyboard focus back to the citizen's own application (X11, EWMH).

A consent question takes the focus so that Enter and Esc answer it.  Once it is
answered, the focus must go back where the citizen was working - their browser -
not to another window of this client (the sharing bar would then eat the next
Space as "Pause").  :class:`FocusReturn` notes the active window when a question
appears and, when it goes, asks the window manager to activate that window again
(``_NET_ACTIVE_WINDOW`` from a pager, which window managers honour); if the
citizen was in this client's own window, the topmost other visible window gets it.

Qt-free ctypes on libX11 with a display connection of its own; where there is no
X11 (other platforms, Wayland without XWayland, tests offscreen) it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from cobrowse.platform.x11.xlib import libx11

log = logging.getLogger(__name__)
_CLIENT_MESSAGE = 33
_SUBSTRUCTURE = (1 << 19) | (1 << 20)  # SubstructureNotify | SubstructureRedirect
_FROM_PAGER = 2
_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_IGNORE_ERROR = _HANDLER(lambda display, error: 0)
_IGNORE = ctypes.cast(_IGNORE_ERROR, ctypes.c_void_p)


class _ClientMessage(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


class _Display:
    """The few Xlib calls needed, on a connection of our own."""

    def __init__(self) -> None:
        x = libx11()
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
        x.XGetWindowProperty.argtypes += [ctypes.c_long, ctypes.c_long, ctypes.c_int]
        x.XGetWindowProperty.argtypes += [ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong)]
        x.XGetWindowProperty.argtypes += [ctypes.POINTER(ctypes.c_int)]
        x.XGetWindowProperty.argtypes += [ctypes.POINTER(ctypes.c_ulong)] * 2
        x.XGetWindowProperty.argtypes += [ctypes.POINTER(ctypes.c_void_p)]
        x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long]
        x.XSendEvent.argtypes += [ctypes.POINTER(_XEvent)]
        x.XFree.argtypes = [ctypes.c_void_p]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XSetErrorHandler.restype = ctypes.c_void_p
        x.XSetErrorHandler.argtypes = [ctypes.c_void_p]
        x.XFlush.argtypes = [ctypes.c_void_p]
        self.x = x
        self.display = x.XOpenDisplay(None)
        if not self.display:
            raise OSError("cannot open the X display")
        self.root = x.XDefaultRootWindow(self.display)

    def atom(self, name: str) -> int:
        return int(self.x.XInternAtom(self.display, name.encode(), 0))

    def windows(self, window: int, name: str) -> list[int]:
        """A property holding window ids or atoms (format 32) as a list."""
        kind, fmt, count, after = (
            ctypes.c_ulong(),
            ctypes.c_int(),
            ctypes.c_ulong(),
            ctypes.c_ulong(),
        )
        data = ctypes.c_void_p()
        out = [ctypes.byref(v) for v in (kind, fmt, count, after, data)]
        with self.ignoring_errors():  # the window may have gone meanwhile
            status = self.x.XGetWindowProperty(
                self.display, window, self.atom(name), 0, 4096, 0, 0, *out
            )
        if status != 0 or not data.value:
            return []
        try:
            if fmt.value != 32:
                return []
            longs = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))
            return [int(longs[i]) for i in range(count.value)]
        finally:
            self.x.XFree(data)

    @contextlib.contextmanager
    def ignoring_errors(self) -> Iterator[None]:
        """X errors (BadWindow) are ignored instead of ending the process (Xlib's
        default); the previous handler is back afterwards."""
        previous = self.x.XSetErrorHandler(_IGNORE)
        try:
            yield
            self.x.XSync(self.display, 0)
        finally:
            self.x.XSetErrorHandler(previous)

    def activate(self, window: int) -> None:
        event = _XEvent()
        msg = event.xclient
        msg.type, msg.send_event, msg.window = _CLIENT_MESSAGE, 1, window
        msg.message_type, msg.format = self.atom("_NET_ACTIVE_WINDOW"), 32
        msg.data[0] = _FROM_PAGER
        with self.ignoring_errors():
            self.x.XSendEvent(self.display, self.root, 0, _SUBSTRUCTURE, ctypes.byref(event))

    def close(self) -> None:
        if self.display:
            self.x.XCloseDisplay(self.display)
            self.display = None


def open_display() -> _Display | None:
    """Our own X connection, or None where there is no X11."""
    try:
        return _Display()
    except OSError:
        return None


class FocusReturn:
    """``remember()`` when a question appears, ``give_back()`` when it has gone.

    ``own`` lists the X ids of this client's windows (they never get the focus back).
    """

    def __init__(
        self, own: Callable[[], Iterable[int]], opener: Callable[[], Any] = open_display
    ) -> None:
        self._own = own
        self._opener = opener
        self._display: Any = None
        self._opened = False
        self._before = 0

    def _x(self) -> Any:
        if not self._opened:
            self._opened, self._display = True, self._opener()
        return self._display

    def remember(self) -> None:
        x = self._x()
        if x is not None:
            active = x.windows(x.root, "_NET_ACTIVE_WINDOW")
            own = set(self._own())
            self._before = next((w for w in active if w and w not in own), self._before)

    def give_back(self) -> int:
        """Activate the citizen's window; returns its id (0: none, or no X11)."""
        x = self._x()
        if x is None:
            return 0
        target = self._target(x)
        if target:
            x.activate(target)
        return target

    def _target(self, x: Any) -> int:
        own = set(self._own())
        stacking = x.windows(x.root, "_NET_CLIENT_LIST_STACKING")
        hidden = x.atom("_NET_WM_STATE_HIDDEN")
        visible = [
            w for w in stacking if w not in own and hidden not in x.windows(w, "_NET_WM_STATE")
        ]
        if self._before in visible:
            return self._before
        return visible[-1] if visible else 0  # the list runs bottom to top

    def close(self) -> None:
        if self._display is not None:
            self._display.close()
            self._display = None
