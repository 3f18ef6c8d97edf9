"""cobrowse: guided co-browsing for a public self-service hotline (Qt-free core)."""

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
SESSION_VERSION = 2
"""Version of the end-to-end session layer, in its Hello (docs/protocol.md §2.4): 2 has
compact binary frame chunks, acks and cursor moves and screen-update payload v2."""
