"""Citizen and agent endpoints: a Session, a relay connection and a loop thread.

The apps (and the benchmark) use these; they never touch sockets themselves.
Every public method is thread-safe.  Everything that happens is reported as an
event object through ``on_event``, called **on the network thread** - a GUI must
hand it over to its own thread (a queued Qt signal) before touching widgets.
"""

from __future__ import annotations

from cobrowse.session._endpoint_base import EventSink
from cobrowse.session.agent import MAX_UPLOAD_BYTES, MAX_UPLOAD_SESSIONS, AgentEndpoint
from cobrowse.session.citizen import CitizenEndpoint
from cobrowse.session.notices import (
    AgentJoined,
    CodeReady,
    HotlineStatus,
    Joined,
    JoinFailed,
    LinkStats,
    PeerBack,
    PeerLeft,
    Reconnecting,
    RelayUnreachable,
    SignedIn,
    SignInFailed,
    StatsError,
    StatsRefused,
    StatsReport,
    StatsStored,
)

__all__ = [
    "AgentEndpoint",
    "CitizenEndpoint",
    "EventSink",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_SESSIONS",
    "AgentJoined",
    "CodeReady",
    "HotlineStatus",
    "JoinFailed",
    "Joined",
    "LinkStats",
    "PeerBack",
    "PeerLeft",
    "Reconnecting",
    "RelayUnreachable",
    "SignInFailed",
    "SignedIn",
    "StatsError",
    "StatsRefused",
    "StatsReport",
    "StatsStored",
]
