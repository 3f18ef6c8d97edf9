"""cobrowse: guided co-browsing for a public self-service hotline (Qt-free core)."""

__version__ = "0.1.0"
PROTOCOL_VERSION = 1
