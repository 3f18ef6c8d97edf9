"""The machine the client runs on: screen streamer, input injector and listeners.

Real ones by default (:meth:`Devices.system`); tests pass fakes.  The injector
and the pynput listeners start when the citizen first allows viewing and stop
when the session ends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from citizen_client.netside import Rect, StreamerFactory, default_streamer_factory
from cobrowse import platform
from cobrowse.control import Injector, LocalInputGuard, Monitor, TripleEscape
from cobrowse.control.injector import Gate

log = logging.getLogger(__name__)
InjectorFactory = Callable[..., Injector]
ListenersFactory = Callable[[LocalInputGuard, TripleEscape], Any]


class Devices:
    def __init__(
        self,
        injector_factory: InjectorFactory | None,
        streamer_factory: StreamerFactory | None,
        listeners_factory: ListenersFactory | None = None,
    ) -> None:
        self._injector_factory = injector_factory
        self.streamer_factory = streamer_factory
        self._listeners_factory = listeners_factory
        self.injector: Injector | None = None
        self.listeners: Any = None
        self.secure_desktop: Callable[[], bool | None] | None = None  # Windows' UAC check

    @classmethod
    def system(cls) -> Devices:
        from cobrowse.control.system import LocalListeners, create_injector

        devices = cls(create_injector, default_streamer_factory(), LocalListeners)
        devices.secure_desktop = platform.current().secure_desktop
        return devices

    def start(self, gate: Gate, monitor: Rect, on_hotkey: Callable[[], None]) -> Injector | None:
        """Create the injector and start the listeners (once).  Failing devices
        (no display, no permission) leave remote control off, never crash."""
        if self.injector is not None or self._injector_factory is None:
            return self.injector
        guard, hotkey = LocalInputGuard(), TripleEscape(on_hotkey)
        try:
            self.injector = self._injector_factory(
                gate, Monitor(*monitor), guard=guard, hotkey=hotkey
            )
            if self._listeners_factory is not None:
                self.listeners = self._listeners_factory(guard, hotkey)
                self.listeners.start()
        except Exception:  # noqa: BLE001 - e.g. no X display or no accessibility permission
            log.warning("remote control is not available on this computer", exc_info=True)
        return self.injector

    def set_monitor(self, monitor: Rect) -> None:
        if self.injector is not None:
            self.injector.set_monitor(Monitor(*monitor))

    def release(self) -> None:
        if self.injector is not None:
            self.injector.release_all()

    def stop(self) -> None:
        if self.injector is not None:
            self.injector.close()
        # A listener thread that lingers (X11: until the next input event) stays
        # reachable here so a test can wake it and stop it again.
        if self.listeners is not None and self.listeners.stop() is not False:
            self.listeners = None
        self.injector = None
