"""One exception hierarchy for the whole core.

    CobrowseError
    ├── ConfigError            a config file or value is missing or wrong (says which)
    ├── CodeError              a session code could not be parsed (says what is wrong)
    ├── ProtocolError          the peer sent something malformed or not allowed now
    │   ├── LocalProtocolError we tried to send something not allowed now (our bug)
    │   └── SecurityError      decrypt failure, replay, gap, failed key confirmation:
    │       └── PairingError   the code did not match (wrong code); the code is burnt
    └── TransportError         the connection could not be made or was lost
        └── RelayRefused       the relay closed the connection with a reason

Every error that ends a session carries a short machine ``reason`` (used in the
``end`` message, the session log and the relay's audit log) and a message a
person can read.  No error message ever contains a key, a code or screen content.
"""

from __future__ import annotations


class CobrowseError(Exception):
    """Base class of every error raised on purpose by cobrowse."""

    reason = "error"


class ConfigError(CobrowseError):
    """A configuration file or value is missing or invalid."""

    reason = "config"


class CodeError(CobrowseError):
    """A session code is malformed; the message says what is wrong."""

    reason = "code"


class ProtocolError(CobrowseError):
    """The peer sent bytes that do not form an allowed message in this state."""

    reason = "protocol"


class LocalProtocolError(ProtocolError):
    """We tried to send something the state machine does not allow (a bug here)."""


class SecurityError(ProtocolError):
    """Cryptographic failure. The session ends; there is no retry and no fallback."""

    reason = "security"


class PairingError(SecurityError):
    """Key confirmation failed: the two sides did not use the same code."""

    reason = "wrong_code"


class TransportError(CobrowseError):
    """The connection to the relay could not be made or was lost."""

    reason = "connection_lost"


class RelayRefused(TransportError):
    """The relay refused us and said why (``reason`` is the relay's close reason)."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason
