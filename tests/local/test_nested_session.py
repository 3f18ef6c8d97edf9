"""The practice session through the nested display ``cobrowse-local`` shows on a screen.

The citizen's PC is a Xephyr window on a host screen (here a host Xvfb with a Danish or
a US keyboard map), its keyboard map copied from the host as ``cobrowse-local`` does; the
scripted session (:func:`cobrowse.local.headless.play`) then pairs, points, takes
control and types "Åse Ærø" into the form inside it: capture, the agent's input and
the keyboard map all work on the nested display, apart from the host's own pointer.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cobrowse.local.children import Children
from cobrowse.local.headless import NAME, Session, play
from cobrowse.local.nested import TITLE
from cobrowse.local.xserver import Xephyr, Xvfb

TOOLS = ("Xvfb", "Xephyr", "xkbcomp", "openbox", "chromium", "xdotool", "setxkbmap")
pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS) and not os.environ.get("CI"),
    reason="Xephyr, Xvfb, openbox or Chromium is not installed (scripts/setup.sh installs them)",
)


@pytest.mark.parametrize("layout", ["dk", "us"])  # æøå have keys, or are remapped
def test_the_practice_session_plays_inside_the_nested_display(tmp_path: Path, layout: str) -> None:
    children = Children()
    try:
        host = Xvfb(1920, 1080)
        children.adopt(host.proc, 5)
        subprocess.run(["setxkbmap", "-display", host.display, layout], check=True, timeout=30)
        nested = Xephyr(host.display, 1056, 800, TITLE)
        children.adopt(nested.proc, 5)
        keymap = ["xkbcomp", host.display, nested.display]
        (tmp_path / "work").mkdir()
        session = Session(
            children, tmp_path / "work", tmp_path, lambda _: None, nested.display, keymap
        )
        play(session)
        assert session.desk.value("navn") == NAME
        # a web address in the practice browser, not a path on the agent's disk
        href = session.desk.evaluate("location.href")
        assert href.startswith("http://selvbetjening.localhost:") and href.endswith("/ansoeg")
        assert (tmp_path / "07-citizen-controlled.png").stat().st_size > 10_000
    finally:
        children.close()
