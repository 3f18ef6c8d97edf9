"""Build a target with build_installers.py in a child process, for the frozen tests.

PyInstaller runs in its own process (it changes the interpreter it runs in).  On
CI a missing PyInstaller, cc or icupkg is a failure; elsewhere the tests skip.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900  # seconds; a build takes 60-90 s alone, far longer on a loaded machine


def need_tools() -> None:
    missing = [tool for tool in ("cc", "nm", "icupkg", "Xvfb") if shutil.which(tool) is None]
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        missing.append("PyInstaller (the build extra)")
    if missing:
        message = f"frozen builds need {', '.join(missing)} (scripts/setup.sh installs them)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)


def build(target: str, dist: Path, *extra: str) -> tuple[Path, str, float]:
    """Build ``target`` into ``dist``: (artefact, build output, seconds)."""
    need_tools()
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(ROOT / "build_installers.py"), target, "--dist", str(dist), *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    name = {"citizen": "cobrowse-borger", "relay": "cobrowse-relay"}[target]
    return dist / name, output, time.monotonic() - started


def free_port() -> int:
    """A free port below the ephemeral range (32768+ on Linux), where the outgoing
    connections of other tests cannot take it in the minute the build needs."""
    for port in random.sample(range(20000, 30000), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 30000")
