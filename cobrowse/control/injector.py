"""Inject the agent's input into the citizen's desktop - only when the citizen allows it.

:class:`Injector` takes :data:`cobrowse.session.events.INPUT_MESSAGES` and turns them into
calls on a pynput-style mouse and keyboard controller.  Every message passes
four checks, in this order:

1. the **consent gate** - a callable that is true only while the session is in
   ``controlling`` (the citizen granted control and has not taken it back);
2. **local input wins** - while the citizen moves the mouse or types, agent input
   is dropped (see :class:`cobrowse.control.local.LocalInputGuard`; ``idle``, where
   the platform has it, tells how long ago the OS last saw any input);
3. **blocked combinations** - lock, log-out, task manager, run dialog ... never
   reach the OS (:mod:`cobrowse.control.keys`);
4. **coordinates** - the agent's coordinates are pixels of the shared monitor and
   are clamped into it;
5. **the client's own windows** - no click or wheel on them, no key press while
   they have the focus (:class:`cobrowse.control.shield.Shield`), so the agent
   can never answer a consent question for the citizen.

Keys and buttons the agent holds are remembered and released by
:meth:`Injector.release_all` - call it when control ends for any reason.
Nothing here logs a key, a character or a position.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cobrowse.control import keys
from cobrowse.control.local import LocalInputGuard, TripleEscape
from cobrowse.control.shield import Shield
from cobrowse.session import events as ev

log = logging.getLogger(__name__)
Gate = Callable[[], bool]
TELL_EVERY = 3.0
"""Seconds between two InputRefused notices with the same reason."""


@dataclass(frozen=True, slots=True)
class Monitor:
    """The shared monitor in desktop coordinates."""

    left: int
    top: int
    width: int
    height: int

    def to_desktop(self, x: int, y: int) -> tuple[int, int]:
        """Map (x, y) on this monitor to the desktop, clamped into the monitor."""
        cx = min(max(x, 0), self.width - 1)
        cy = min(max(y, 0), self.height - 1)
        return self.left + cx, self.top + cy


class Injector:
    """Applies agent input through ``mouse`` and ``keyboard`` controllers (pynput's
    ``Controller`` objects, or fakes).  ``special(name)`` returns the controller's
    object for a special key name, ``button(name)`` the one for a mouse button."""

    def __init__(
        self,
        mouse: Any,
        keyboard: Any,
        gate: Gate,
        *,
        special: Callable[[str], Any],
        button: Callable[[str], Any],
        monitor: Monitor,
        guard: LocalInputGuard | None = None,
        hotkey: TripleEscape | None = None,
        combos: tuple[frozenset[str], ...] = keys.BLOCKED,
        on_blocked: Callable[[tuple[str, ...]], None] | None = None,
        idle: Callable[[], float | None] | None = None,
    ) -> None:
        self._mouse = mouse
        self._keyboard = keyboard
        self._gate = gate
        self._special = special
        self._button = button
        self.monitor = monitor
        self.guard = guard or LocalInputGuard()
        self._hotkey = hotkey
        self._combos = combos
        self._idle = idle
        self.on_blocked = on_blocked  # told (any thread) which combination was stopped
        self.shield = Shield()  # the citizen client publishes its windows here
        # told (network thread, at most every TELL_EVERY s per reason) why input was dropped
        self.on_refused: Callable[[str], None] | None = None
        self._told: dict[str, float] = {}
        self._lock = threading.RLock()
        self._held: dict[str, tuple[str, Any]] = {}  # code -> (canonical name, pressed)
        self._buttons: set[str] = set()
        self._swallowed: set[str] = set()  # codes whose press was blocked
        self.injected = 0
        self.refused = 0

    def set_monitor(self, monitor: Monitor) -> None:
        with self._lock:
            self.monitor = monitor

    def handle(self, msg: ev.Message) -> bool:
        """Inject ``msg`` if every check passes; return True if it was injected."""
        with self._lock:
            if not self._allowed():
                self.refused += 1
                return False
            done = self._dispatch(msg)
            self.injected += int(done)
            return done

    def press_combo(self, names: tuple[str, ...]) -> bool:
        """Press and release a blocked combination the citizen has allowed, once.
        Still subject to the consent gate and to local input."""
        with self._lock:
            if not self._allowed():
                return False
            targets = [self._special(n) if n in keys.SPECIAL_KEYS else n for n in names]
            self.guard.injected_other()
            for target in targets:
                self._keyboard.press(target)
            for target in reversed(targets):
                self._keyboard.release(target)
            self.injected += 1
            return True

    def release_all(self) -> None:
        """Release every key and button the agent still holds (control ended)."""
        with self._lock:
            held, self._held = self._held, {}
            buttons, self._buttons = self._buttons, set()
            self._swallowed.clear()
            for _name, pressed in reversed(list(held.values())):
                self._safe(self._keyboard.release, pressed)
            for name in buttons:
                self._safe(self._mouse.release, self._button(name))

    def close(self) -> None:
        """The session is over: release everything, and let the keyboard give back
        what it borrowed (X11: the spare keycodes it mapped)."""
        self.release_all()
        close = getattr(self._keyboard, "close", None)
        if close is not None:
            self._safe(lambda _: close(), None)

    # checks -------------------------------------------------------------------

    def _allowed(self) -> bool:
        if not self._gate():
            self._release_if_held()
            return False
        self.guard.pointer_at(*self._pointer())
        ago = self._idle() if self._idle is not None else None
        if ago is not None:
            self.guard.os_input_ago(ago)
        if self.guard.paused():
            self._release_if_held()
            self._tell("citizen_active")
            return False
        return True

    def _tell(self, reason: str) -> None:
        now = time.monotonic()
        if self.on_refused is not None and now - self._told.get(reason, -TELL_EVERY) >= TELL_EVERY:
            self._told[reason] = now
            self.on_refused(reason)

    def _release_if_held(self) -> None:
        if self._held or self._buttons:
            self.release_all()

    def _pointer(self) -> tuple[int, int]:
        x, y = self._mouse.position
        return int(x), int(y)

    # mouse --------------------------------------------------------------------

    def _dispatch(self, msg: ev.Message) -> bool:
        if isinstance(msg, ev.Key):
            return self._key(msg)
        if isinstance(msg, ev.PointerMove):
            self._move(msg.x, msg.y)
            return True
        if isinstance(msg, ev.PointerButton):
            return self._press_button(msg)
        if isinstance(msg, ev.Wheel):
            self._move(msg.x, msg.y)
            if self._shielded(msg.x, msg.y):
                return False
            self.guard.injected_other()
            self._mouse.scroll(msg.dx, msg.dy)
            return True
        return False

    def _move(self, x: int, y: int) -> None:
        dx, dy = self.monitor.to_desktop(x, y)
        self.guard.injected_move(dx, dy)  # before: the listener may see it at once
        self._mouse.position = (dx, dy)

    def _press_button(self, msg: ev.PointerButton) -> bool:
        self._move(msg.x, msg.y)
        if msg.pressed and self._shielded(msg.x, msg.y):
            return False
        if msg.pressed:
            self.guard.injected_other()
            self._mouse.press(self._button(msg.button))
            self._buttons.add(msg.button)
        elif msg.button in self._buttons:
            self.guard.injected_other()
            self._mouse.release(self._button(msg.button))
            self._buttons.discard(msg.button)
        else:
            return False
        return True

    # keyboard -----------------------------------------------------------------

    def _key(self, msg: ev.Key) -> bool:
        return self._key_down(msg) if msg.pressed else self._key_up(msg.code)

    def _shielded(self, x: int, y: int) -> bool:
        if self.shield.covers(*self.monitor.to_desktop(x, y)):
            log.info("refused a click on the cobrowse window")
            self._tell("own_window")
            return True
        return False

    def _key_down(self, msg: ev.Key) -> bool:
        if self.shield.focused:
            self._swallowed.add(msg.code)
            log.info("refused a key: the cobrowse window has the focus")
            self._tell("own_window")
            return False
        name = keys.normalize(msg.code)
        held = frozenset(n for n, _ in self._held.values())
        if keys.is_blocked(held, name, self._combos):
            self._swallowed.add(msg.code)
            log.info("blocked a dangerous key combination")
            if self.on_blocked is not None:
                self.on_blocked(keys.combo_names(held, name))
            return False
        if msg.code in self._held:
            self._key_up(msg.code)  # auto-repeat: release before pressing again
        if keys.is_altgr_text(held, name, msg.text):
            return self._type_bare(msg.text)
        target = keys.target_for(name, msg.text, held)
        if target is None:
            return False
        if len(target.char) > 1:
            return self._type(target.char)
        pressed = target.char or self._special(target.special)
        self._note_key(name)
        self._keyboard.press(pressed)
        self._held[msg.code] = (name, pressed)
        return True

    def _key_up(self, code: str) -> bool:
        if code in self._swallowed:
            self._swallowed.discard(code)
            return False
        entry = self._held.pop(code, None)
        if entry is None:
            return False
        self._note_key(entry[0])
        self._keyboard.release(entry[1])
        return True

    def _type(self, text: str) -> bool:
        self.guard.injected_other()
        for ch in text:
            self._keyboard.press(ch)
            self._keyboard.release(ch)
        return True

    def _type_bare(self, text: str) -> bool:
        """Type ``text`` with the agent's Ctrl and Alt lifted for a moment (their
        AltGr on Windows), so "@" arrives as "@" and not as Ctrl+Alt+@."""
        lifted = [p for n, p in self._held.values() if keys.family(n) in ("ctrl", "alt")]
        self.guard.injected_other()
        for pressed in lifted:
            self._keyboard.release(pressed)
        self._type(text)
        for pressed in lifted:
            self._keyboard.press(pressed)
        return True

    def _note_key(self, name: str) -> None:
        """Tell the guard and hotkey first: the listener may see the event at once."""
        self.guard.injected_other()
        if name == "esc" and self._hotkey is not None:
            self._hotkey.injected_escape()

    @staticmethod
    def _safe(fn: Callable[[Any], None], arg: Any) -> None:
        try:
            fn(arg)
        except Exception:  # noqa: BLE001 - releasing must go on for the other keys
            log.warning("could not release a held key or button")
