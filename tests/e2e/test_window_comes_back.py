"""The citizen's main window comes back in front, readable, when it has something to say.

The whole system on an Xvfb with openbox and Chromium showing the practice form (no
Xephyr): the relay as a process, the real citizen client and agent app driven through
their widgets (:mod:`cobrowse.local.headless`).  While the screen is shared the main
window is minimised; when the agent ends the session, goes away, or the relay is lost
for good, the window must be on top of Chromium, active, and its pixels must be what
a grab of the root window shows where the window is - the citizen can read it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import mss
import numpy as np
import pytest
from PIL import Image

from cobrowse.local import headless
from cobrowse.local.children import Children
from cobrowse.local.headless import ENDED, Session, play
from cobrowse.local.relay import start_relay

TOOLS = ("Xvfb", "openbox", "chromium", "xdotool", "setxkbmap", "xprop")
pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.skipif(
        any(shutil.which(t) is None for t in TOOLS) and not os.environ.get("CI"),
        reason="Xvfb, openbox or Chromium is not installed (scripts/setup.sh installs them)",
    ),
]
SAME = 0.98  # share of the window's pixels the screen must show


class World:
    """The running session, and what it was started with (to restart the relay)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.children, self.work = Children(), tmp_path / "work"
        self.urls: list[str] = []
        self.relay_pid = 0
        self.work.mkdir()

        def relay(children: Children, work: Path) -> str:
            before = len(children.pids)
            self.urls.append(start_relay(children, work))
            self.relay_pid = children.pids[before]  # the relay is the child it added
            return self.urls[-1]

        monkeypatch.setattr(headless, "start_relay", relay)
        self.session = Session(self.children, self.work, tmp_path, lambda _: None)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    w = World(tmp_path, monkeypatch)
    try:
        yield w
    finally:
        w.children.close()


def to_sharing(s: Session) -> None:
    citizen, agent = s.citizen, s.agent
    code = citizen.wait(lambda st: bool(st["code"]), timeout=60, phase="code")["code"]
    agent.do("sign_in", password=s.password)
    agent.wait(phase="ready", sign_in_visible=False)
    agent.do("join", code=code)
    citizen.wait(lambda st: "view" in st["asking"])
    citizen.do("allow", kind="view")
    agent.wait(phase="viewing", view_blank=False)
    citizen.wait(window_up=False)  # minimised, out of the agent's way


def picture(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def root_grab(display: str, rect: list[int]) -> np.ndarray:
    x, y, w, h = rect
    with mss.MSS(display=display) as screen:
        shot = np.asarray(screen.grab({"left": x, "top": y, "width": w, "height": h}))
    return shot[:, :, 2::-1]  # BGRA -> RGB


def root_property(display: str, name: str) -> list[int]:
    out = subprocess.run(
        ["xprop", "-display", display, "-root", name],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return [int(w, 16) for w in out.partition("#")[2].replace(",", " ").split()]


def assert_in_front(s: Session, tmp_path: Path, heading_shot: Path | None = None) -> None:
    """The client's main window is the active, topmost managed window, and a grab of
    the root window shows it as the window paints itself."""
    citizen, display = s.citizen, s.desk.display
    shot = heading_shot or tmp_path / "shown.png"
    if heading_shot is None:
        citizen.do("shot", path=str(shot), when="window")
        citizen.wait(window_shots=citizen.state["window_shots"] + 1)
    state = citizen.do("render", path=str(tmp_path / "own.png"))
    own, rect, window = picture(tmp_path / "own.png"), state["window_rect"], state["window_id"]
    assert state["window_up"], state
    assert root_property(display, "_NET_ACTIVE_WINDOW") == [window]
    assert root_property(display, "_NET_CLIENT_LIST_STACKING")[-1] == window
    x, y, w, h = rect
    for screen in (root_grab(display, rect), picture(shot)[y : y + h, x : x + w]):
        assert screen.shape == own.shape, (screen.shape, own.shape, rect)
        assert (screen == own).all(axis=2).mean() >= SAME, rect


def test_the_end_screen_is_in_front_after_the_agent_ends(world: World, tmp_path: Path) -> None:
    session = world.session
    play(session)  # the whole practice session; the agent ends it
    state = session.citizen.wait(phase="ended")
    assert state["window_shots"] == 1
    assert_in_front(session, tmp_path, heading_shot=tmp_path / f"{ENDED}.png")
    assert session.citizen.state["has_focus"]  # Enter: a new number


def test_helper_away_comes_to_the_front_over_a_withdrawn_question(
    world: World, tmp_path: Path
) -> None:
    """The agent's app dies while the control question is up: the question goes, and
    "Forbindelsen til hjælperen er afbrudt" with »Nyt nummer« must stay in front - the
    keyboard is not handed back to the browser over it."""
    session = world.session
    to_sharing(session)
    session.agent.do("control")
    session.citizen.wait(lambda st: "control" in st["asking"])
    session.agent.kill()
    session.citizen.wait(phase="helper_away", asking=[], timeout=60)
    assert_in_front(session, tmp_path)


def test_a_new_code_after_the_relay_is_lost_comes_to_the_front(
    world: World, tmp_path: Path
) -> None:
    """The relay restarts while the screen is shared: the resume is refused, and the
    new code the citizen must read out is in front, not left minimised."""
    session = world.session
    to_sharing(session)
    old = session.citizen.state["code"]
    port = int(world.urls[0].rsplit(":", 1)[1].split("/")[0])
    os.killpg(world.relay_pid, signal.SIGKILL)
    session.citizen.wait(phase="reconnecting", timeout=60)
    start_relay(world.children, world.work, port=port)
    session.citizen.wait(lambda st: st["code"] != old, phase="code", timeout=90)
    assert_in_front(session, tmp_path)


def test_a_new_code_after_a_refusal_comes_to_the_front(world: World, tmp_path: Path) -> None:
    """The citizen went on in the browser while waiting (Chromium is over the client's
    window), then said no to being viewed: the new code is in front to be read out."""
    session = world.session
    citizen, agent = session.citizen, session.agent
    old = citizen.wait(lambda st: bool(st["code"]), timeout=60, phase="code")["code"]
    x, y, w, _ = citizen.state["window_rect"]
    session.desk.xdotool("mousemove", "--sync", str(x + w + 100), "700", "click", "1")
    citizen.wait(has_focus=False)  # the browser is raised over the client's window
    agent.do("sign_in", password=session.password)
    agent.wait(phase="ready", sign_in_visible=False)
    agent.do("join", code=old)
    citizen.wait(lambda st: "view" in st["asking"])
    citizen.do("deny", kind="view")
    citizen.wait(lambda st: st["code"] != old, phase="code", timeout=60)
    assert_in_front(session, tmp_path)
