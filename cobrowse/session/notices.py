"""What the endpoints report besides the session's own events (see cobrowse.session.endpoint).

Plain frozen dataclasses: status objects shown to people, carrying no secrets
(``CodeReady`` holds the code for display only; it is never logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cobrowse.errors import CobrowseError
from cobrowse.session.codes import SessionCode


class StatsError(CobrowseError):
    """A statistics upload or request was not answered: ``reason`` says why
    (``forbidden``, ``bad_range``, ``not_signed_in``, ``connection_lost``)."""

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RelayUnreachable:
    message: str
    retry_in: float


@dataclass(frozen=True, slots=True)
class CodeReady:
    """Show ``code.display()`` to the citizen.  Never log it."""

    code: SessionCode


@dataclass(frozen=True, slots=True)
class AgentJoined:
    name: str
    municipality: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    name: str
    display_name: str
    municipality: str
    role: str


@dataclass(frozen=True, slots=True)
class SignInFailed:
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class Joined:
    nameplate: str


@dataclass(frozen=True, slots=True)
class JoinFailed:
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class PeerLeft:
    """The other side's line dropped and the relay waits for it to resume
    (``peer_left`` with ``final: false``); the session is in view-only meanwhile.
    A room closed for good is reported as ``SessionEnded(reason, by_peer=True)``."""

    reason: str


@dataclass(frozen=True, slots=True)
class PeerBack:
    pass


@dataclass(frozen=True, slots=True)
class Reconnecting:
    message: str


@dataclass(frozen=True, slots=True)
class LinkStats:
    rtt_ms: float
    bytes_in: int
    bytes_out: int


@dataclass(frozen=True, slots=True)
class HotlineStatus:
    """Open: how many agents are signed in and citizens wait (the relay sends it
    after each code and when the number of agents changes).  Closed: the wording
    to show, when it opens next (ISO 8601), and when the endpoint tries again."""

    open: bool
    agents_online: int = 0
    waiting: int = 0
    message_da: str = ""
    message_en: str = ""
    next_opening: str | None = None
    retry_in: float | None = None


@dataclass(frozen=True, slots=True)
class StatsStored:
    """The relay holds these sessions now (stored, or stored before); ``rejected``
    holds (session_id or None, reason) pairs for those it refused."""

    session_ids: tuple[str, ...]
    rejected: tuple[tuple[str | None, str], ...]


@dataclass(frozen=True, slots=True)
class StatsReport:
    """The hotline report (``relay.report.report_to_dict``'s JSON)."""

    report: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StatsRefused:
    reason: str
    message: str
