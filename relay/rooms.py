"""Pairing rooms, in memory only: nameplates, joining, leaving, resuming.

No I/O here: the server owns the connections and passes them in as opaque
member handles (type ``P``); this module decides who is where, and tells the
server what to announce.  The clock is passed in.

Life of a room::

    allocate (citizen)  -> waiting for an agent, nameplate expires after ttl
    join (agent)        -> complete; the nameplate is never joined again
    leave (a member)    -> closed, or kept for ``grace`` s if that member
                           registered a resume token
    resume (same role)  -> complete again
    burn / expire       -> closed; the nameplate is freed
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from cobrowse.errors import CobrowseError
from cobrowse.session.codes import NAMEPLATE_DIGITS
from relay.accounts import Account

P = TypeVar("P")
Role = Literal["citizen", "agent"]
ROLES: tuple[Role, Role] = ("citizen", "agent")
NAMEPLATE_SPACE = 10**NAMEPLATE_DIGITS
_BLOCK: int = NAMEPLATE_SPACE // 10  # nameplates sharing one leading digit (one route)
_PROBES = 32


class JoinRefused(CobrowseError):
    """An agent may not join this nameplate; ``reason`` is the protocol's word."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NoFreeNameplate(CobrowseError):
    reason = "busy"


@dataclass(eq=False)
class Room(Generic[P]):
    """One citizen, at most one agent, and the bytes that passed between them."""

    nameplate: str
    created: float
    expires: float
    citizen: P | None = None
    agent: P | None = None
    account: Account | None = None
    joined_at: float | None = None
    grace_until: float | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    forwarded: dict[str, int] = field(
        default_factory=lambda: {"citizen_to_agent": 0, "agent_to_citizen": 0}
    )

    @property
    def complete(self) -> bool:
        return self.citizen is not None and self.agent is not None

    def member(self, role: Role) -> P | None:
        return self.citizen if role == "citizen" else self.agent

    def other(self, role: Role) -> P | None:
        return self.agent if role == "citizen" else self.citizen

    def set_member(self, role: Role, peer: P | None) -> None:
        if role == "citizen":
            self.citizen = peer
        else:
            self.agent = peer

    def count(self, role: Role, size: int) -> None:
        """Add ``size`` bytes sent by ``role`` to the room's totals."""
        self.forwarded["citizen_to_agent" if role == "citizen" else "agent_to_citizen"] += size


class RoomRegistry(Generic[P]):
    """All live rooms, keyed by nameplate, and their resume tokens."""

    def __init__(
        self,
        ttl: float,
        grace: float,
        clock: Callable[[], float],
        randbelow: Callable[[int], int] = secrets.randbelow,
        cooldown: float = 120.0,
        routes: str = "0123456789",
    ) -> None:
        self.ttl, self.grace, self.cooldown = ttl, grace, cooldown
        self.routes = routes  # the leading digits of the nameplates handed out here
        self.clock = clock
        self.randbelow = randbelow
        self.rooms: dict[str, Room[P]] = {}
        self._tokens: dict[tuple[str, str], Room[P]] = {}
        self._freed: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self.rooms)

    def __iter__(self) -> Iterator[Room[P]]:
        return iter(list(self.rooms.values()))

    def allocate(self, citizen: P) -> Room[P]:
        """A new room with a fresh nameplate for ``citizen``."""
        now = self.clock()
        nameplate = self._pick(now)
        room: Room[P] = Room(nameplate, created=now, expires=now + self.ttl, citizen=citizen)
        self.rooms[nameplate] = room
        return room

    @property
    def space(self) -> int:
        """How many nameplates this registry may hand out (its routes' share)."""
        return _BLOCK * len(self.routes)

    def _nameplate(self, index: int) -> str:
        """The ``index``-th nameplate of this registry's routes (0 <= index < space)."""
        block, rest = divmod(index, _BLOCK)
        return f"{self.routes[block]}{rest:0{NAMEPLATE_DIGITS - 1}d}"

    def _pick(self, now: float) -> str:
        """A random free nameplate, preferring ones nobody typed recently: a few
        random probes (cheap while the space is mostly free), then a full scan.
        Only nameplates starting with one of ``routes`` (a cluster node's share)."""
        self._freed = {n: t for n, t in self._freed.items() if now - t < self.cooldown}
        for _ in range(_PROBES):
            nameplate = self._nameplate(self.randbelow(self.space))
            if nameplate not in self.rooms and nameplate not in self._freed:
                return nameplate
        every = (self._nameplate(n) for n in range(self.space))
        free = [n for n in every if n not in self.rooms]
        rested = [n for n in free if n not in self._freed]
        choices = rested or free
        if not choices:
            raise NoFreeNameplate("all nameplates are in use; try again shortly")
        return choices[self.randbelow(len(choices))]

    def join(self, nameplate: str, agent: P, account: Account) -> Room[P]:
        """Put ``agent`` into the room at ``nameplate``, or raise :class:`JoinRefused`."""
        room = self.rooms.get(nameplate)
        if room is None or (room.joined_at is None and self.clock() >= room.expires):
            raise JoinRefused("unknown_nameplate", "No citizen is waiting with that code.")
        if room.joined_at is not None:
            raise JoinRefused("nameplate_taken", "That code is already in use.")
        room.agent, room.account, room.joined_at = agent, account, self.clock()
        return room

    def close(self, room: Room[P]) -> None:
        """Remove ``room`` (burnt, expired, or over); its nameplate becomes free."""
        if self.rooms.get(room.nameplate) is room:
            del self.rooms[room.nameplate]
            self._freed[room.nameplate] = self.clock()
        for role, token in room.tokens.items():
            self._tokens.pop((role, token), None)

    def register_token(self, room: Room[P], role: Role, token: str) -> None:
        """Remember ``token`` so ``role`` may come back after a drop."""
        old = room.tokens.get(role)
        if old is not None:
            self._tokens.pop((role, old), None)
        room.tokens[role] = token
        self._tokens[(role, token)] = room

    def leave(self, room: Room[P], role: Role) -> bool:
        """``role``'s connection dropped.  True if the room waits for it to resume."""
        room.set_member(role, None)
        if room.joined_at is None or role not in room.tokens:
            self.close(room)
            return False
        room.grace_until = self.clock() + self.grace
        return True

    def resume(
        self, role: Role, token: str, peer: P, agent: str | None = None
    ) -> tuple[Room[P], P | None] | None:
        """Put ``peer`` back into its room; returns (room, replaced old handle).

        ``None`` if the token is unknown, its grace period is over, or (for an
        agent) ``agent`` is not the account that joined the room.
        """
        room = self._tokens.get((role, token))
        if room is None or self.rooms.get(room.nameplate) is not room:
            return None
        if role == "agent" and (room.account is None or room.account.name != agent):
            return None
        if room.grace_until is not None and self.clock() >= room.grace_until:
            return None
        old = room.member(role)
        room.set_member(role, peer)
        if room.complete:
            room.grace_until = None
        return room, old

    def expire(self) -> tuple[list[Room[P]], list[Room[P]]]:
        """Close rooms whose time is up: (expired nameplates, rooms past grace)."""
        now = self.clock()
        expired = [r for r in self.rooms.values() if r.joined_at is None and now >= r.expires]
        abandoned = [
            r
            for r in self.rooms.values()
            if r.grace_until is not None and now >= r.grace_until and not r.complete
        ]
        for room in expired + abandoned:
            self.close(room)
        return expired, abandoned
