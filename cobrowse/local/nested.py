"""``cobrowse-local`` with a display: the citizen's PC in a window, the agent app beside it.

The citizen's PC is a nested X display (Xephyr) in a window on the left of your
screen, with a window manager (openbox), the practice form in Chromium and the real
citizen client - a screen of its own, so the agent's mouse on your screen is never
taken for the citizen's, and the agent's view never shows itself.  Its keyboard
map is copied from your display (``xkbcomp``), so what you type there is what
your keys say.  The agent app opens on your screen to the right, signed in to the
demo account (its password goes to the app through a pipe, never a command line).

It runs until you close the agent app, the citizen's window or the citizen client,
or press Ctrl+C; then every process it started is stopped.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cobrowse.local.children import Children
from cobrowse.local.desktop import Desktop
from cobrowse.local.driven import DrivenApp
from cobrowse.local.relay import DEMO_AGENT, ensure_demo_agent, start_relay
from cobrowse.local.site import PracticeSite
from cobrowse.local.xserver import Xephyr

TITLE = "Borgerens pc (øvelse)"
GAP = 16  # pixels between the citizen's window and the agent app
Say = Callable[[str], None]


def host_size(display: str) -> tuple[int, int]:
    """The host screen's size in pixels (1280x800 if it cannot be read)."""
    info = subprocess.run(
        ["xdpyinfo", "-display", display], capture_output=True, text=True, check=False
    )
    found = re.search(r"dimensions:\s+(\d+)x(\d+) pixels", info.stdout)
    return (int(found.group(1)), int(found.group(2))) if found else (1280, 800)


def citizen_size(width: int, height: int) -> tuple[int, int]:
    """Room for the agent app beside the citizen's PC; never smaller than 800x600."""
    return max(800, min(1280, width * 11 // 20)), max(600, min(800, height - 120))


def run(data_dir: Path, children: Children, say: Say) -> int:
    host = os.environ["DISPLAY"]
    width, height = host_size(host)
    cw, ch = citizen_size(width, height)
    relay_dir = data_dir / "relay"
    relay_dir.mkdir(parents=True, exist_ok=True)
    password = ensure_demo_agent(relay_dir)
    url = start_relay(children, relay_dir)
    xephyr, citizen = start_citizen_pc(children, host, (cw, ch), url)
    agent = start_agent(children, url, data_dir, host)
    agent.do("sign_in", password=password)
    agent.wait(phase="ready", sign_in_visible=False, timeout=60)
    if width - cw - GAP >= 640:
        agent.do("place", x=cw + GAP, y=0, width=width - cw - GAP, height=height - 80)
    say(f"ready - relay {url}, the citizen's PC is the window '{TITLE}'")
    say("the agent app is signed in as 'demo'. Type the code the citizen's window shows,")
    say("press Tillad in the citizen's window, then point (Peg), ask for control (Styr)")
    say("and type into the form. Close a window or press Ctrl+C to stop.")
    windows = {"citizen's PC": xephyr.proc, "citizen client": citizen, "agent app": agent.proc}
    say(f"the {wait_any(windows)} closed - stopping")
    return 0


def start_citizen_pc(
    children: Children, host: str, size: tuple[int, int], url: str
) -> tuple[Xephyr, subprocess.Popen[Any]]:
    """The nested display with openbox, the practice form and the citizen client."""
    xephyr = Xephyr(host, *size, TITLE)
    children.adopt(xephyr.proc, 5)
    site = PracticeSite()
    children.callback(site.stop)
    desk = Desktop(xephyr.display, site.url, keymap=["xkbcomp", host, xephyr.display])
    children.callback(desk.stop)
    env = dict(os.environ, DISPLAY=xephyr.display, QT_QPA_PLATFORM="xcb")
    citizen = children.spawn([sys.executable, "-m", "citizen_client", "--relay", url], env=env)
    return xephyr, citizen


def start_agent(children: Children, url: str, data_dir: Path, host: str) -> DrivenApp:
    env = dict(os.environ, DISPLAY=host)
    env.pop("QT_QPA_PLATFORM", None)
    args = [sys.executable, "-m", "agent_app.driver", "--relay", url, "--name", DEMO_AGENT]
    args += ["--log", str(data_dir / "agent-sessions.db")]
    args += ["--settings", str(data_dir / "agent.ini")]
    agent = DrivenApp("agent app", args, env)
    children.adopt(agent.proc)
    return agent


def wait_any(procs: dict[str, subprocess.Popen[Any]]) -> str:
    """Block until one of ``procs`` exits; returns its name."""
    done = threading.Event()
    which: list[str] = []

    def watch(name: str, proc: subprocess.Popen[Any]) -> None:
        proc.wait()
        which.append(name)
        done.set()

    for name, proc in procs.items():
        threading.Thread(target=watch, args=(name, proc), daemon=True).start()
    while not done.wait(1.0):  # a short wait: signals are handled between waits
        pass
    return which[0]
