"""The processes ``cobrowse-local`` starts, and ending every one of them.

Each child gets a process group of its own (so a Ctrl+C in the terminal reaches
only ``cobrowse-local``, which then stops the children in order, and so a child's
own children - Chromium's renderers - go with it) and, on Linux, asks the kernel
to send it SIGTERM when ``cobrowse-local`` dies for any reason, SIGKILL included
(``prctl(PR_SET_PDEATHSIG)``).  The signal follows the *thread* that started the
child: start children from the main thread.

:class:`Children` stops what it started in reverse order: SIGTERM to the group,
a wait on the process, SIGKILL to the group if it does not go.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

_PR_SET_PDEATHSIG = 1


def _death_signal() -> Callable[[], None] | None:
    """A pre-exec hook that sets PR_SET_PDEATHSIG (None where there is no prctl)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    prctl = libc.prctl  # looked up here: the hook runs between fork and exec

    def hook() -> None:
        prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)

    return hook


_HOOK = _death_signal()


def spawn(args: list[str], **popen: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen`` in a process group of its own that dies with us."""
    return subprocess.Popen(args, start_new_session=True, preexec_fn=_HOOK, **popen)


def stop(proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
    """SIGTERM to the child's group; SIGKILL to it after ``timeout`` seconds."""
    if sys.platform == "win32":  # no process groups or SIGKILL: the demo is POSIX only
        raise OSError("cobrowse-local runs on Linux (X11) only")
    if proc.poll() is None:
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout)
    # what the child left behind in its group (a renderer that outlived Chromium)
    _signal_group(proc, signal.SIGKILL)


def _signal_group(proc: subprocess.Popen[Any], sig: int) -> None:
    if sys.platform == "win32":
        raise OSError("cobrowse-local runs on Linux (X11) only")
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


class Children:
    """Every process and clean-up of one run, undone in reverse order by :meth:`close`."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self.pids: list[int] = []

    def spawn(self, args: list[str], **popen: Any) -> subprocess.Popen[Any]:
        proc = spawn(args, **popen)
        self.adopt(proc)
        return proc

    def adopt(self, proc: subprocess.Popen[Any], timeout: float = 10.0) -> None:
        """Stop ``proc`` (and its group) on :meth:`close`."""
        self.pids.append(proc.pid)
        self._stack.callback(stop, proc, timeout)

    def callback(self, func: Callable[..., Any], *args: Any) -> None:
        self._stack.callback(func, *args)

    def close(self) -> None:
        self._stack.close()


class Stopped(Exception):
    """SIGTERM or SIGHUP arrived: unwind and stop the children."""


def stop_on_signals() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Stopped`, SIGINT into KeyboardInterrupt."""

    def handler(signum: int, frame: object) -> None:
        raise Stopped(signal.Signals(signum).name)

    if sys.platform == "win32":
        raise OSError("cobrowse-local runs on Linux (X11) only")
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)
    # Ctrl+C too, even when started with SIGINT ignored (a background job of a
    # non-interactive shell inherits that, and Python then installs no handler)
    signal.signal(signal.SIGINT, signal.default_int_handler)
