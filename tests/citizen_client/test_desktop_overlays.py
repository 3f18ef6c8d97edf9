"""The citizen's screen on a real desktop (openbox + Chromium): the client's windows
never take the keyboard from the citizen's browser, the step banner lets clicks
through, the bar stays off the browser's tabs and address bar, and the agent's
frames show the client's own windows hatched out.

The client runs in a child process (tests/citizen_client/overlay_probe.py) on the
desktop's display with QT_QPA_PLATFORM=xcb; clicks and keys are real X input from
xdotool, and what reached the page is read back from the page.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mss
import mss.tools
import pytest

pytestmark = pytest.mark.xvfb
ROOT = Path(__file__).resolve().parents[2]
PAGE_TITLE = "boligstøtte"
WAIT = 30.0


class Client:
    """The probe process: ``send(command)`` and read its JSON answers."""

    def __init__(self, display: str, shot: Path) -> None:
        env = dict(
            os.environ,
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            PYTHONPATH=os.pathsep.join([str(ROOT), str(Path(__file__).parent)]),
        )
        probe = Path(__file__).with_name("overlay_probe.py")
        self.log = shot.with_suffix(".log")
        with self.log.open("w") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-X", "faulthandler", str(probe), str(shot)],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                text=True,
            )
        self.answers: queue.Queue[dict[str, Any]] = queue.Queue()
        self.phases: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            answer = json.loads(line)
            if "phase" in answer:
                self.phases.append(answer["phase"])
            else:
                self.answers.put(answer)

    def ask(self, command: str) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        try:
            return self.answers.get(timeout=WAIT)
        except queue.Empty:
            raise AssertionError(f"no answer to {command!r}: {self.log.read_text()}") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.write("quit\n")
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def client(desktop: Any, tmp_path: Path) -> Iterator[Client]:
    c = Client(desktop.display, tmp_path / "agent-view.png")
    yield c
    c.stop()


def click(desktop: Any, at: list[int]) -> None:
    desktop.xdotool("mousemove", "--sync", str(at[0]), str(at[1]), "click", "1")


def browser_has_focus(desktop: Any) -> bool:
    return PAGE_TITLE in desktop.focused_window()


def inside(at: list[int], rect: list[int]) -> bool:
    x, y, w, h = rect
    return x <= at[0] < x + w and y <= at[1] < y + h


def screenshot(path: Path) -> None:
    with mss.MSS() as grab:
        shot = grab.grab(grab.monitors[1])
        mss.tools.to_png(shot.rgb, shot.size, output=str(path))


def test_overlays_leave_the_browser_its_focus_clicks_and_toolbar(
    desktop: Any, client: Client, qtbot: Any, tmp_path: Path
) -> None:
    desktop.click_field("navn")
    desktop.xdotool("type", "A")
    x, y, w, h = client.ask("start")["ready"]
    # the window opens in the middle of the 1920x1080 screen, not in a corner
    assert abs(x + w // 2 - 960) <= 40 and abs(y + h // 2 - 540) <= 40, (x, y, w, h)

    click(desktop, client.ask("view")["yes"])  # the citizen clicks "Tillad"
    qtbot.waitUntil(lambda: client.phases[-1:] == ["sharing"], timeout=WAIT * 1000)
    qtbot.waitUntil(lambda: browser_has_focus(desktop), timeout=WAIT * 1000)
    desktop.xdotool("type", " b")  # a Space first: it once paused the session

    def typed() -> None:  # on a time-out, say what the page got and who had the focus
        got = desktop.value("navn")
        assert got == "A b", (got, client.phases[-3:], desktop.focused_window())

    qtbot.waitUntil(typed, timeout=WAIT * 1000)
    assert client.phases[-1] == "sharing"

    client.ask("restore")  # the citizen was in the client's own window, not the browser
    qtbot.waitUntil(lambda: not browser_has_focus(desktop), timeout=WAIT * 1000)
    click(desktop, client.ask("control")["yes"])  # "Tillad styring"
    qtbot.waitUntil(lambda: client.phases[-1:] == ["controlled"], timeout=WAIT * 1000)
    qtbot.waitUntil(lambda: browser_has_focus(desktop), timeout=WAIT * 1000)
    desktop.xdotool("type", " c")
    qtbot.waitUntil(lambda: desktop.value("navn") == "A b c", timeout=WAIT * 1000)
    assert client.phases[-1] == "controlled"

    state = client.ask("state")
    content_top = desktop.evaluate("window.screenY + window.outerHeight - window.innerHeight")
    assert state["bar"][1] >= content_top  # the tabs and the address bar stay free
    assert state["bar"][2] <= 560 and state["bar"][3] <= 48
    # and the client agrees that none of its windows has the focus (the shield
    # would refuse the agent's keys otherwise)
    qtbot.waitUntil(lambda: client.ask("state")["focus"] is None, timeout=WAIT * 1000)

    state = client.ask("step")
    assert state["step"].startswith("Skriv dit navn") and state["banner"] is not None
    clicks = len([s for s in desktop.seen() if s[0] == "click"])
    x, y, w, h = state["banner"]
    under = [x + w // 2, y + h // 2]
    assert not inside(under, state["tab"])
    click(desktop, under)  # on the banner: the page gets the click
    qtbot.waitUntil(
        lambda: len([s for s in desktop.seen() if s[0] == "click"]) == clicks + 1,
        timeout=WAIT * 1000,
    )

    screenshot(tmp_path / "desktop.png")  # what the citizen sees (to look at by hand)
    grabbed = client.ask("grab")["hatched"]
    main = grabbed.pop("main")  # restored above, now behind the browser: the agent
    assert main < 0.05, main  # sees the page there
    assert min(grabbed.values()) > 0.95, grabbed  # bar, banner and fold button

    click(desktop, state["tab_centre"])  # the fold button folds the banner away
    qtbot.waitUntil(lambda: client.ask("state")["folded"], timeout=WAIT * 1000)
    assert len([s for s in desktop.seen() if s[0] == "click"]) == clicks + 1
    assert browser_has_focus(desktop)
    desktop.click_field("navn")  # the banner click above went to the page's background
    desktop.xdotool("type", "d")
    qtbot.waitUntil(lambda: desktop.value("navn") == "A b cd", timeout=WAIT * 1000)
