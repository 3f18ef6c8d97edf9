"""The relay of a one-PC session: ``cobrowse-relay serve --dev`` as a process of its
own on loopback, with a demo agent account.

Everything goes through the relay's own command line, as IT staff would use it;
the relay's output goes to a log file in its data folder.  The demo account's
password is fresh on every run and reaches the agent app through its stdin, never
a command line or a log.
"""

from __future__ import annotations

import queue
import re
import secrets
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from cobrowse.local.children import Children

DEMO_AGENT = "demo"
DEMO_DISPLAY_NAME = "Anna Demo"
DEMO_MUNICIPALITY = "Albertslund"
_LISTENING = re.compile(r"listening on (ws://\S+)")


class RelayError(RuntimeError):
    """The relay did not start."""


def python(*args: str) -> list[str]:
    return [sys.executable, "-m", *args]


def ensure_demo_agent(data_dir: Path) -> str:
    """Create (or reset) the demo account; return its fresh password."""
    password = secrets.token_urlsafe(12)
    base = ["--data-dir", str(data_dir)]
    listed = subprocess.run(
        python("relay", "list-agents", *base), capture_output=True, text=True, check=False
    )
    if DEMO_AGENT in listed.stdout.split():
        cmd = python("relay", "reset-password", DEMO_AGENT, "--password-stdin", *base)
    else:
        cmd = python("relay", "add-agent", DEMO_AGENT, "--municipality", DEMO_MUNICIPALITY)
        cmd += ["--display-name", DEMO_DISPLAY_NAME, "--password-stdin", *base]
    subprocess.run(cmd, input=password + "\n", text=True, check=True, capture_output=True)
    return password


def start_relay(children: Children, data_dir: Path, port: int = 0, timeout: float = 30) -> str:
    """Start the relay (stopped with ``children``); returns its ws:// URL."""
    args = python("relay", "serve", "--dev", "--host", "127.0.0.1", "--port", str(port))
    proc = children.spawn(
        [*args, "--data-dir", str(data_dir)],
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: queue.Queue[str] = queue.Queue()
    log = data_dir / "relay.log"
    threading.Thread(target=_keep, args=(proc.stdout, log, lines), daemon=True).start()
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise RelayError(
                f"the relay did not start within {timeout:.0f} s (see {log})"
            ) from None
        if not line:
            raise RelayError(f"the relay stopped at start-up (see {log})")
        if found := _LISTENING.search(line):
            return found.group(1)


def _keep(stream: IO[str], log: Path, lines: queue.Queue[str]) -> None:
    """The relay's output to its log file; every line also to ``lines``."""
    with log.open("a", encoding="utf-8") as out:
        for line in stream:
            out.write(line)
            out.flush()
            lines.put(line)
    lines.put("")  # the relay stopped
