"""The real thing: pynput controllers and listeners (imported lazily), with the
platform's own parts where it has better ones (:mod:`cobrowse.platform`: on Windows
text is typed with ``SendInput``/``KEYEVENTF_UNICODE``; Windows and macOS also
report the OS's time since the last input).

pynput picks its backend (X11, Win32, Quartz) when it is first imported and
needs a display then, so nothing here imports it at module load.
"""

from __future__ import annotations

import logging
from typing import Any

from cobrowse.control.injector import Gate, Injector, Monitor
from cobrowse.control.local import LocalInputGuard, TripleEscape
from cobrowse.platform import current as current_platform

log = logging.getLogger(__name__)


def create_injector(
    gate: Gate,
    monitor: Monitor,
    *,
    guard: LocalInputGuard | None = None,
    hotkey: TripleEscape | None = None,
) -> Injector:
    """An :class:`Injector` driving the real mouse and keyboard."""
    from pynput import keyboard, mouse

    native = current_platform()
    return Injector(
        mouse.Controller(),
        native.keyboard(keyboard.Controller()),
        gate,
        special=lambda name: getattr(keyboard.Key, name),
        button=lambda name: getattr(mouse.Button, name),
        monitor=monitor,
        guard=guard,
        hotkey=hotkey,
        idle=native.seconds_since_input,
    )


class LocalListeners:
    """pynput listeners that feed the citizen's own input to the guard and hotkey.

    Callbacks run on pynput's threads; they only touch the thread-safe guard and
    hotkey and never see or log which key was pressed beyond "Esc or not".
    """

    def __init__(self, guard: LocalInputGuard, hotkey: TripleEscape) -> None:
        self._guard = guard
        self._hotkey = hotkey
        self._listeners: list[Any] = []

    def start(self) -> None:
        from pynput import keyboard, mouse

        esc = keyboard.Key.esc

        def on_press(key: Any, injected: bool = False) -> None:
            self._guard.os_key_or_button(injected)
            if key == esc:
                self._hotkey.escape_pressed(injected)
            elif not injected:
                self._hotkey.other_key()

        def on_release(key: Any, injected: bool = False) -> None:
            self._guard.os_key_or_button(injected)

        def on_move(x: int, y: int, injected: bool = False) -> None:
            self._guard.os_move(int(x), int(y), injected)

        def on_click(x: int, y: int, button: Any, pressed: bool, injected: bool = False) -> None:
            self._guard.os_key_or_button(injected)

        def on_scroll(x: int, y: int, dx: int, dy: int, injected: bool = False) -> None:
            self._guard.os_key_or_button(injected)

        self._listeners = [
            keyboard.Listener(on_press=on_press, on_release=on_release),
            mouse.Listener(on_move=on_move, on_click=on_click, on_scroll=on_scroll),
        ]
        for listener in self._listeners:
            listener.daemon = True
            listener.start()
        for listener in self._listeners:
            listener.wait()
        log.info("local input listeners started")

    def stop(self, timeout: float = 0.5) -> bool:
        """Stop the listeners and wait briefly for their (daemon) threads; True if all
        ended.  On X11 a listener thread may linger until the next input event (call
        again to wait for it).  Call off the GUI thread."""
        for listener in self._listeners:
            listener.stop()
        for listener in self._listeners:
            listener.join(timeout)
        self._listeners = [t for t in self._listeners if t.is_alive()]
        return not self._listeners
