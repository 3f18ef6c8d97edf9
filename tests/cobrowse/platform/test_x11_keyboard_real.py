"""The agent types "Åse Ærø" into real receivers on a real X server whose layout is US
(no æøå keys), while CPU hogs load the machine: every character must arrive, and
the keyboard mapping must not change while typing (it changes once, when the
keyboard is made, and is restored at the end).

Before the fix pynput remapped a spare keycode in the same breath as the key press;
a receiver that refreshes its keymap asynchronously (Chromium) could then read the
key with the old map and lose the character ("Åse rø")."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from qt_form_process import QtFormProcess

from cobrowse.control import LocalInputGuard, Monitor, TripleEscape
from cobrowse.session import events as ev

pytestmark = pytest.mark.xvfb
TEXT = "Åse Ærø "
ROUNDS = 20


@pytest.fixture
def hogs() -> Iterator[None]:
    """A busy process per core: the receiver is slow to handle anything."""
    procs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    yield
    for proc in procs:
        proc.kill()
        proc.wait()


class MappingWatch:
    """An X connection of the test's own that counts MappingNotify events."""

    def __init__(self) -> None:
        from Xlib import display

        self.d = display.Display()
        info = self.d.display.info
        self.first, self.count = info.min_keycode, info.max_keycode - info.min_keycode + 1

    def remaps(self) -> int:
        """Keycodes remapped one at a time since the last call.  (A whole-keymap
        MappingNotify also comes when XTest's keyboard becomes the source of key
        events; it copies the same keymap and is not counted.)"""
        from Xlib import X

        self.d.sync()
        seen = 0
        while self.d.pending_events():
            e = self.d.next_event()
            partial = e.type == X.MappingNotify and e.request == X.MappingKeyboard
            seen += int(partial and e.count < self.count)
        return seen

    def rows(self) -> list[list[int]]:
        return [list(r) for r in self.d.get_keyboard_mapping(self.first, self.count)]


def us_layout() -> None:
    subprocess.run(["setxkbmap", "us"], check=True, timeout=30)


def injector(width: int, height: int) -> Any:
    from cobrowse.control.system import create_injector

    return create_injector(
        lambda: True,
        Monitor(0, 0, width, height),
        guard=LocalInputGuard(),
        hotkey=TripleEscape(lambda: None),
    )


def type_text(inj: Any, text: str) -> None:
    for ch in text:
        code = "space" if ch == " " else "x"
        assert inj.handle(ev.Key(code, ch, True))
        assert inj.handle(ev.Key(code, ch, False))


def typed_exactly(inj: Any, watch: MappingWatch, arrived: Any) -> None:
    watch.remaps()  # the keyboard's own mapping, made when it was created
    for _ in range(ROUNDS):
        type_text(inj, TEXT)
    remaps = watch.remaps()
    arrived(TEXT * ROUNDS)
    assert remaps == 0  # and nothing was remapped while typing


def test_qt_line_edit_gets_every_danish_letter_under_load(bare_xvfb: Any, hogs: None) -> None:
    us_layout()
    watch = MappingWatch()
    before = watch.rows()
    form = QtFormProcess(bare_xvfb.display, timeout=60)
    try:
        assert form.where
        inj = injector(640, 480)
        x, y = form.where["edit"]
        assert inj.handle(ev.PointerButton(x, y, "left", True))
        assert inj.handle(ev.PointerButton(x, y, "left", False))
        typed_exactly(inj, watch, lambda text: form.wait_for("text", text))
        us_layout()  # the keymap is loaded anew: our spare rows are empty again
        watch.remaps()
        type_text(inj, TEXT)
        form.wait_for("text", TEXT * (ROUNDS + 1))
        inj.close()
        assert watch.rows() == before
    finally:
        form.stop()


def test_chromium_gets_every_danish_letter_under_load(desktop: Any, hogs: None) -> None:
    us_layout()
    watch = MappingWatch()
    before = watch.rows()
    inj = injector(1920, 1080)  # the citizen allowed viewing: æøå are mapped now
    desktop.timeout = 150.0  # a starved Chromium is slow, not wrong
    desktop.click_field("navn")
    desktop.evaluate(  # Chromium has handled the click, so every X event before it
        "new Promise(r => { const t = setInterval(() => {"
        " if (document.activeElement.id === 'navn') { clearInterval(t); r(); } }, 50); })"
    )

    def arrived(text: str) -> None:
        desktop.evaluate(  # resolves when the text is complete, or after 120 s
            "new Promise(r => { const f = document.getElementById('navn');"
            f" const t = setInterval(() => {{ if (f.value.length >= {len(text)})"
            " { clearInterval(t); r(); } }, 50); setTimeout(r, 120000); })"
        )
        assert desktop.value("navn") == text

    typed_exactly(inj, watch, arrived)
    inj.close()
    assert watch.rows() == before
