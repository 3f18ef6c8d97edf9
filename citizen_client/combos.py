"""A blocked key combination (Ctrl+Alt+Delete, Win+L, ...) the agent tried: the
citizen may allow it once.  The injector reports it on the network thread; the
question is asked on the GUI thread; a yes presses it once, still gated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cobrowse.control.keys import combo_label


@dataclass(frozen=True, slots=True)
class BlockedCombo:
    """Internal event: the injector stopped this combination."""

    names: tuple[str, ...]


class ComboHandler:
    def __init__(self, view: Any, devices: Any) -> None:
        self._view = view
        self._devices = devices
        self._pending: tuple[str, ...] = ()
        view.combo_dialog.answered.connect(self.answer)

    def blocked(self, names: tuple[str, ...]) -> None:
        """Ask, unless a question is already open or control is not on."""
        if self._view.phase != "controlled" or self._view.combo_dialog.isVisible():
            return
        self._pending = names
        self._view.ask_combo(combo_label(names))

    def answer(self, yes: bool) -> None:
        names, self._pending = self._pending, ()
        injector = self._devices.injector
        if yes and names and injector is not None and self._view.phase == "controlled":
            injector.press_combo(names)
