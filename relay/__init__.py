"""The cobrowse relay: pairs citizens and agents and forwards ciphertext it cannot read.

Run it with ``cobrowse-relay serve`` (see docs/relay.md), or in-process with
:class:`relay.server.Relay` / :class:`relay.server.RelayThread`.  This package
never imports Qt, the screen or input code, or the session crypto.
"""

from relay.config import RelayConfig, load_config
from relay.server import Relay, RelayThread

__all__ = ["Relay", "RelayConfig", "RelayThread", "load_config"]
