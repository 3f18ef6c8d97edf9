"""The agent app exits cleanly: no refcount crash after a busy session, every time.

PySide6 6.12.0 drops a reference to ``True`` on every Python ``Signal.emit``; after
about 3,000 emits (a few minutes of a session) CPython aborted with ``Fatal Python
error: bool_dealloc``, usually while the app closed.  :mod:`agent_app.emitfix`
hands the reference back.  The process test runs the real app on Xvfb, signs in
through its dialog, takes a streaming citizen's session and closes the window
the way a window manager does (WM_DELETE_WINDOW), many times.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from agent_helpers import PASSWORD, TIMEOUT, Citizen, screen
from PySide6.QtCore import QObject, Signal

import agent_app  # noqa: F401 - importing the package installs the fix
from cobrowse.screen.encoder import FrameEncoder
from cobrowse.session import events as ev

RUNS = 10
CURSORS = 1500  # three emits each in the agent: more than True's ~3,000 references
MS = int(TIMEOUT * 1000)
WAIT = 30_000  # a process start on a busy machine
REPO = Path(__file__).resolve().parents[2]


class _Chatty(QObject):
    said = Signal(object)


def test_emitting_signals_keeps_true_alive() -> None:
    chatty, heard = _Chatty(), []
    chatty.said.connect(heard.append)
    before = sys.getrefcount(True)
    for n in range(5000):
        chatty.said.emit(n)
    assert len(heard) == 5000
    heard.clear()
    assert sys.getrefcount(True) >= before - 50  # other threads may hold a few meanwhile


class AgentProcess:
    """``python -m agent_app.main`` on the test's X server, its stderr collected."""

    def __init__(self, display: str, relay_url: str, home: Path) -> None:
        self.env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb", HOME=str(home))
        self.env["XDG_CONFIG_HOME"] = str(home / "config")
        self.env.pop("WAYLAND_DISPLAY", None)
        args = ["--relay", relay_url, "--name", "anna", "--verbose"]
        args += ["--log", str(home / "sessions.db"), "--checklists", str(home / "hotline")]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "agent_app.main", *args],
            cwd=REPO,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def gone(self) -> bool:
        return self.proc.poll() is not None

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=TIMEOUT
        )
        return done.stdout

    def window(self, title: str) -> int | None:
        found = self.xdotool("search", "--onlyvisible", "--name", title).split()
        return int(found[0]) if found else None

    def type_into(self, window: int, text: str) -> None:
        self.xdotool("windowfocus", "--sync", str(window))
        self.xdotool("type", "--delay", "5", text)
        self.xdotool("key", "Return")

    def finish(self) -> int:
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._reader.join(5)
        return self.proc.returncode


def ask_to_close(display: str, window: int) -> None:
    """What a window manager sends when the user clicks the window's close button."""
    from Xlib import X, protocol
    from Xlib.display import Display

    conn = Display(display)
    try:
        target = conn.create_resource_object("window", window)
        close = protocol.event.ClientMessage(
            window=target,
            client_type=conn.intern_atom("WM_PROTOCOLS"),
            data=(32, [conn.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]),
        )
        target.send_event(close, event_mask=0)
        conn.sync()
    finally:
        conn.close()


def one_session_then_close(qtbot: Any, display: str, relay: Any, home: Path) -> AgentProcess:
    app = AgentProcess(display, relay.url, home)
    found: list[int] = []

    def up(title: str) -> bool:
        window = app.window(title)
        found[:] = [window] if window else []
        assert not app.gone(), app.stderr[-3000:]
        return bool(found)

    def until(said: str) -> None:
        qtbot.waitUntil(lambda: app.said(said) or app.gone(), timeout=WAIT)
        assert not app.gone(), app.stderr[-3000:]

    qtbot.waitUntil(lambda: up("^Log ind"), timeout=WAIT)
    app.type_into(found[0], PASSWORD)
    until("-> ready")
    citizen = Citizen(qtbot, relay.url)
    try:
        code = citizen.code().replace(" ", "")
        qtbot.waitUntil(lambda: up("Digital hjælp – agent"), timeout=WAIT)
        main = found[0]
        app.type_into(main, code)
        until("-> waiting_view")
        citizen.wait_for(ev.ConsentRequest, lambda e: e.kind == "view")
        citizen.endpoint.send(ev.ConsentGrant("view"))
        until("-> viewing")
        stream(citizen)
        ask_to_close(display, main)
        qtbot.waitUntil(lambda: up("^Afslut session$"), timeout=WAIT)
        app.xdotool("windowfocus", "--sync", str(found[0]))
        app.xdotool("key", "alt+a")  # &Afslut sessionen
    finally:
        citizen.stop()
    return app


def stream(citizen: Citizen) -> None:
    """A keyframe, the citizen's pointer moving about, a last frame the agent acknowledges."""
    encoder = FrameEncoder()
    for frame_id, colour in ((1, (250, 250, 250, 255)), (2, (20, 60, 200, 255))):
        payload = encoder.encode(screen((96, 64), colour))
        assert payload is not None
        if frame_id == 2:
            for n in range(CURSORS):
                citizen.endpoint.send(ev.Cursor(n % 96, n % 64, True))
        citizen.endpoint.send_frame(frame_id, payload)
        citizen.wait_for(ev.FrameAck, lambda a, fid=frame_id: a.frame_id == fid)


@pytest.mark.xvfb
@pytest.mark.timeout(600)
def test_normal_close_after_a_busy_session_exits_cleanly_every_time(
    qtbot: Any, bare_xvfb: Any, relay: Any, tmp_path: Path
) -> None:
    (tmp_path / "hotline").mkdir()
    results = []
    for _ in range(RUNS):
        app = one_session_then_close(qtbot, bare_xvfb.display, relay, tmp_path)
        code = app.finish()
        results.append((code, "Fatal Python error" in app.stderr))
        assert code == 0 and "Fatal Python error" not in app.stderr, app.stderr[-3000:]
    assert results == [(0, False)] * RUNS
