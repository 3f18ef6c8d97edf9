"""A real app in a child process, driven through its own widgets: the parent's side
of ``agent_app.driver`` and ``citizen_client.driver``.

Commands go to the child's stdin as JSON lines; the child writes what its window
shows as a JSON line whenever that changes, and :attr:`DrivenApp.state` is the
last one.  :meth:`DrivenApp.wait` blocks until the screen shows what was asked for
(on a condition variable, with a time-out), so a script reads like what a person
does: press, then look.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import IO, Any

from cobrowse.local.children import spawn


class DriveError(RuntimeError):
    """The app did not show what was expected in time, or it stopped."""


def read_commands(stream: Iterable[str], post: Callable[[dict[str, Any]], None]) -> None:
    """The child's side: each JSON line from ``stream`` to ``post``; ``quit`` at the end."""
    for line in stream:
        if line.strip():
            post(json.loads(line))
    post({"cmd": "quit"})  # the parent went away


def read_commands_in_background(post: Callable[[dict[str, Any]], None]) -> None:
    """:func:`read_commands` from standard input on a daemon thread (a driven app's
    main thread runs its event loop; ``post`` must hand over to it, e.g. a signal)."""
    threading.Thread(target=read_commands, args=(sys.stdin, post), daemon=True).start()


class DrivenApp:
    """``state`` is the app's screen as last reported; ``history`` every report."""

    def __init__(self, name: str, args: list[str], env: dict[str, str] | None = None) -> None:
        self.name = name
        self.proc: subprocess.Popen[str] = spawn(
            args,
            env=dict(os.environ if env is None else env, PYTHONUNBUFFERED="1"),
            text=True,
            encoding="utf-8",
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.state: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.errors: list[str] = []
        self._done = 0
        self._changed = threading.Condition()
        for target, stream in ((self._read, self.proc.stdout), (self._errors, self.proc.stderr)):
            threading.Thread(target=target, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            try:
                state = json.loads(line)
            except ValueError:
                continue
            with self._changed:
                self.history.append(state)
                self.times.append(time.monotonic())  # when this screen was reported
                self.state = state
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()  # the app is gone: nobody waits in vain

    def _errors(self, stream: IO[str]) -> None:
        for line in stream:
            self.errors.append(line.rstrip())

    def send(self, cmd: str, **args: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()

    def do(self, cmd: str, timeout: float = 30.0, **args: Any) -> dict[str, Any]:
        """Send a command and wait until the app says it has done it."""
        self._done += 1
        self.send(cmd, id=self._done, **args)
        return self.wait(timeout=timeout, done=self._done)

    def shows(self, **want: Any) -> bool:
        return all(self.state.get(k) == v for k, v in want.items())

    def wait(
        self,
        what: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 30.0,
        **want: Any,
    ) -> dict[str, Any]:
        """Block until the screen shows all of ``want`` (and ``what(state)`` is true)."""

        def seen() -> bool:
            return self.shows(**want) and (what is None or what(self.state))

        with self._changed:
            if self._changed.wait_for(lambda: seen() or not self.alive(), timeout) and seen():
                return dict(self.state)
        why = "stopped" if not self.alive() else f"did not show {want or what} in {timeout:.0f} s"
        tail = "; ".join(self.errors[-3:])
        raise DriveError(f"the {self.name} {why} (it shows {self.state}) {tail}".strip())

    def ever(self, **want: Any) -> bool:
        """True if the screen ever showed all of ``want`` at once."""
        return any(all(s.get(k) == v for k, v in want.items()) for s in list(self.history))

    def first(self, **want: Any) -> float:
        """time.monotonic() when the screen first showed all of ``want``."""
        for state, at in zip(list(self.history), list(self.times), strict=False):
            if all(state.get(k) == v for k, v in want.items()):
                return at
        raise LookupError(f"the {self.name}'s screen never showed {want}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no goodbye."""
        if self.alive():
            self.proc.kill()  # SIGKILL on POSIX
            self.proc.wait(10)

    def quit(self, timeout: float = 20) -> int:
        """Close the window as a person would; returns the exit status."""
        if self.alive():
            self.send("quit")
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def close(self) -> None:
        try:
            self.quit(10)
        except OSError:  # its stdin is already gone
            self.kill()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
