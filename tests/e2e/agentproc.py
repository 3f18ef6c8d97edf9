"""The test's side of :mod:`agent_driver`: start the real agent app as a child
process, send it commands, read its screen back, SIGKILL it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

DRIVER = Path(__file__).with_name("agent_driver.py")


class AgentProcess:
    """``state`` is the agent's screen as last reported (see agent_driver.screen)."""

    def __init__(self, relay_url: str, log: Path, settings: Path) -> None:
        self.log = log
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(DRIVER), "--relay", relay_url, "--log", str(log)]
            + ["--settings", str(settings)],
            env=env,
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
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_errors, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                state = json.loads(line)
            except ValueError:
                continue
            self.history.append(state)
            self.times.append(time.monotonic())  # when this screen was reported
            self.state = state

    def _read_errors(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.errors.append(line.rstrip())

    def send(self, cmd: str, **args: Any) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
        self.proc.stdin.flush()

    def ever(self, **want: Any) -> bool:
        """True if the agent's screen ever showed all of ``want`` at once."""
        return any(all(s.get(k) == v for k, v in want.items()) for s in list(self.history))

    def first(self, **want: Any) -> float:
        """time.monotonic() when the agent's screen first showed all of ``want``."""
        for state, at in zip(list(self.history), list(self.times), strict=False):
            if all(state.get(k) == v for k, v in want.items()):
                return at
        raise LookupError(f"the agent's screen never showed {want}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no goodbye, no session-log end."""
        if self.alive():
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def quit(self, timeout: float = 20) -> int:
        """Close the window as the agent would; returns the exit status."""
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
