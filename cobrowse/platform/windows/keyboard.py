"""Typing on Windows: text as Unicode through ``SendInput``, keys through pynput.

pynput types a character by looking it up in the citizen's keyboard layout; a
character the layout lacks, or one the agent's layout makes differently, can come
out wrong.  ``SendInput`` with ``KEYEVENTF_UNICODE`` hands the character itself to
the focused application (it arrives as ``VK_PACKET``/``WM_CHAR``), so "æ", "ø", "å"
and "Å" arrive exactly as the agent typed them, whatever layout either side uses.
A character outside the Basic Multilingual Plane is sent as its two UTF-16 halves.

A shortcut is no text: while the agent holds Ctrl, Alt or the Windows key, characters
go the pynput way (a virtual key with modifiers), so Ctrl+C still copies.  Special
keys (Enter, arrows, F-keys, the modifiers) always go through pynput.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Callable
from typing import Any

from cobrowse.platform.windows import api

log = logging.getLogger(__name__)
SHORTCUT_PREFIXES = ("ctrl", "alt", "cmd")  # pynput's names: ctrl_l, alt_gr, cmd_r ...


def unicode_inputs(text: str, *, up: bool) -> list[api.INPUT]:
    """One ``KEYEVENTF_UNICODE`` event per UTF-16 code unit of ``text``."""
    units = text.encode("utf-16-le")
    flags = api.KEYEVENTF_UNICODE | (api.KEYEVENTF_KEYUP if up else 0)
    events = []
    for i in range(0, len(units), 2):
        event = api.INPUT()
        event.type = api.INPUT_KEYBOARD
        event.u.ki.wScan = int.from_bytes(units[i : i + 2], "little")
        event.u.ki.dwFlags = flags
        events.append(event)
    return events


class UnicodeKeyboard:
    """A keyboard controller (``press``/``release``/``type``) in front of pynput's."""

    def __init__(self, fallback: Any, send: Callable[[list[api.INPUT]], int]) -> None:
        self._fallback = fallback
        self._send = send
        self._held: set[Any] = set()  # special keys pressed through pynput
        self._text_down: set[str] = set()

    def press(self, key: Any) -> None:
        if isinstance(key, str) and not self._shortcut():
            self._unicode(key, up=False)
            self._text_down.add(key)
            return
        self._fallback.press(key)
        if not isinstance(key, str):
            self._held.add(key)

    def release(self, key: Any) -> None:
        if isinstance(key, str) and key in self._text_down:
            self._text_down.discard(key)
            self._unicode(key, up=True)
            return
        self._fallback.release(key)
        self._held.discard(key)

    def type(self, text: str) -> None:
        for ch in text:
            self.press(ch)
            self.release(ch)

    def _shortcut(self) -> bool:
        names = (str(getattr(key, "name", "")) for key in self._held)
        return any(name.startswith(SHORTCUT_PREFIXES) for name in names)

    def _unicode(self, text: str, *, up: bool) -> None:
        events = unicode_inputs(text, up=up)
        sent = self._send(events)
        if sent != len(events):  # UIPI: an elevated window has the focus
            log.warning("Windows refused injected text (%d of %d events)", sent, len(events))


def sender(d: api.Dlls) -> Callable[[list[api.INPUT]], int]:
    """``SendInput`` for a list of events; returns how many Windows took."""

    def send(events: list[api.INPUT]) -> int:
        array = (api.INPUT * len(events))(*events)
        return int(d.user32.SendInput(len(events), array, ctypes.sizeof(api.INPUT)))

    return send
