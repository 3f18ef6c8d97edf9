"""Start a private Xvfb: for the benchmarks, the screenshot scripts and the tests'
``xvfb`` fixture (tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess


class Xvfb:
    """A running Xvfb on a free display number; ``display`` is e.g. ``":7"``."""

    def __init__(self, width: int = 1920, height: int = 1080, screens: int = 1) -> None:
        read_fd, write_fd = os.pipe()
        args = [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-nolisten",
            "tcp",
            "-noreset",
            "+extension",
            "XTEST",
            "+extension",
            "RANDR",
        ]
        for n in range(screens):
            args += ["-screen", str(n), f"{width}x{height}x24"]
        self.proc = subprocess.Popen(args, pass_fds=(write_fd,), stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            self.proc.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        self.width, self.height = width, height

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
