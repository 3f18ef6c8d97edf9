"""Shared fixtures: a real Xvfb server started by the test run itself."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: bench/
from desktop import Desktop  # noqa: E402

import cobrowse.local.xserver  # noqa: E402

# Widget tests render offscreen unless a test asks for the real X server.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class Xvfb(cobrowse.local.xserver.Xvfb):
    """bench's Xvfb; skipped where it is not installed, a failure on CI."""

    def __init__(self, width: int = 1920, height: int = 1080, screens: int = 1) -> None:
        if shutil.which("Xvfb") is None:
            pytest.skip("Xvfb is not installed (CI installs it)") if not os.environ.get(
                "CI"
            ) else pytest.fail("Xvfb missing on CI")
        super().__init__(width, height, screens)


@pytest.fixture(scope="session")
def xvfb() -> Iterator[Xvfb]:
    """A 1920x1080 Xvfb for the whole test session; DISPLAY points at it."""
    server = Xvfb()
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = server.display
    yield server
    server.stop()
    if old is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = old


@pytest.fixture
def bare_xvfb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Xvfb]:
    """A small Xvfb of the test's own with no windows on it; DISPLAY points at it."""
    server = Xvfb(640, 480)
    monkeypatch.setenv("DISPLAY", server.display)
    yield server
    server.stop()


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> Iterator[Desktop]:
    """A real desktop of the test's own: Xvfb 1920x1080, openbox, Chromium showing
    cobrowse/local/practice/selfservice.html maximised; DISPLAY points at it."""
    server = Xvfb()
    monkeypatch.setenv("DISPLAY", server.display)
    try:
        desk = Desktop(server.display)
    except Exception:
        server.stop()
        raise
    yield desk
    desk.stop()
    server.stop()


@pytest.fixture(autouse=True)
def _collect_garbage_on_main_thread() -> Iterator[None]:
    """Free finished tests' objects here, on the main (GUI) thread.

    Otherwise the garbage collector may run on a network thread and destroy Qt
    objects there, which crashes Qt.
    """
    yield
    import gc

    gc.collect()


@pytest.fixture(autouse=True)
def _source_language() -> Iterator[None]:
    """Every test starts and ends with no translator installed (Danish source texts):
    a test that switches to English does not leak it into the next one."""
    yield
    qtlang = sys.modules.get("qtlang")
    if qtlang is not None:
        qtlang.remove()
