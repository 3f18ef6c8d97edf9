"""Typing characters a US layout lacks on stable spare keycodes, with the X display
faked at the lowest layer (python-xlib's ``Display`` calls): what gets mapped when,
that every change is confirmed before a key is sent, and that the rows come back."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from platform_fakes import FakePynput
from Xlib import X

from cobrowse.platform.x11.keyboard import (
    PREMAPPED,
    MappedKeyboard,
    SpareKeys,
    XlibKeymap,
    keysym_for,
)

WIDTH = 4
SPARE = (9, 12, 13, 14)  # the empty rows of the fake keymap (8 is never used)


class FakeDisplay:
    """python-xlib's Display as far as the keyboard uses it; records every call."""

    def __init__(self) -> None:
        self.display = SimpleNamespace(info=SimpleNamespace(min_keycode=8, max_keycode=15))
        self.map = {code: [0] * WIDTH for code in range(8, 16)}
        self.map[10] = [ord("a"), ord("A"), 0, 0]
        self.map[11] = [ord("s"), ord("S"), 0, 0]
        self.map[15] = [0xFF0D, 0, 0, 0]  # Return
        self.calls: list[tuple[Any, ...]] = []
        self.events: list[Any] = []

    def get_keyboard_mapping(self, first: int, count: int) -> list[list[int]]:
        return [list(self.map[c]) for c in range(first, first + count)]

    def change_keyboard_mapping(self, first: int, rows: list[list[int]]) -> None:
        self.calls.append(("change", first, list(rows[0])))
        self.map[first] = list(rows[0])
        self.events.append(SimpleNamespace(type=X.MappingNotify))

    def sync(self) -> None:
        self.calls.append(("sync",))

    def pending_events(self) -> int:
        return len(self.events)

    def next_event(self) -> Any:
        return self.events.pop(0)

    def xtest_fake_input(self, kind: int, keycode: int) -> None:
        self.calls.append(("down" if kind == X.KeyPress else "up", keycode))


def make(pool: int = 24) -> tuple[FakeDisplay, FakePynput, MappedKeyboard, XlibKeymap]:
    d, fallback = FakeDisplay(), FakePynput()
    port = XlibKeymap(d)
    kb = MappedKeyboard(fallback, port, SpareKeys(port, pool))
    return d, fallback, kb, port


def test_keysyms_are_latin1_or_unicode() -> None:
    assert keysym_for("a") == 0x61
    assert keysym_for("ø") == 0xF8
    assert keysym_for("€") == 0x010020AC


def test_danish_letters_are_mapped_once_at_start_and_confirmed() -> None:
    d, _, kb, port = make()
    changes = [c for c in d.calls if c[0] == "change"]
    assert [c[2][0] for c in changes] == [keysym_for(ch) for ch in PREMAPPED][: len(SPARE)]
    assert [c[1] for c in changes] == list(SPARE)
    assert all(c[2] == [c[2][0]] * WIDTH for c in changes)  # every level: Shift changes nothing
    assert d.calls[-1] == ("sync",) and port.notified == len(SPARE)
    kb.close()


def test_typing_a_mapped_letter_changes_no_mapping_and_uses_xtest() -> None:
    d, fallback, kb, _ = make()
    d.calls.clear()
    kb.type("æø" * 5)
    assert {c[0] for c in d.calls} == {"down", "up", "sync"}
    assert [c for c in d.calls if c[0] != "sync"][:4] == [
        ("down", 9),
        ("up", 9),
        ("down", 12),
        ("up", 12),
    ]
    assert fallback.calls == []
    kb.close()


def test_letters_the_layout_has_and_special_keys_go_through_pynput() -> None:
    d, fallback, kb, _ = make()
    d.calls.clear()
    kb.type("as")
    kb.press(SimpleNamespace(name="enter"))
    assert [c[1] for c in fallback.calls][:4] == ["a", "a", "s", "s"]
    assert d.calls == []
    kb.close()


def test_a_new_character_is_mapped_and_confirmed_before_its_key() -> None:
    d, _, kb, port = make(pool=6)
    before = port.notified
    d.calls.clear()
    kb.press("€")
    assert d.calls[:2] == [("change", d.calls[0][1], [0x010020AC] * WIDTH), ("sync",)]
    assert d.calls[2] == ("down", d.calls[0][1])
    assert port.notified == before + 1
    kb.release("€")
    kb.close()


def test_the_least_recently_used_key_not_held_is_reused() -> None:
    d, _, kb, _ = make(pool=4)  # æ 9, ø 12, å 13, Æ 14: the pool is full
    kb.type("ø")  # æ is now the least recently used
    kb.press("å")
    kb.press("æ")  # held: must not be taken
    d.calls.clear()
    kb.type("é")  # evicts Æ (14), the oldest not held ... æ is held
    assert ("change", 14, [keysym_for("é")] * WIDTH) in d.calls
    kb.release("æ")
    kb.release("å")
    kb.close()


def test_close_restores_every_original_row_once() -> None:
    d, _, kb, _ = make()
    original = {c: list(r) for c, r in FakeDisplay().map.items()}
    kb.type("Æ€")
    kb.close()
    assert d.map == original
    d.calls.clear()
    kb.close()  # twice (control ended, then exit): nothing more
    kb.type("æ")  # after close: pynput's way, no mapping changes
    assert d.calls == []


def gone_server(*_: Any) -> None:
    raise ConnectionResetError


def test_a_vanished_server_does_not_break_close() -> None:
    d, _, kb, _ = make()

    d.change_keyboard_mapping = gone_server  # type: ignore[method-assign, assignment]
    kb.close()


def test_close_closes_the_connection_and_a_dropped_keyboard_is_not_kept_alive() -> None:
    import gc
    import weakref

    d, _, kb, _ = make()
    closed: list[bool] = []
    d.close = lambda: closed.append(True)  # type: ignore[attr-defined]
    kb.close()
    assert closed == [True]
    _, _, other, _ = make()
    ref = weakref.ref(other)
    del other
    gc.collect()
    assert ref() is None


def test_a_new_layout_loaded_by_someone_else_gets_our_letters_again() -> None:
    d, _, kb, _ = make()
    kb.type("æ")
    d.map[9] = [0] * WIDTH  # setxkbmap elsewhere: the spare row is empty again
    d.events.append(SimpleNamespace(type=X.MappingNotify))
    kb.type("a")  # pynput's way: not looked at
    d.calls.clear()
    kb.type("æ")  # noticed before the key: æ is mapped again, confirmed, then sent
    assert d.map[9] == [keysym_for("æ")] * WIDTH
    assert [c[0] for c in d.calls][:4] == ["change", "sync", "down", "sync"]
    kb.close()


def test_a_copied_keymap_that_still_has_our_letters_changes_nothing() -> None:
    d, _, kb, _ = make()
    kb.type("æ")
    d.events.append(SimpleNamespace(type=X.MappingNotify))  # XTest became the source
    d.calls.clear()
    kb.type("ææ")
    assert not [c for c in d.calls if c[0] == "change"]
    kb.close()
