"""Real injection on a real X server into a real Qt form (a separate process).

Text with æøå arrives, a click lands on the right button, and nothing is injected
before consent, after revoke, during a local-input pause, or for a blocked combo.
"""

from __future__ import annotations

import gc
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from qt_form_process import QtFormProcess

from cobrowse.control import LocalInputGuard, Monitor, TripleEscape
from cobrowse.session import events as ev

pytestmark = pytest.mark.xvfb
TIMEOUT = 10


@pytest.fixture
def form(xvfb: Any) -> Iterator[QtFormProcess]:
    if shutil.which("Xvfb") is None:
        pytest.skip("no Xvfb")
    f = QtFormProcess(xvfb.display)
    assert f.where  # up and showing
    yield f
    f.stop()


class Desk:
    """A real injector whose consent gate the test flips."""

    def __init__(self) -> None:
        from cobrowse.control.system import create_injector

        self.controlling = False
        self.skew = 0.0  # lets a test jump past the local-input pause without waiting
        self.guard = LocalInputGuard(clock=lambda: time.monotonic() + self.skew)
        self.injector = create_injector(
            lambda: self.controlling,
            Monitor(0, 0, 1920, 1080),
            guard=self.guard,
            hotkey=TripleEscape(lambda: None),
        )

    def click(self, x: int, y: int) -> bool:
        a = self.injector.handle(ev.PointerButton(x, y, "left", True))
        b = self.injector.handle(ev.PointerButton(x, y, "left", False))
        return a and b

    def type(self, text: str) -> None:
        for ch in text:
            code = ch.lower() if ch.isascii() else "x"
            self.injector.handle(ev.Key(code, ch, True))
            self.injector.handle(ev.Key(code, ch, False))

    def combo(self, *codes: str) -> None:
        for code in codes:
            self.injector.handle(ev.Key(code, "", True))
        for code in reversed(codes):
            self.injector.handle(ev.Key(code, "", False))


@pytest.fixture
def desk(form: QtFormProcess) -> Iterator[Desk]:
    d = Desk()
    yield d
    d.injector.close()  # give back the spare keycodes the keyboard mapped
    del d.injector  # close pynput's X connections while the server still runs
    gc.collect()


def test_real_injection_types_danish_text_and_clicks_the_right_button(
    form: QtFormProcess, desk: Desk
) -> None:
    assert desk.click(*form.where["edit"]) is False  # before consent: nothing
    desk.type("x")
    desk.controlling = True
    assert desk.click(*form.where["edit"])
    desk.type("Hej æøå ÆØÅ")
    assert form.wait_for("text", "Hej æøå ÆØÅ")
    for code in ("ctrl", "alt"):  # a Windows agent's AltGr+2 on a Danish keyboard
        desk.injector.handle(ev.Key(code, "", True))
    desk.injector.handle(ev.Key("@", "@", True))
    desk.injector.handle(ev.Key("@", "@", False))
    for code in ("alt", "ctrl"):
        desk.injector.handle(ev.Key(code, "", False))
    assert form.wait_for("text", "Hej æøå ÆØÅ@")
    assert desk.click(*form.where["Nej"])
    assert form.wait_for("clicked", "Nej")
    lines = form.seen()
    assert not [line for line in lines if line[0] == "clicked" and line[1] == "Ja"]


def test_nothing_after_revoke_during_pause_or_for_blocked_combos(
    form: QtFormProcess, desk: Desk
) -> None:
    desk.controlling = True
    assert desk.click(*form.where["edit"])
    desk.type("a")
    form.wait_for("text", "a")
    desk.controlling = False  # the citizen took control back
    desk.type("b")
    assert desk.click(*form.where["Ja"]) is False
    desk.controlling = True
    subprocess.run(["xdotool", "mousemove", "700", "700"], check=True)  # the citizen moves
    desk.type("c")
    assert desk.guard.paused()
    desk.skew += 2.0  # the pause is over after 1.5 s
    x, y = form.where["edit"]
    assert desk.click(x + 150, y)  # away from the first click: not a double-click
    desk.combo("alt", "f4")
    desk.combo("ctrl", "shift", "esc")
    desk.type("d")
    form.wait_for("text", "ad")
    f4, esc = 0x01000033, 0x01000000  # Qt::Key_F4, Qt::Key_Escape
    keys = [line[1] for line in form.seen() if line[0] == "key"]
    assert f4 not in keys and esc not in keys
    assert not [line for line in form.seen() if line[0] == "clicked"]


def test_real_listeners_notice_the_citizen_and_the_esc_hotkey(xvfb: Any) -> None:
    from cobrowse.control.system import LocalListeners

    fired = threading.Event()
    guard = LocalInputGuard()
    listeners = LocalListeners(guard, TripleEscape(fired.set))
    listeners.start()
    try:
        subprocess.run(["xdotool", "mousemove", "10", "10"], check=True)
        subprocess.run(["xdotool", "key", "Escape", "Escape", "Escape"], check=True)
        assert fired.wait(TIMEOUT)
        assert guard.paused() and guard.pauses == 1
    finally:
        if not listeners.stop():  # X11 listeners end at their next event: give them one
            subprocess.run(["xdotool", "mousemove", "20", "20", "key", "shift"], check=True)
            assert listeners.stop(TIMEOUT)
