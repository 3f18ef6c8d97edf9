"""Private X servers: Xvfb (no screen at all - ``cobrowse-local --headless``, the
benchmarks, the tests' ``xvfb`` fixture) and Xephyr (a nested display in a window
on the user's own screen - the citizen's PC in ``cobrowse-local``).

Both pick a free display number themselves and say which on ``-displayfd``, so
start-up waits on that line, never on a guess.
"""

from __future__ import annotations

import os
import subprocess

from cobrowse.local.children import spawn
from cobrowse.local.children import stop as stop_child

_COMMON = ["-nolisten", "tcp", "+extension", "XTEST", "+extension", "RANDR"]


class _Server:
    """An X server on a free display number; ``display`` is e.g. ``":7"``."""

    def __init__(self, args: list[str], width: int, height: int, env: dict[str, str]) -> None:
        read_fd, write_fd = os.pipe()
        args = [*args[:1], "-displayfd", str(write_fd), *_COMMON, *args[1:]]
        self.proc = spawn(args, pass_fds=(write_fd,), stderr=subprocess.DEVNULL, env=env)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            stop_child(self.proc)
            raise RuntimeError(f"{args[0]} did not start")
        self.display = f":{number}"
        self.width, self.height = width, height

    def stop(self) -> None:
        stop_child(self.proc, timeout=5)


class Xvfb(_Server):
    """A virtual X server with no window anywhere."""

    def __init__(self, width: int = 1920, height: int = 1080, screens: int = 1) -> None:
        args = ["Xvfb", "-noreset"]
        for n in range(screens):
            args += ["-screen", str(n), f"{width}x{height}x24"]
        super().__init__(args, width, height, dict(os.environ))


class Xephyr(_Server):
    """A nested X server: a window titled ``title`` on ``host`` (e.g. ``":0"``), at
    ``x``, ``y`` on the host screen, that is a screen of its own inside."""

    def __init__(
        self, host: str, width: int, height: int, title: str, x: int = 0, y: int = 0
    ) -> None:
        args = ["Xephyr", "-noreset", "-no-host-grab", "-title", title]
        args += ["-screen", f"{width}x{height}+{x}+{y}"]
        super().__init__(args, width, height, dict(os.environ, DISPLAY=host))
