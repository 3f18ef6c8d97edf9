"""Where and when the X screen changes: DAMAGE on the root window, through ctypes.

:class:`DamageWatch` owns one X connection (use it on one thread, the capture
thread) and asks the server for three kinds of events on the root window:

* ``DamageNotify`` at the level *non-empty*: one event when the root window's
  damage region goes from empty to non-empty, however much is drawn after it.
  :meth:`DamageWatch.take` then fetches the accumulated region as rectangles and
  empties it in one round trip (``XDamageSubtract`` into an XFixes region), so a
  burst of drawing costs one event, not one per drawing request;
* XInput 2 ``RawMotion`` from every master pointer: the pointer moved (the raw
  event carries no position: read it with ``XQueryPointer``);
* XFixes ``CursorNotify``: the pointer image changed.

:meth:`DamageWatch.wait` blocks in ``select`` on the X connection and a wake-up
socket pair that any thread may poke (:meth:`DamageWatch.wake`), so the capture thread
sleeps without a timer while the screen is still.

Measured on Xvfb 1920x1080: python-xlib has DAMAGE but no XFixes regions, so it
needs ``DamageReportRawRectangles`` (one event per drawing request, each parsed in
Python, hundreds for a page change); here a page change is one event and one
round trip.  Raises :class:`DamageUnavailable` (an OSError) where libX11,
libXdamage or libXfixes is missing, or the server lacks DAMAGE or XFixes 2;
missing XInput 2 only means no pointer events (``pointer_events`` is False).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import select
import socket
from typing import Any

from cobrowse.platform.x11.xlib import load

Rect = tuple[int, int, int, int]  # x, y, width, height in root-window pixels

DAMAGE = 1
"""Flag from :meth:`DamageWatch.wait`: the screen was drawn to."""
POINTER = 2
"""Flag from :meth:`DamageWatch.wait`: the pointer moved or changed its image."""
WOKEN = 4
"""Flag from :meth:`DamageWatch.wait`: another thread called :meth:`DamageWatch.wake`."""

_REPORT_NON_EMPTY = 3  # XDamageReportNonEmpty
_GENERIC_EVENT = 35
_XI_RAW_MOTION = 17
_XI_ALL_MASTER_DEVICES = 1
_CURSOR_NOTIFY = 1  # XFixesCursorNotify, relative to the XFixes event base
_DISPLAY_CURSOR_NOTIFY_MASK = 1


class DamageUnavailable(OSError):
    """This display cannot report damage: capture by polling instead."""


class _XRectangle(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_short),
        ("y", ctypes.c_short),
        ("width", ctypes.c_ushort),
        ("height", ctypes.c_ushort),
    ]


class _XIEventMask(ctypes.Structure):
    _fields_ = [
        ("deviceid", ctypes.c_int),
        ("mask_len", ctypes.c_int),
        ("mask", ctypes.POINTER(ctypes.c_ubyte)),
    ]


class _Cookie(ctypes.Structure):
    """The head of an ``XGenericEventCookie`` (enough to tell whose event it is)."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("extension", ctypes.c_int),
        ("evtype", ctypes.c_int),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("cookie", _Cookie), ("pad", ctypes.c_long * 24)]


def _lib(name: str) -> ctypes.CDLL:
    try:
        return load(name)
    except OSError as exc:
        raise DamageUnavailable(str(exc)) from None


def _declare(x11: Any, damage: Any, fixes: Any, xi: Any | None) -> None:
    """Argument and result types of every function used (64-bit safe)."""
    vp, ul, i, pi = ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.POINTER(ctypes.c_int)
    x11.XOpenDisplay.restype, x11.XOpenDisplay.argtypes = vp, [ctypes.c_char_p]
    x11.XDefaultRootWindow.restype, x11.XDefaultRootWindow.argtypes = ul, [vp]
    x11.XConnectionNumber.argtypes = [vp]
    x11.XPending.argtypes = [vp]
    x11.XNextEvent.argtypes = [vp, ctypes.POINTER(_XEvent)]
    x11.XFlush.argtypes = x11.XCloseDisplay.argtypes = [vp]
    x11.XFree.argtypes = [vp]
    x11.XQueryExtension.argtypes = [vp, ctypes.c_char_p, pi, pi, pi]
    damage.XDamageQueryExtension.argtypes = [vp, pi, pi]
    damage.XDamageQueryVersion.argtypes = [vp, pi, pi]
    damage.XDamageCreate.restype, damage.XDamageCreate.argtypes = ul, [vp, ul, i]
    damage.XDamageSubtract.argtypes = [vp, ul, ul, ul]
    damage.XDamageDestroy.argtypes = [vp, ul]
    fixes.XFixesQueryExtension.argtypes = [vp, pi, pi]
    fixes.XFixesQueryVersion.argtypes = [vp, pi, pi]
    fixes.XFixesCreateRegion.restype = ul
    fixes.XFixesCreateRegion.argtypes = [vp, ctypes.POINTER(_XRectangle), i]
    fixes.XFixesDestroyRegion.argtypes = [vp, ul]
    fixes.XFixesFetchRegion.restype = ctypes.POINTER(_XRectangle)
    fixes.XFixesFetchRegion.argtypes = [vp, ul, pi]
    fixes.XFixesSelectCursorInput.argtypes = [vp, ul, ul]
    if xi is not None:
        xi.XIQueryVersion.argtypes = [vp, pi, pi]
        xi.XISelectEvents.argtypes = [vp, ul, ctypes.POINTER(_XIEventMask), i]


class DamageWatch:
    """Damage, pointer and cursor-image events of one X display (see module doc)."""

    def __init__(self, display: str | None = None) -> None:
        self._x11, self._damage, self._fixes = _lib("X11"), _lib("Xdamage"), _lib("Xfixes")
        try:
            self._xi: Any | None = _lib("Xi")
        except DamageUnavailable:
            self._xi = None
        _declare(self._x11, self._damage, self._fixes, self._xi)
        self._dpy = self._x11.XOpenDisplay(display.encode() if display else None)
        if not self._dpy:
            raise DamageUnavailable("cannot open the X display")
        try:
            self._setup()
        except BaseException:
            self._x11.XCloseDisplay(self._dpy)
            raise
        self._fd = self._x11.XConnectionNumber(self._dpy)
        self._wake_r, self._wake_w = socket.socketpair()  # any thread may write a byte
        self._wake_r.setblocking(False)
        self._wake_w.setblocking(False)
        self._event = _XEvent()
        self.pending = False
        """True once the screen was drawn to and :meth:`take` has not run since."""

    def _setup(self) -> None:
        dpy, a, b = self._dpy, ctypes.c_int(), ctypes.c_int()
        if not self._damage.XDamageQueryExtension(dpy, ctypes.byref(a), ctypes.byref(b)):
            raise DamageUnavailable("the X server has no DAMAGE extension")
        self._damage_event = a.value  # XDamageNotify is event 0 of the extension
        a.value, b.value = 1, 1
        self._damage.XDamageQueryVersion(dpy, ctypes.byref(a), ctypes.byref(b))
        if not self._fixes.XFixesQueryExtension(dpy, ctypes.byref(a), ctypes.byref(b)):
            raise DamageUnavailable("the X server has no XFixes extension")
        self._cursor_event = a.value + _CURSOR_NOTIFY
        a.value, b.value = 5, 0
        self._fixes.XFixesQueryVersion(dpy, ctypes.byref(a), ctypes.byref(b))
        if a.value < 2:
            raise DamageUnavailable("the X server's XFixes has no regions (version < 2)")
        self.root = int(self._x11.XDefaultRootWindow(dpy))
        self._handle = self._damage.XDamageCreate(dpy, self.root, _REPORT_NON_EMPTY)
        self._region = self._fixes.XFixesCreateRegion(dpy, None, 0)
        self._fixes.XFixesSelectCursorInput(dpy, self.root, _DISPLAY_CURSOR_NOTIFY_MASK)
        self._xi_opcode = self._select_raw_motion()
        self._x11.XFlush(dpy)

    def _select_raw_motion(self) -> int | None:
        """Ask for XInput 2 raw motion; the extension's opcode, or None without XI 2."""
        dpy, opcode, ev, err = self._dpy, ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
        if self._xi is None or not self._x11.XQueryExtension(
            dpy, b"XInputExtension", ctypes.byref(opcode), ctypes.byref(ev), ctypes.byref(err)
        ):
            return None
        major, minor = ctypes.c_int(2), ctypes.c_int(0)
        if self._xi.XIQueryVersion(dpy, ctypes.byref(major), ctypes.byref(minor)) != 0:
            return None
        bits = (ctypes.c_ubyte * 4)()
        bits[_XI_RAW_MOTION >> 3] |= 1 << (_XI_RAW_MOTION & 7)
        mask = _XIEventMask(_XI_ALL_MASTER_DEVICES, len(bits), bits)
        self._xi.XISelectEvents(dpy, self.root, ctypes.byref(mask), 1)
        return opcode.value

    @property
    def pointer_events(self) -> bool:
        """True when pointer motion is reported (XInput 2 is there)."""
        return self._xi_opcode is not None

    def fileno(self) -> int:
        return int(self._fd)

    def wait(self, timeout: float | None) -> int:
        """Block until something happens or ``timeout`` seconds pass (None: no limit).

        Returns the flags of what happened (:data:`DAMAGE`, :data:`POINTER`,
        :data:`WOKEN`; 0 on timeout).  Damage already pending does not end the wait:
        check :attr:`pending` first."""
        flags = self._drain()
        if flags:
            return flags
        ready, _, _ = select.select([self._fd, self._wake_r], [], [], timeout)
        if self._wake_r in ready:
            flags |= WOKEN
            try:
                while self._wake_r.recv(64):
                    pass
            except BlockingIOError:
                pass
        return flags | self._drain()

    def _drain(self) -> int:
        """Read every queued X event; the flags they add up to."""
        flags, event = 0, self._event
        while self._x11.XPending(self._dpy):
            self._x11.XNextEvent(self._dpy, ctypes.byref(event))
            kind = event.type
            if kind == self._damage_event:
                self.pending = True
                flags |= DAMAGE
            elif kind == self._cursor_event or (
                kind == _GENERIC_EVENT and event.cookie.extension == self._xi_opcode
            ):
                flags |= POINTER
        return flags

    def take(self) -> list[Rect]:
        """The area drawn to since the last call, as rectangles; empties it."""
        dpy = self._dpy
        self.pending = False
        self._damage.XDamageSubtract(dpy, self._handle, 0, self._region)
        count = ctypes.c_int()
        rects = self._fixes.XFixesFetchRegion(dpy, self._region, ctypes.byref(count))
        if not rects:
            return []
        try:
            return [(r.x, r.y, r.width, r.height) for r in rects[: count.value]]
        finally:
            self._x11.XFree(rects)

    def wake(self) -> None:
        """End a :meth:`wait` now (any thread)."""
        try:
            self._wake_w.send(b"\0")
        except BlockingIOError:
            pass  # the socket is full: a wake-up is pending anyway

    def close(self) -> None:
        if self._dpy:
            self._damage.XDamageDestroy(self._dpy, self._handle)
            self._fixes.XFixesDestroyRegion(self._dpy, self._region)
            self._x11.XCloseDisplay(self._dpy)
            self._dpy = None
            self._wake_r.close()
            self._wake_w.close()
