"""Linux/X11 (and XWayland): what :class:`cobrowse.platform.base.Platform` asks for.

* cursor: ``XQueryPointer`` and XFixes (:mod:`.cursor`);
* own windows out of the capture: X11 cannot (the capture reads the root window),
  so the client hatches their areas (:mod:`cobrowse.screen.hidden`);
* overlays: Qt's flags already do it on xcb (``WindowDoesNotAcceptFocus``,
  override-redirect, an empty input shape for click-through; see
  ``citizen_client/passive.py``), nothing native is needed;
* focus back to the citizen's window after a question: EWMH (:mod:`.focus`);
* input injection and local input: pynput's controller and listeners; characters
  the layout lacks are typed on stable spare keycodes (:mod:`.keyboard`);
* DPI: X11 has one scale for the whole screen, nothing to declare;
* no secure desktop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from cobrowse.platform.base import CursorSource, FocusKeeper, Platform


class X11Platform(Platform):
    name = "x11"

    def cursor_source(self) -> CursorSource:
        from cobrowse.platform.x11.cursor import X11CursorReader

        return X11CursorReader()

    def focus_keeper(self, own: Callable[[], Iterable[int]]) -> FocusKeeper:
        from cobrowse.platform.x11.focus import FocusReturn

        return FocusReturn(own)

    def keyboard(self, controller: Any) -> Any:
        from cobrowse.platform.x11.keyboard import MappedKeyboard, XlibKeymap

        return MappedKeyboard(controller, XlibKeymap())
