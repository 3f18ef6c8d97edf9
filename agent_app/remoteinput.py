"""What the agent's mouse and keys do on the citizen's PC, by mode.

* ``view``: nothing is sent.
* ``point``: a left click sends :class:`~cobrowse.session.events.Highlight`.
* ``control`` (only after the citizen's consent): moves, buttons, wheel and keys
  are sent as input messages in the citizen's screen pixels.

Key names follow the citizen side's injector (pynput's ``Key`` names for special
keys, the character itself for printable keys); ``text`` carries what the key
types, so æ, ø and å arrive as typed whatever the keyboard layouts are.
Nothing here logs keys or text.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from cobrowse.session import events as ev

Send = Callable[[ev.Message], None]
MODES = ("view", "point", "control")
_K = Qt.Key
SPECIAL_KEYS: dict[int, str] = {
    _K.Key_Return: "enter",
    _K.Key_Enter: "enter",
    _K.Key_Tab: "tab",
    _K.Key_Backtab: "tab",
    _K.Key_Backspace: "backspace",
    _K.Key_Delete: "delete",
    _K.Key_Insert: "insert",
    _K.Key_Escape: "esc",
    _K.Key_Space: "space",
    _K.Key_Left: "left",
    _K.Key_Right: "right",
    _K.Key_Up: "up",
    _K.Key_Down: "down",
    _K.Key_Home: "home",
    _K.Key_End: "end",
    _K.Key_PageUp: "page_up",
    _K.Key_PageDown: "page_down",
    _K.Key_Shift: "shift",
    _K.Key_Control: "ctrl",
    _K.Key_Alt: "alt",
    _K.Key_AltGr: "alt_gr",
    _K.Key_Meta: "cmd",
    _K.Key_CapsLock: "caps_lock",
    _K.Key_Menu: "menu",
    _K.Key_Print: "print_screen",
    _K.Key_NumLock: "num_lock",
    _K.Key_Pause: "pause",
    _K.Key_ScrollLock: "scroll_lock",
}
SPECIAL_KEYS.update({int(_K.Key_F1) + i: f"f{i + 1}" for i in range(12)})
BUTTONS = {
    Qt.MouseButton.LeftButton: "left",
    Qt.MouseButton.RightButton: "right",
    Qt.MouseButton.MiddleButton: "middle",
}


def key_message(event: QKeyEvent, pressed: bool) -> ev.Key | None:
    """The Key message for a Qt key event, or None for keys we cannot name."""
    key = event.key()
    text = "" if _is_shortcut(event) else event.text()
    printable = text if len(text) == 1 and text.isprintable() and key != _K.Key_Space else ""
    if key in SPECIAL_KEYS:
        return ev.Key(SPECIAL_KEYS[key], " " if key == _K.Key_Space else "", pressed)
    if printable:
        return ev.Key(printable.lower(), printable, pressed)
    if _K.Key_A <= key <= _K.Key_Z or _K.Key_0 <= key <= _K.Key_9:
        return ev.Key(chr(key).lower(), "", pressed)  # e.g. ctrl+c: name, no text
    if 0x20 < key < 0x250:  # Latin-1/Extended-A keys without text (e.g. ctrl+æ)
        return ev.Key(chr(key).lower(), "", pressed)
    return None


def _is_shortcut(event: QKeyEvent) -> bool:
    """Ctrl or Meta held (but not Ctrl+Alt, which is AltGr on Windows): no text."""
    mods = event.modifiers()
    ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
    alt = bool(mods & Qt.KeyboardModifier.AltModifier)
    meta = bool(mods & Qt.KeyboardModifier.MetaModifier)
    return meta or (ctrl and not alt)


class InputRouter:
    """Turns the remote view's mouse and key signals into messages for the mode."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.mode = "view"
        self._wheel_rest = [0, 0]

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.mode = mode
        self._wheel_rest = [0, 0]

    def move(self, x: int, y: int) -> None:
        if self.mode == "control":
            self._send(ev.PointerMove(x, y))

    def button(self, x: int, y: int, button: str, pressed: bool) -> None:
        if self.mode == "control":
            self._send(ev.PointerButton(x, y, button, pressed))
        elif self.mode == "point" and pressed and button == "left":
            self._send(ev.Highlight(x, y))

    def wheel(self, x: int, y: int, angle_x: int, angle_y: int) -> None:
        """``angle_*`` in Qt's eighths of a degree (120 = one notch)."""
        if self.mode != "control":
            return
        self._wheel_rest[0] += angle_x
        self._wheel_rest[1] += angle_y
        dx, dy = (int(v / 120) for v in self._wheel_rest)
        if dx or dy:
            self._wheel_rest = [self._wheel_rest[0] - dx * 120, self._wheel_rest[1] - dy * 120]
            self._send(ev.Wheel(x, y, max(-100, min(100, dx)), max(-100, min(100, dy))))

    def key(self, msg: ev.Key) -> None:
        if self.mode == "control":
            self._send(msg)

    def tap(self, code: str) -> None:
        """Press and release one key on the citizen's PC (the toolbar's *Send Esc*:
        Esc itself leaves control here)."""
        self.key(ev.Key(code, "", True))
        self.key(ev.Key(code, "", False))
