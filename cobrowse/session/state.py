"""The session state machine.  Everything that affects it lives in this file.

States: ``waiting -> paired -> viewing <-> controlling``, ``viewing/controlling ->
paused -> viewing``, anything ``-> ended``.  Both ends run the same table over the
same ordered stream of messages, so they agree; the citizen's side is the one that
enforces consent (it acts on input only in ``controlling``).

An entry maps ``(state, event)`` to the next state, or to :data:`DROP` for known
races: e.g. the agent's input that was already on the wire when the citizen took
control back.  Dropped messages are counted, never acted on.  Anything not in the
table is a protocol violation.

Pairing runs before this table, in :data:`PAIRING` (one row per step, per role):
the citizen commits to its SPAKE2 message, the agent answers with its own, the
citizen reveals, both confirm.  A pairing message out of turn is a security error.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from cobrowse.errors import ProtocolError, SecurityError
from cobrowse.session import events as ev


class State(Enum):
    WAITING = "waiting"
    PAIRED = "paired"
    VIEWING = "viewing"
    CONTROLLING = "controlling"
    PAUSED = "paused"
    ENDED = "ended"


class _Drop:
    def __repr__(self) -> str:
        return "DROP"


DROP: Final = _Drop()
W, P, V, C, Z, E = (
    State.WAITING,
    State.PAIRED,
    State.VIEWING,
    State.CONTROLLING,
    State.PAUSED,
    State.ENDED,
)
INPUTS = ("PointerMove", "PointerButton", "Wheel", "Key")
SHARING = (
    "ScreenInfo",
    "SelectMonitor",
    "FrameChunk",
    "Frame",
    "FrameAck",
    "KeyframeRequest",
    "Cursor",
    "CursorShape",
    "SecureDesktop",
    "Highlight",
    "ShowStep",
    "OpenLink",
    "LinkAnswer",
)
GUIDANCE = (
    "SelectMonitor",
    "FrameAck",
    "KeyframeRequest",
    "ShowStep",
    "OpenLink",
    "LinkAnswer",
    "ScreenInfo",
)

TABLE: dict[tuple[State, str], State | _Drop] = {
    # internal events ("disconnected": a connection was lost, or a new one began)
    (W, "paired"): P,
    (V, "disconnected"): V,
    (C, "disconnected"): V,  # every lost or new connection falls back to view-only
    (P, "disconnected"): P,
    (Z, "disconnected"): Z,
    # before viewing
    (P, "ConsentRequest:view"): P,
    (P, "ConsentGrant:view"): V,
    (P, "ConsentDeny:view"): P,
    (P, "ShowStep"): P,
    # viewing
    (V, "ConsentRequest:view"): DROP,
    (V, "ConsentRequest:control"): V,
    (V, "ConsentGrant:control"): C,
    (V, "ConsentDeny:control"): V,
    (V, "ConsentRevoke:control"): V,  # crossed with the agent's ControlOff
    (V, "ControlOff"): V,  # crossed with the citizen's revoke
    (V, "PrivacyPause"): Z,
    # controlling
    (C, "ConsentRequest:control"): DROP,
    (C, "ConsentRevoke:control"): V,
    (C, "ControlOff"): V,
    (C, "PrivacyPause"): Z,
    (C, "InputRefused"): C,
    (V, "InputRefused"): DROP,  # crossed with the end of control
    (Z, "InputRefused"): DROP,
    # paused: nothing of the screen, no input, no pointer
    (Z, "PrivacyResume"): V,
    (Z, "ConsentRequest:control"): DROP,
    (Z, "ConsentRevoke:control"): DROP,
    (Z, "ControlOff"): DROP,
    (Z, "Highlight"): DROP,
    (Z, "SecureDesktop"): DROP,  # nothing of the screen while paused
}
for _name in SHARING:
    TABLE[(V, _name)] = V
    TABLE[(C, _name)] = C
for _name in GUIDANCE:
    TABLE[(Z, _name)] = Z
for _name in INPUTS:
    TABLE[(C, _name)] = C
    TABLE[(V, _name)] = DROP
    TABLE[(Z, _name)] = DROP
for _state in (W, P, V, C, Z):
    TABLE[(_state, "End")] = E
    TABLE[(_state, "lost")] = E
for _state in (P, V, C, Z):
    TABLE[(_state, "Ping")] = _state
    TABLE[(_state, "Pong")] = _state


class Step(Enum):
    """Where one side is in pairing (commit -> pake -> reveal -> confirm)."""

    AWAIT_COMMIT = "await-commit"  # agent: nothing sent yet, waits for the commitment
    AWAIT_PAKE = "await-pake"  # citizen: commitment sent, waits for the agent's message
    AWAIT_REVEAL = "await-reveal"  # agent: message sent, waits for the citizen's reveal
    AWAIT_CONFIRM = "await-confirm"  # both: key known, waits for the peer's confirm tag
    DONE = "done"


FIRST_STEP = {ev.CITIZEN: Step.AWAIT_PAKE, ev.AGENT: Step.AWAIT_COMMIT}
PAIRING: dict[tuple[str, Step, str], Step] = {
    (ev.AGENT, Step.AWAIT_COMMIT, "commit"): Step.AWAIT_REVEAL,
    (ev.CITIZEN, Step.AWAIT_PAKE, "pake"): Step.AWAIT_CONFIRM,  # reveal + confirm go out
    (ev.AGENT, Step.AWAIT_REVEAL, "pake"): Step.AWAIT_CONFIRM,
    (ev.CITIZEN, Step.AWAIT_CONFIRM, "confirm"): Step.DONE,
    (ev.AGENT, Step.AWAIT_CONFIRM, "confirm"): Step.DONE,
}


class PairingSteps:
    """Applies :data:`PAIRING` for one role."""

    def __init__(self, role: str) -> None:
        self.role = role
        self.step = FIRST_STEP[role]

    def advance(self, kind: str) -> Step:
        """Move on for a received ``kind``; anything out of turn is a security error."""
        nxt = PAIRING.get((self.role, self.step, kind))
        if nxt is None:
            raise SecurityError(f"pairing {kind} not expected at {self.step.value}")
        self.step = nxt
        return nxt


def event_key(msg: ev.Message | str) -> str:
    """The table key of a message (consent messages include their kind)."""
    if isinstance(msg, str):
        return msg
    kind = getattr(msg, "kind", None)
    return f"{type(msg).__name__}:{kind}" if kind else type(msg).__name__


class StateMachine:
    """Holds the current state and applies :data:`TABLE`."""

    def __init__(self) -> None:
        self.state = State.WAITING
        self.dropped = 0

    def apply(self, msg: ev.Message | str) -> bool:
        """Advance for ``msg``; return False if it is a tolerated race to drop.

        Raises :class:`ProtocolError` if the table has no entry.
        """
        key = event_key(msg)
        nxt = TABLE.get((self.state, key))
        if nxt is None:
            raise ProtocolError(f"{key} not allowed while {self.state.value}")
        if isinstance(nxt, _Drop):
            self.dropped += 1
            return False
        self.state = nxt
        return True

    def allows(self, msg: ev.Message | str) -> bool:
        """True if ``msg`` would be acted on now (neither refused nor dropped)."""
        return isinstance(TABLE.get((self.state, event_key(msg))), State)
