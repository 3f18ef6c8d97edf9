"""A real desktop: a window manager (openbox) and Chromium showing a page, on an X
display the caller started - the citizen's side of ``cobrowse-local`` (the practice
form, :data:`PRACTICE_PAGE`), the whole-system tests (tests/desktop.py) and the
Chromium benchmark (bench/chromium.py).

What people meet - focus, stacking, overlays over a real browser - only shows up
with a window manager and a real browser.  :meth:`Desktop.evaluate` runs
JavaScript in the page through the Chrome DevTools protocol.

Waits are on events, each with a time-out: openbox runs a start-up command once
it manages the screen (it prints a line we read), Chromium prints its DevTools
address when it listens, ``xdotool search --sync`` returns when the window is
mapped, and the page's load event resolves a promise.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from cobrowse.local.children import spawn
from cobrowse.local.children import stop as stop_child

PRACTICE_PAGE = Path(__file__).with_name("practice") / "selfservice.html"

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--test-type",  # no "unsupported command-line flag" bar over the page
    "--lang=da",  # a Danish browser, as citizens have (and no offer to translate)
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=Translate,MediaRouter",
    "--password-store=basic",
    "--remote-debugging-port=0",
]
_READY = "openbox-ready"


class DesktopError(RuntimeError):
    """The window manager or the browser did not come up."""


def _lines(stream: Any, out: queue.Queue[str]) -> None:
    for line in stream:
        out.put(line)


def _wait_line(lines: queue.Queue[str], start: str, timeout: float, what: str) -> str:
    try:
        while not (line := lines.get(timeout=timeout)).startswith(start):
            pass
    except queue.Empty:
        raise DesktopError(f"{what} did not start within {timeout} s") from None
    return line.strip()


class Desktop:
    """openbox + Chromium on ``display``; ``stop()`` ends both."""

    def __init__(
        self,
        display: str,
        page: Path | str,
        *,
        timeout: float = 30.0,
        flags: tuple[str, ...] = (),
        keymap: list[str] | None = None,
    ) -> None:
        """``page``: a file or a web address; ``keymap``: the command that sets the
        display's keyboard map (default ``setxkbmap dk``)."""
        for tool in ("openbox", "chromium", "xdotool", "setxkbmap"):
            if shutil.which(tool) is None:
                raise DesktopError(f"{tool} is not installed (scripts/setup.sh installs it)")
        self.display, self.timeout = display, timeout
        self.env = dict(os.environ, DISPLAY=display)
        self._profile = tempfile.TemporaryDirectory(prefix="cobrowse-chromium-")
        self._ids = itertools.count(1)
        self._cdp: ClientConnection | None = None
        self._closing = contextlib.ExitStack()
        # a Danish keyboard, as citizens have: æøå have keys of their own, so typing
        # them never remaps a spare keycode (which races with the browser under load)
        keys = keymap or ["setxkbmap", "dk"]
        subprocess.run(keys, env=self.env, check=True, timeout=self.timeout, capture_output=True)
        self.wm = self._start_openbox()
        try:
            self.browser = self._start_chromium(page, flags)
            self.window = self._wait_window()
            self.evaluate(
                "new Promise(r => document.readyState === 'complete' ? r(1)"
                " : addEventListener('load', () => r(1)))"
            )
        except BaseException:
            if hasattr(self, "browser"):
                stop_child(self.browser)
            stop_child(self.wm)
            self._profile.cleanup()
            raise

    # --- start-up -------------------------------------------------------------------

    def _start_openbox(self) -> subprocess.Popen[str]:
        proc = spawn(
            ["openbox", "--sm-disable", "--startup", f"echo {_READY}"],
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
        _wait_line(lines, _READY, self.timeout, "openbox")
        return proc

    def _start_chromium(self, page: Path | str, flags: tuple[str, ...]) -> subprocess.Popen[str]:
        # Danish pages in a browser whose own words may be English (only en-US is
        # installed): Danish is an accepted language, so no offer to translate
        default = Path(self._profile.name) / "Default"
        default.mkdir()
        prefs = {"intl": {"accept_languages": "da,en"}, "translate": {"enabled": False}}
        (default / "Preferences").write_text(json.dumps(prefs), encoding="utf-8")
        args = ["chromium", *CHROMIUM_FLAGS, *flags, f"--user-data-dir={self._profile.name}"]
        address = page if isinstance(page, str) else page.resolve().as_uri()
        args += ["--start-maximized", "--new-window", address]
        proc = spawn(
            args, env=self.env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=_lines, args=(proc.stderr, lines), daemon=True).start()
        line = _wait_line(lines, "DevTools listening on ", self.timeout, "chromium")
        self._devtools = line.removeprefix("DevTools listening on ").split("/devtools/")[0]
        return proc

    def _wait_window(self) -> str:
        """``search --sync`` waits for the window; under load it sometimes gives up with
        status 1 (a chromium-class window went away while it looked): ask again."""
        deadline = time.monotonic() + self.timeout
        while True:
            found = subprocess.run(
                ["xdotool", "search", "--sync", "--onlyvisible", "--class", "chromium"],
                env=self.env,
                capture_output=True,
                text=True,
                timeout=self.timeout,
            )
            if found.returncode == 0 and found.stdout.split():
                return found.stdout.split()[0]
            if time.monotonic() > deadline:
                raise DesktopError(f"no Chromium window within {self.timeout} s")

    # --- the page -------------------------------------------------------------------

    def _page(self) -> ClientConnection:
        if self._cdp is None:
            http = self._devtools.replace("ws://", "http://")
            with urllib.request.urlopen(f"{http}/json/list", timeout=self.timeout) as answer:
                targets = json.load(answer)
            page = next(t for t in targets if t.get("type") == "page")
            ws = connect(page["webSocketDebuggerUrl"], max_size=None, open_timeout=10)
            self._cdp = self._closing.enter_context(ws)
        return self._cdp

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        cdp, call = self._page(), next(self._ids)
        params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
        cdp.send(json.dumps({"id": call, "method": "Runtime.evaluate", "params": params}))
        while True:
            answer = json.loads(cdp.recv(timeout=self.timeout))
            if answer.get("id") == call:
                break
        result = answer.get("result", {})
        if "exceptionDetails" in result:
            raise DesktopError(f"page error: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    def seen(self) -> list[list[str]]:
        """Every [kind, key, target id] the page recorded (keydown, click, focusin)."""
        return list(self.evaluate("window.seen"))

    def value(self, field: str) -> str:
        return str(self.evaluate(f"document.getElementById({json.dumps(field)}).value"))

    def field_centre(self, field: str) -> tuple[int, int]:
        """Screen coordinates of a form field's centre (window content offset included)."""
        x, y = self.evaluate(
            f"(() => {{ const r = document.getElementById({json.dumps(field)})"
            ".getBoundingClientRect(); return [window.screenX + r.x + r.width / 2,"
            " window.screenY + (window.outerHeight - window.innerHeight) + r.y + r.height / 2];"
            " })()"
        )
        return round(x), round(y)

    # --- the desktop ----------------------------------------------------------------

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        return done.stdout.strip()

    def focused_window(self) -> str:
        """The name of the window with the keyboard focus."""
        return self.xdotool("getwindowfocus", "getwindowname")

    def click_field(self, field: str) -> None:
        x, y = self.field_centre(field)
        self.xdotool("mousemove", "--sync", str(x), str(y), "click", "1")

    def stop(self) -> None:
        self._closing.close()
        for proc in (self.browser, self.wm):
            stop_child(proc)
        self._profile.cleanup()
