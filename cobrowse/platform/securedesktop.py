"""Notice when Windows switches to its secure desktop, and say so once.

The UAC administrator prompt (and the lock screen) run on Windows' secure desktop:
no program can capture it or send input to it - the agent's picture freezes and
their clicks go nowhere.  :class:`SecureDesktopWatch` asks the platform every
:data:`EVERY` seconds on a thread of its own
(:meth:`cobrowse.platform.base.Platform.secure_desktop`) and calls
``on_change(active)`` when the answer changes; the citizen client sends it to the
agent as :class:`cobrowse.session.events.SecureDesktop`, and the agent app tells
the agent that the citizen must answer the prompt themselves.

Where the platform has no such thing (the check answers None) the thread ends at
once.  Nothing is logged but the change itself.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)
EVERY = 1.0  # seconds between two looks (one OpenInputDesktop: microseconds)


class SecureDesktopWatch:
    def __init__(
        self,
        check: Callable[[], bool | None],
        on_change: Callable[[bool], None],
        *,
        every: float = EVERY,
    ) -> None:
        self._check = check
        self._on_change = on_change
        self._every = every
        self._active = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def poll(self) -> bool | None:
        """Look once; report a change.  Returns the answer (None: nothing to watch)."""
        try:
            active = self._check()
        except OSError:
            log.warning("could not tell which desktop Windows shows", exc_info=True)
            return self._active
        if active is not None and active != self._active:
            self._active = active
            log.info("the secure desktop is %s", "shown" if active else "gone")
            self._on_change(active)
        return active

    def forget(self) -> None:
        """The other side forgot (reconnected): report the state again if it is shown."""
        self._active = False

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="secure-desktop", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.poll() is None:
                return
            self._stop.wait(self._every)
