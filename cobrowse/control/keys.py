"""Key names on the wire, modifiers, and the key combinations that are never injected.

A :class:`cobrowse.session.events.Key` message names its key in ``code`` and says what it
types in ``text``.  Names are pynput's ``Key`` member names (``"enter"``,
``"ctrl_l"``, ``"f4"``, ``"page_down"``) or a single character (``"a"``); a few
common aliases (``"escape"``, ``"return"``, ``"control"``, ``"win"``, ``"super"``,
``"meta"``, ``"option"``) are accepted.  Printable keys are typed from ``text`` so
that ``æ ø å`` arrive whatever the citizen's keyboard layout is; shortcuts (with
Ctrl, Alt or Cmd/Win held) and non-printing keys are sent as key codes.

:data:`BLOCKED` lists combinations that lock, log out, kill or switch the
citizen's session (Windows, macOS and Linux).  They are dropped unless the
citizen has explicitly allowed them.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

SPECIAL_KEYS = frozenset(
    {
        "alt",
        "alt_l",
        "alt_r",
        "alt_gr",
        "backspace",
        "caps_lock",
        "cmd",
        "cmd_l",
        "cmd_r",
        "ctrl",
        "ctrl_l",
        "ctrl_r",
        "delete",
        "down",
        "end",
        "enter",
        "esc",
        "home",
        "left",
        "page_down",
        "page_up",
        "right",
        "shift",
        "shift_l",
        "shift_r",
        "space",
        "tab",
        "up",
        "insert",
        "menu",
        "num_lock",
        "pause",
        "print_screen",
        "scroll_lock",
        *(f"f{n}" for n in range(1, 21)),
    }
)
ALIASES = {
    "escape": "esc",
    "return": "enter",
    "control": "ctrl",
    "win": "cmd",
    "super": "cmd",
    "meta": "cmd",
    "command": "cmd",
    "option": "alt",
    "del": "delete",
    "pageup": "page_up",
    "pagedown": "page_down",
    "ins": "insert",
    "altgr": "alt_gr",
    "printscreen": "print_screen",
    "arrowup": "up",
    "arrowdown": "down",
    "arrowleft": "left",
    "arrowright": "right",
}
# Modifier family of each modifier key name (left/right variants fold together).
MODIFIERS = {
    "shift": "shift",
    "shift_l": "shift",
    "shift_r": "shift",
    "ctrl": "ctrl",
    "ctrl_l": "ctrl",
    "ctrl_r": "ctrl",
    "alt": "alt",
    "alt_l": "alt",
    "alt_r": "alt",
    "cmd": "cmd",
    "cmd_l": "cmd",
    "cmd_r": "cmd",
}
# Modifiers that turn a printable key into a shortcut (so the key code is sent).
SHORTCUT_MODIFIERS = frozenset({"ctrl", "alt", "cmd"})
# AltGr is never injected: the text of the key already carries what it produces.
IGNORED = frozenset({"alt_gr"})

_COMMON = ("ctrl+alt+delete", "ctrl+shift+esc", "alt+f4", "cmd+l", "cmd+r")
_PLATFORM = {
    # Win+L lock, Win+R run, Ctrl+Shift+Esc Task Manager, Win+X power menu
    "win32": ("cmd+x",),
    # Force Quit, lock screen, log out (with and without asking), Quit app, Spotlight
    "darwin": ("cmd+alt+esc", "ctrl+cmd+q", "cmd+shift+q", "cmd+alt+shift+q", "cmd+q", "cmd+space"),
    # lock screen, kill X, run dialog, xkill, switch to a virtual terminal
    "linux": (
        "ctrl+alt+l",
        "ctrl+alt+backspace",
        "alt+f2",
        "ctrl+alt+esc",
        *(f"ctrl+alt+f{n}" for n in range(1, 13)),
    ),
}


def blocked_combos(platform: str) -> tuple[frozenset[str], ...]:
    """The blocked combinations on ``platform`` (``sys.platform``), as sets of
    modifier families and key names."""
    key = "win32" if platform.startswith("win") else platform
    extra = _PLATFORM.get(key, _PLATFORM["linux"])
    return tuple(frozenset(c.split("+")) for c in (*_COMMON, *extra))


BLOCKED = blocked_combos(sys.platform)


@dataclass(frozen=True, slots=True)
class Target:
    """What to press: a character to type, or the name of a special key."""

    char: str = ""
    special: str = ""


def normalize(code: str) -> str:
    """The canonical name of a key code (lower-case, aliases resolved)."""
    if len(code) == 1:
        return code.lower()
    name = code.strip().lower().replace("-", "_")
    return ALIASES.get(name.replace("_", ""), ALIASES.get(name, name))


def family(name: str) -> str:
    """The modifier family of ``name`` (``"ctrl_l"`` -> ``"ctrl"``); else the name."""
    return MODIFIERS.get(name, name)


def is_modifier(name: str) -> bool:
    return name in MODIFIERS


def is_blocked(
    held: set[str] | frozenset[str], name: str, combos: tuple[frozenset[str], ...] = BLOCKED
) -> bool:
    """True if pressing ``name`` while ``held`` (canonical names) completes one of
    ``combos``."""
    pressed = {family(n) for n in held} | {family(name)}
    key = family(name)
    return any(key in combo and combo <= pressed for combo in combos)


def _printable(text: str) -> bool:
    return bool(text) and all(ch.isprintable() for ch in text)


def is_altgr_text(held: set[str] | frozenset[str], name: str, text: str) -> bool:
    """Ctrl+Alt held and the key types a symbol (not a letter or digit): that is AltGr
    on the agent's Windows keyboard (Danish "@", "€", "{"), so type the text.
    Ctrl+Alt with a letter or digit stays a shortcut."""
    fams = {family(n) for n in held}
    return (
        {"ctrl", "alt"} <= fams
        and "cmd" not in fams
        and len(text) == 1
        and _printable(text)
        and not (text.isascii() and text.isalnum())
        and not is_modifier(name)
        and text != " "
    )


def target_for(name: str, text: str, held: set[str] | frozenset[str]) -> Target | None:
    """What to press for key ``name`` that types ``text`` while ``held`` are down.

    Returns ``None`` for keys that are not injected (unknown names, AltGr).
    """
    if name in IGNORED:
        return None
    shortcut = bool({family(n) for n in held} & SHORTCUT_MODIFIERS)
    if _printable(text) and not shortcut and not is_modifier(name):
        return Target(char=text)
    if name in SPECIAL_KEYS:
        return Target(special=name)
    if len(name) == 1 and name.isprintable():
        return Target(char=name)
    return None


_ORDER = ("ctrl", "cmd", "alt", "shift")
_LABELS = {
    "ctrl": "Ctrl",
    "cmd": "Win",
    "alt": "Alt",
    "shift": "Shift",
    "esc": "Esc",
    "delete": "Delete",
    "backspace": "Backspace",
    "space": "Space",
}


def combo_names(held: set[str] | frozenset[str], name: str) -> tuple[str, ...]:
    """The held modifiers (as families, in a fixed order) followed by ``name``."""
    mods = {family(n) for n in held if is_modifier(n)}
    return (*(m for m in _ORDER if m in mods), name)


def combo_label(names: tuple[str, ...], platform: str = sys.platform) -> str:
    """``("ctrl", "alt", "delete")`` -> ``"Ctrl+Alt+Delete"`` (Cmd/Option on macOS)."""
    labels = dict(_LABELS)
    if platform == "darwin":
        labels.update(cmd="Cmd", alt="Option")
    return "+".join(labels.get(n, n.upper() if len(n) <= 3 else n.title()) for n in names)
