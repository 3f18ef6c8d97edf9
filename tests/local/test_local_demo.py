"""``cobrowse-local --headless`` end to end, and that a signal stops every process it started.

The whole product as the README's run command starts it: the relay as a process,
Xvfb with openbox and Chromium showing the practice form, the real citizen client
and the real agent app, each in a process of its own.  The scripted guidance must
leave screenshots that show what happened and a session-log summary with the
outcome; SIGTERM or Ctrl+C in the middle must leave no process behind.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

TOOLS = ("Xvfb", "openbox", "chromium", "xdotool", "setxkbmap")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS) and not os.environ.get("CI"),
    reason="Xvfb, openbox or Chromium is not installed (scripts/setup.sh installs them)",
)
BUDGET = 90  # seconds for the whole scripted session on a loaded 2-core machine


def start(out: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("DISPLAY", None)  # no display at all: the README's command on a server
    return subprocess.Popen(
        [sys.executable, "-m", "cobrowse.local", "--headless", "--out", str(out)],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def picture(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_headless_session_leaves_screenshots_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    demo = start(out)
    try:
        output, _ = demo.communicate(timeout=BUDGET)
    finally:
        demo.kill()
    assert demo.returncode == 0, output
    assert f"go to {out}" in output  # the folder is named before anything else
    data = json.loads((out / "summary.json").read_text("utf-8"))
    summary, kinds = data["summary"], [kind for _, kind in data["events"]]
    assert summary["outcome"] == "solved" and summary["topic"] == "Boligstøtte"
    assert summary["step_reached"] == 4 and summary["steps_total"] == 5
    for kind in ("consent_granted", "pointer", "control_on", "control_off", "ended"):
        assert kind in kinds, kind
    assert "outcome" in (out / "summary.txt").read_text("utf-8")
    for name in data["screenshots"]:
        assert (out / name).stat().st_size > 10_000, name

    # The name the agent typed is in the citizen's form: the field's left part
    # (left of where the pointer ring was) changed between pointing and control.
    x, y, w, h = data["name_field"]
    before = picture(out / "03-citizen-pointed-at.png")[y : y + h, x : x + w // 3]
    after = picture(out / "07-citizen-controlled.png")[y : y + h, x : x + w // 3]
    assert before.shape == after.shape and before.size
    dark = (after.max(axis=2) < 100).sum() - (before.max(axis=2) < 100).sum()
    assert dark > 50, "no text appeared in the citizen's name field"
    # the agent sees the citizen's screen: many colours in its view, not a blank canvas
    agent = picture(out / "08-agent-controlling.png")
    view = agent[80:700, 0:880].reshape(-1, 3)
    assert len(np.unique(view, axis=0)) > 50
    # the orange control frame is on the citizen's screen while the agent controls
    edge = picture(out / "07-citizen-controlled.png")[400, 2]
    assert edge[0] > 200 and edge[2] < 80, edge


def descendants(pid: int) -> dict[int, str]:
    """Every process below ``pid`` now: pid -> command name."""
    parents: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        parents.setdefault(int(rest.split()[1]), []).append(int(entry.name))
        names[int(entry.name)] = name
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found[child] = names[child]
            todo.append(child)
    return found


def gone(pid: int, timeout: float) -> bool:
    """Wait on the process's exit (a pidfd), not on a clock."""
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_every_child(tmp_path: Path, sig: signal.Signals) -> None:
    demo = start(tmp_path / "demo")
    lines: list[str] = []
    viewing = threading.Event()

    def read() -> None:
        assert demo.stdout is not None
        for line in demo.stdout:
            lines.append(line)
            if "allowed viewing" in line:
                viewing.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert viewing.wait(BUDGET), "".join(lines)
        children = descendants(demo.pid)
        names = set(children.values())
        for needed in ("Xvfb", "openbox", "python"):  # relay and both apps are python
            assert any(n.startswith(needed) for n in names), names
        assert any("chrom" in n for n in names), names
        demo.send_signal(sig)
        assert demo.wait(60) in (130, 143), "".join(lines)
    finally:
        demo.kill()
    left = {pid: name for pid, name in children.items() if not gone(pid, 30)}
    assert not left, f"still running after {sig.name}: {left}"
    assert "stopping" in "".join(lines)


def test_with_a_display_the_citizens_pc_is_a_window_and_stops_with_it(tmp_path: Path) -> None:
    """On a (virtual) screen of the user's: the citizen's PC is a Xephyr window, the
    agent app a window beside it, signed in; SIGTERM stops it all."""
    if shutil.which("Xephyr") is None and not os.environ.get("CI"):
        pytest.skip("Xephyr is not installed (scripts/setup.sh installs it)")
    from cobrowse.local.nested import TITLE
    from cobrowse.local.xserver import Xvfb

    host = Xvfb(1920, 1080)
    env = dict(os.environ, DISPLAY=host.display, PYTHONUNBUFFERED="1")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    demo = subprocess.Popen(
        [sys.executable, "-m", "cobrowse.local"],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert demo.stdout is not None
        for line in demo.stdout:
            lines.append(line)
            if "Ctrl+C to stop" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(BUDGET), "".join(lines)
        children = descendants(demo.pid)
        assert "Xephyr" in children.values(), children
        # both windows are on the user's screen, the agent app signed in ("Anna Demo")
        for name in (TITLE.split(" (")[0], "Digital hjælp – agent"):  # xdotool: a regex
            found = subprocess.run(
                ["xdotool", "search", "--name", name],
                env=env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert found.stdout.split(), f"no window {name!r} on the host screen"
        assert "signed in as 'demo'" in "".join(lines)
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(60) == 143, "".join(lines)
    finally:
        demo.kill()
        host.stop()
    left = {pid: name for pid, name in children.items() if not gone(pid, 30)}
    assert not left, f"still running after SIGTERM: {left}"
