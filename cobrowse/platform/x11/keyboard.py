"""Typing characters the citizen's X keyboard layout lacks, on stable keycodes.

pynput types a character missing from the layout (æøå on a US keymap) by remapping a
spare keycode to it with ``XChangeKeyboardMapping`` and sending the key right away.
The receiving application learns of the new mapping from a ``MappingNotify`` and
refreshes its own copy of the keymap - Chromium (xkbcommon) does that
asynchronously, so under load the key event can be read with the old map and the
character is lost ("Åse Ærø" arrived as "Åse rø").

Here the mapping is never changed in the same breath as the key press:

* when the keyboard is created (the citizen allowed viewing, long before the agent
  may type), the Danish letters the layout lacks are mapped once onto spare
  (empty) keycodes;
* any other missing character is mapped the first time it is needed, into a small
  least-recently-used pool of spare keycodes, and stays mapped;
* every change is confirmed before a key is sent: a round trip (``XSync``) means
  the server has applied it and queued ``MappingNotify`` to every client, so the
  receiver's event queue holds the notify *before* our key event; we also wait for
  the notify on our own connection.  A client that refreshes asynchronously still
  has the whole time between viewing and typing for the pre-mapped letters; only a
  rare character's very first use is then as early as the server allows;
* keys are sent with XTest on those keycodes (every level of the row holds the
  character, so a held Shift does not change it);
* when another client loads a new keymap (``setxkbmap``), which empties the spare
  rows, the next character we type first maps them again (a keymap the server
  merely copies between devices still has them and costs one round trip);
* the original rows come back when control ends (:meth:`MappedKeyboard.close`) or
  the process exits (``atexit``).  A killed process leaves only spare keycodes
  mapped, which no physical key produces.

Characters the layout has, and special keys, still go through pynput.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections import OrderedDict
from typing import Any, Protocol

log = logging.getLogger(__name__)
PREMAPPED = "æøåÆØÅ"
"""Mapped at once if the layout lacks them: what a Danish citizen's forms need."""
POOL = 24
"""Spare keycodes used at most."""


def keysym_for(char: str) -> int:
    """The X keysym of one character: Latin-1 keysyms equal the code point, every
    other character has the Unicode keysym ``0x01000000 + code point``."""
    code = ord(char)
    return code if 0x20 <= code <= 0x7E or 0xA0 <= code <= 0xFF else 0x01000000 | code


class KeymapPort(Protocol):
    """The X calls, and nothing else (faked in unit tests)."""

    def rows(self) -> tuple[int, list[list[int]]]:
        """The first keycode and the keysym row of every keycode."""
        ...

    def change(self, keycode: int, row: list[int]) -> None: ...

    def confirm(self) -> None:
        """Return once the server has applied every change sent so far."""
        ...

    def key(self, keycode: int, down: bool) -> None: ...

    def changed_elsewhere(self) -> bool:
        """True (once) if the keymap changed since our last change: another
        client loaded a layout, or the server copied a device's keymap."""
        ...


class SpareKeys:
    """Which character sits on which spare keycode; the original rows to restore."""

    def __init__(self, port: KeymapPort, pool: int = POOL) -> None:
        self._port = port
        first, rows = port.rows()
        self._width = max((len(r) for r in rows), default=1)
        self._present = {k for row in rows for k in row if k}
        spare = [first + i for i, row in enumerate(rows) if not any(row) and first + i > 8]
        self._free = spare[:pool]
        self._original = {code: list(rows[code - first]) for code in self._free}
        self._lru: OrderedDict[int, int] = OrderedDict()  # keysym -> keycode
        self.down: set[int] = set()  # keycodes pressed now: never evicted

    def lacks(self, char: str) -> bool:
        """True if the layout cannot type ``char`` (then :meth:`keycode` maps it)."""
        return len(char) == 1 and keysym_for(char) not in self._present

    def keycode(self, char: str) -> int | None:
        """The stable keycode for ``char``, mapped and confirmed first if needed."""
        sym = keysym_for(char)
        if sym in self._lru:
            self._lru.move_to_end(sym)
            return self._lru[sym]
        code = self._take()
        if code is None:
            return None
        self._port.change(code, [sym] * self._width)
        self._port.confirm()
        self._lru[sym] = code
        return code

    def premap(self, chars: str) -> None:
        """Map every character of ``chars`` the layout lacks onto free keycodes (none
        is evicted for it), with one confirmation."""
        for char in chars:
            sym = keysym_for(char)
            if self.lacks(char) and sym not in self._lru and self._free:
                code = self._free.pop(0)
                self._port.change(code, [sym] * self._width)
                self._lru[sym] = code
        self._port.confirm()

    def check(self) -> None:
        """Map our characters again where the keymap lost them (a new layout
        was loaded); a copied keymap that still has them costs one round trip."""
        first, rows = self._port.rows()
        lost = [(s, c) for s, c in self._lru.items() if rows[c - first][0] != s]
        for sym, code in lost:
            self._port.change(code, [sym] * self._width)
        if lost:
            self._port.confirm()

    def restore(self) -> None:
        """Put the original rows back on every keycode we mapped."""
        used = list(self._lru.values())
        self._lru.clear()
        for code in used:
            self._port.change(code, self._original[code])
        self._free = sorted(set(self._free) | set(used))
        if used:
            self._port.confirm()

    def _take(self) -> int | None:
        if self._free:
            return self._free.pop(0)
        for sym, code in self._lru.items():  # least recently used first
            if code not in self.down:
                del self._lru[sym]
                return code
        return None


class MappedKeyboard:
    """A keyboard controller (``press``/``release``/``type``) in front of pynput's:
    characters the layout lacks go on :class:`SpareKeys`' stable keycodes."""

    def __init__(self, fallback: Any, port: KeymapPort, keys: SpareKeys | None = None) -> None:
        self._fallback = fallback
        self._port = port
        self._keys = keys or SpareKeys(port)
        self._lock = threading.RLock()
        self._closed = False
        with self._lock:
            self._keys.premap(PREMAPPED)
        ref = weakref.ref(self)  # atexit must not keep a dropped keyboard alive

        def at_exit() -> None:
            keyboard = ref()
            if keyboard is not None:
                keyboard.close()

        self._at_exit = at_exit
        atexit.register(at_exit)

    def press(self, key: Any) -> None:
        code = self._mapped(key)
        if code is None:
            self._fallback.press(key)
            return
        with self._lock:
            self._keys.down.add(code)
            self._port.key(code, True)

    def release(self, key: Any) -> None:
        code = self._mapped(key)
        if code is None:
            self._fallback.release(key)
            return
        with self._lock:
            self._port.key(code, False)
            self._keys.down.discard(code)

    def type(self, text: str) -> None:
        for ch in text:
            self.press(ch)
            self.release(ch)

    def close(self) -> None:
        """Give the keycodes their original rows back (control ended or exit)."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            try:
                self._keys.restore()
            except Exception:  # noqa: BLE001 - the X server may be gone already
                log.warning("could not restore the keyboard mapping")
            getattr(self._port, "close", lambda: None)()
        atexit.unregister(self._at_exit)

    def _mapped(self, key: Any) -> int | None:
        if not isinstance(key, str) or self._closed:
            return None
        with self._lock:
            if not self._keys.lacks(key):
                return None
            if self._port.changed_elsewhere():
                self._keys.check()
            return self._keys.keycode(key)


class XlibKeymap:
    """:class:`KeymapPort` on a python-xlib connection of its own."""

    def __init__(self, display: Any = None) -> None:
        from Xlib import display as xdisplay

        self._d = display or xdisplay.Display()
        self.notified = 0  # MappingNotify events seen on this connection
        self._foreign = False

    def rows(self) -> tuple[int, list[list[int]]]:
        first = int(self._d.display.info.min_keycode)
        count = int(self._d.display.info.max_keycode) - first + 1
        return first, [list(row) for row in self._d.get_keyboard_mapping(first, count)]

    def change(self, keycode: int, row: list[int]) -> None:
        self._d.change_keyboard_mapping(keycode, [row])

    def confirm(self) -> None:
        # The server answers the sync only after applying every earlier request; it
        # queued MappingNotify to all clients (us too) before that answer.
        from Xlib import X

        self._d.sync()
        while self._d.pending_events():
            self.notified += int(self._d.next_event().type == X.MappingNotify)

    def key(self, keycode: int, down: bool) -> None:
        from Xlib import X

        self._d.xtest_fake_input(X.KeyPress if down else X.KeyRelease, keycode)
        self._d.sync()
        self._drain()

    def changed_elsewhere(self) -> bool:
        self._drain()  # reads what has arrived, no round trip
        foreign, self._foreign = self._foreign, False
        return foreign

    def _drain(self) -> None:
        from Xlib import X

        while self._d.pending_events():  # not ours: someone else changed the keymap
            self._foreign |= self._d.next_event().type == X.MappingNotify

    def close(self) -> None:
        try:
            self._d.close()
        except Exception:  # noqa: BLE001 - closing a connection the server dropped
            log.debug("the keyboard's X connection was gone already")
