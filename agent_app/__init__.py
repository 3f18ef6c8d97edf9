"""The agent app: sign in, join a citizen's code, see, point, guide, take over.

Only the modules in this package import Qt.  The network runs on the endpoint's own
thread; :mod:`agent_app.bridge` hands its events to the GUI thread as queued signals.
Importing the package first makes PySide6's ``Signal.emit`` safe to call
(:mod:`agent_app.emitfix`).
"""

from agent_app.emitfix import install as _install_emit_fix

_install_emit_fix()
