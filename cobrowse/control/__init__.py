"""Input injection for the citizen's side: consent gate, key mapping, blocked
combinations, local input wins, and the take-back hotkey.  Qt-free.

Use :func:`cobrowse.control.system.create_injector` for the real mouse and
keyboard; :class:`Injector` itself works with any pynput-like controllers.
"""

from cobrowse.control.injector import Injector, Monitor
from cobrowse.control.local import LocalInputGuard, TripleEscape

__all__ = ["Injector", "LocalInputGuard", "Monitor", "TripleEscape"]
