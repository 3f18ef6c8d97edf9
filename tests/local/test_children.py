"""A child of ``cobrowse-local`` dies with it, even when it is killed with SIGKILL."""

from __future__ import annotations

import contextlib
import os
import select
import signal
import subprocess
import sys

import pytest

PARENT = """
import sys, threading
from cobrowse.local.children import spawn
child = spawn(["sleep", "600"])
print(child.pid, flush=True)
threading.Event().wait()
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_children_die_with_a_killed_parent() -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdout=subprocess.PIPE, text=True)
    pid = 0
    try:
        assert parent.stdout is not None
        pid = int(parent.stdout.readline())
        assert os.getpgid(pid) == pid  # a process group of its own: Ctrl+C is not for it
        watch = os.pidfd_open(pid)
        parent.send_signal(signal.SIGKILL)  # no clean-up code runs in the parent
        parent.wait(30)
        assert select.select([watch], [], [], 30)[0], "the child outlived its parent"
        os.close(watch)
    finally:
        parent.kill()
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # a failed test leaves nothing behind
