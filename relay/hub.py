"""The relay's per-connection protocol (docs/protocol.md §1) and shared state.

One :class:`Hub` serves every WebSocket on ``/v1``: it reads the hello, logs
agents in (scrypt on its own threads), hands citizens nameplates, joins agents
to rooms and forwards binary frames between the two members of a room without
looking at them.  Most frames take the fast path of relay/forwarding.py
(:meth:`Hub.route` says where each goes); the rest come through :meth:`Hub._forward`,
which awaits the receiver's ``send`` inside the sender's read loop.  Either way a
receiver that stops reading stops the sender (TCP back-pressure) instead of growing
the relay's memory.

Presence: citizens waiting for an agent get a ``hotline`` message with the number
of signed-in agents after each nameplate and whenever that number changes (on a
cluster node: this node's agents plus the other nodes' from PostgreSQL,
relay/cluster.py).
Outside opening hours a new citizen gets a closed ``hotline`` message and the
connection is closed with 4423 ``closed``; agents may always sign in.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from cobrowse.errors import ConfigError
from relay.accounts import Account, AccountDisabled, AccountStore, BadLogin, UnknownAgent
from relay.addresses import client_address, networks
from relay.audit import AuditLog
from relay.cluster import Cluster
from relay.config import RelayConfig
from relay.forwarding import ForwardingConnection
from relay.guard import Gates
from relay.messages import (
    CLOSE_CODES,
    PEER_LEFT_REASONS,
    Hello,
    Refusal,
    decode,
    encode,
    parse_hello,
    parse_message,
)
from relay.metrics import Metrics
from relay.ratelimit import Limits
from relay.rooms import JoinRefused, NoFreeNameplate, Role, Room, RoomRegistry
from relay.statsapi import StatsService

log = logging.getLogger(__name__)
Tap = Callable[[bytes], None]
WallClock = Callable[[], datetime]
_BROADCAST_TIMEOUT = 2.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def peer_left(reason: str, *, final: bool) -> dict[str, Any]:
    """The ``peer_left`` message (docs/protocol.md §1): ``final`` is False only while
    the room waits for the other side to resume; ``reason`` is one of
    :data:`relay.messages.PEER_LEFT_REASONS`."""
    assert reason in PEER_LEFT_REASONS, reason
    return {"type": "peer_left", "reason": reason, "final": final}


@dataclass(eq=False)
class Conn:
    """One client connection and what the relay knows about it."""

    ws: ServerConnection
    addr: str
    group: str = ""  # the address group rate limits count (relay/guard.py)
    role: Role | None = None
    account: Account | None = None
    room: Room[Conn] | None = None
    paired: bool = False  # has been in a room with two members
    expired_at: float | None = None  # when its nameplate expired without a new one
    closed_by_relay: str | None = None  # the final reason when the relay cut it off

    async def send_json(self, msg: dict[str, Any]) -> None:
        """Send a relay message; a closed connection is dealt with by its own handler."""
        try:
            await self.ws.send(encode(msg))
        except ConnectionClosed:
            pass


class Hub:
    """Rooms, limits and the handler for each connection."""

    def __init__(
        self,
        config: RelayConfig,
        accounts: AccountStore,
        audit: AuditLog,
        metrics: Metrics,
        clock: Callable[[], float],
        *,
        stats: StatsService | None = None,
        wallclock: WallClock = utc_now,
    ) -> None:
        self.config, self.accounts, self.audit, self.metrics = config, accounts, audit, metrics
        self.clock, self.wallclock, self.stats = clock, wallclock, stats
        self.rooms: RoomRegistry[Conn] = RoomRegistry(
            config.nameplate_ttl, config.resume_grace, clock, routes=config.routes
        )
        self.cluster: Cluster | None = None  # set by the server on a cluster node
        self.limits = Limits(config, clock)
        self.gates = Gates(config)  # connection caps, address groups, password pool
        self._proxies = networks(config.trusted_proxies)
        self.conns: set[Conn] = set()
        self.tap: Tap | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._accounts_checked = clock()
        self._dispatch: dict[str, Callable[[Conn, dict[str, Any]], Awaitable[None]]] = {
            "join": self._join,
            "new_nameplate": self._new_nameplate,
            "resume_token": self._resume_token,
            "leave": self._leave,
            "stats_upload": self._stats_upload,
            "stats_request": self._stats_request,
            "chain_heads": self._chain_heads,
            "contacts_request": self._contacts_request,
        }
        metrics.agents_online = lambda: self.local_presence()[0]
        metrics.citizens_waiting = lambda: self.local_presence()[1]

    async def handle(self, ws: ServerConnection) -> None:
        """Serve one WebSocket until it closes (the websockets handler)."""
        peer = str(ws.remote_address[0]) if ws.remote_address else "?"
        forwarded = ws.request.headers.get_all("X-Forwarded-For") if ws.request else []
        conn = Conn(ws, client_address(peer, forwarded, self._proxies))
        conn.group = self.gates.group(conn.addr)
        if not self.gates.connections.admit(conn.addr):
            await ws.close(CLOSE_CODES["busy"], "busy")
            return
        self.conns.add(conn)
        try:
            await self._serve(conn)
        except Refusal as refusal:
            log.info("refused %s (%s): %s", conn.addr, refusal.reason, refusal)
            conn.closed_by_relay = "connection_lost"  # a refused client does not resume
            await ws.close(refusal.code, refusal.reason)
        except ConnectionClosed:
            pass
        finally:
            self.conns.discard(conn)
            self.gates.connections.release(conn.addr)
            if conn.role == "citizen":
                self.gates.citizens.release(conn.addr)
            if conn.role is not None:
                self.metrics.inc("cobrowse_connections", -1, role=conn.role)
            await self._left(conn)
            if conn.role == "agent":
                await self._agents_changed()

    async def _serve(self, conn: Conn) -> None:
        hello = parse_hello(await self._first_message(conn))
        if hello.role == "agent":
            await self._login(conn, hello)
        elif not self.gates.citizens.admit(conn.addr):
            self.metrics.inc("cobrowse_rate_limited_total")
            raise Refusal("rate_limited", "too many citizens from one address group")
        conn.role = "agent" if hello.role == "agent" else "citizen"
        self.metrics.inc("cobrowse_connections", role=conn.role)
        if conn.role == "agent":
            await self._agents_changed()
        if hello.resume is not None:
            await self._resume(conn, hello.resume)
        elif conn.role == "citizen":
            if not self.hotline_open():
                await conn.send_json(self.closed_message())
                raise Refusal("closed", "outside opening hours")
            await self._claim(conn)
        fast = conn.ws if isinstance(conn.ws, ForwardingConnection) else None
        if fast is not None:
            fast.route, fast.max_binary = (
                functools.partial(self.route, conn),
                self.config.max_binary,
            )
            fast.caught_up()
        async for data in conn.ws:
            if isinstance(data, bytes):
                await self._forward(conn, data)
            else:
                msg = parse_message(self._decode_text(conn, data), conn.role)
                await self._dispatch[msg["type"]](conn, msg)
            if fast is not None:
                fast.caught_up()

    def _decode_text(self, conn: Conn, data: str) -> dict[str, Any]:
        """Parse a text frame: ``max_text`` bytes, or ``max_upload`` for an agent's
        ``stats_upload``."""
        limit = self.config.max_text
        if conn.account is None or len(data) <= limit:
            return decode(data, limit)
        msg = decode(data, max(limit, self.config.max_upload))
        if msg["type"] != "stats_upload":
            raise Refusal("too_large", f"text frame over {limit} bytes")
        return msg

    # --- opening hours and presence --------------------------------------------------

    def hotline_open(self) -> bool:
        """True if new citizens are admitted now."""
        if self.config.hotline_always_open:
            return True
        return self.config.opening_hours.is_open(self.wallclock())

    def closed_message(self) -> dict[str, Any]:
        """The ``hotline`` message a citizen gets outside opening hours."""
        hours, now = self.config.opening_hours, self.wallclock()
        try:
            return {
                "type": "hotline",
                "open": False,
                "message_da": hours.closed_message(now, "da"),
                "message_en": hours.closed_message(now, "en"),
                "next_opening": hours.next_opening(now).isoformat(),
            }
        except ConfigError:  # every coming opening is a closed date
            return {
                "type": "hotline",
                "open": False,
                "message_da": "Hotlinen er lukket.",
                "message_en": "The hotline is closed.",
                "next_opening": None,
            }

    def local_presence(self) -> tuple[int, int]:
        """(agents signed in, citizens waiting with a code nobody has joined) here."""
        agents = sum(1 for c in self.conns if c.role == "agent")
        waiting = sum(1 for r in self.rooms if r.joined_at is None and r.citizen is not None)
        return agents, waiting

    def presence(self) -> tuple[int, int]:
        """:meth:`local_presence` plus, on a cluster node, the other live nodes'."""
        agents, waiting = self.local_presence()
        if self.cluster is None:
            return agents, waiting
        other_agents, other_waiting = self.cluster.others
        return agents + other_agents, waiting + other_waiting

    async def _agents_changed(self) -> None:
        """An agent signed in or out here: tell the other nodes, and our citizens."""
        if self.cluster is not None:
            self.cluster.poke()
        await self._announce_presence()

    def _presence_message(self) -> dict[str, Any]:
        agents, waiting = self.presence()
        return {"type": "hotline", "open": True, "agents_online": agents, "waiting": waiting}

    async def announce(self) -> None:
        """The other cluster nodes' presence changed: tell our waiting citizens."""
        await self._announce_presence()

    async def _announce_presence(self) -> None:
        """Tell every waiting citizen how many agents are signed in now.  A citizen
        that does not read cannot hold the caller up for more than a moment."""
        msg = self._presence_message()
        waiting = [
            c
            for c in self.conns
            if c.role == "citizen" and c.room is not None and c.room.joined_at is None
        ]
        if waiting:
            await asyncio.wait(
                [asyncio.create_task(c.send_json(msg)) for c in waiting], timeout=_BROADCAST_TIMEOUT
            )

    async def _first_message(self, conn: Conn) -> dict[str, Any]:
        try:
            async with asyncio.timeout(self.config.hello_timeout):
                data = await conn.ws.recv()
        except TimeoutError:
            raise Refusal("timeout", "no hello in time") from None
        if isinstance(data, bytes):
            raise Refusal("malformed", "binary frame before hello")
        return decode(data, self.config.max_text)

    async def _login(self, conn: Conn, hello: Hello) -> None:
        """Check the password (counted before it is checked, on its own thread pool)
        or, from another cluster node, the ticket it handed out."""
        if not self.limits.begin_login(hello.name, conn.group):
            self._refused_login(conn, hello.name, "rate_limited")
            self.metrics.inc("cobrowse_rate_limited_total")
            raise Refusal("rate_limited", "login locked out or too many at once")
        ok = False
        try:
            if hello.ticket is not None:
                account = await self._redeem(hello.name, hello.ticket)
            else:
                verify = self.accounts.verify
                account = await self.gates.passwords.run(verify, hello.name, hello.password)
            ok = True
        except BadLogin:
            self.metrics.inc("cobrowse_logins_failed_total")
            self._refused_login(conn, hello.name, "bad_login")
            raise Refusal("bad_login") from None
        except AccountDisabled:
            self._refused_login(conn, hello.name, "account_disabled")
            raise Refusal("account_disabled") from None
        finally:
            self.limits.end_login(hello.name, conn.group, ok)
        conn.account = account
        await self._welcome(conn, account, via="ticket" if hello.ticket else "password")

    async def _redeem(self, name: str, ticket: str) -> Account:
        """The account a cluster ticket was issued for (BadLogin if none, or used)."""
        if self.cluster is None or not await asyncio.to_thread(
            self.cluster.redeem_ticket, name, ticket
        ):
            raise BadLogin("no such ticket")
        try:
            account = await asyncio.to_thread(self.accounts.get, name)
        except UnknownAgent:
            raise BadLogin("the account is gone") from None
        if account.disabled:
            raise AccountDisabled(name)
        return account

    async def _welcome(self, conn: Conn, account: Account, via: str) -> None:
        self.audit.write(
            "login",
            agent=account.name,
            municipality=account.municipality,
            role=account.role,
            addr=conn.addr,
            outcome="ok",
            via=via,  # "ticket": moved here from another cluster node
        )
        await conn.send_json(
            {
                "type": "welcome",
                "name": account.name,
                "display_name": account.display_name,
                "municipality": account.municipality,
                "role": account.role,
            }
        )

    def _refused_login(self, conn: Conn, name: str, reason: str) -> None:
        self.audit.write("login", agent=name, addr=conn.addr, outcome="refused", reason=reason)

    async def _claim(self, conn: Conn) -> None:
        if not self.limits.claims.allow(conn.group):
            self.metrics.inc("cobrowse_rate_limited_total")
            raise Refusal("rate_limited", "too many nameplates")
        try:
            room = self.rooms.allocate(conn)
        except NoFreeNameplate as exc:
            raise Refusal("busy", str(exc)) from None
        conn.room, conn.expired_at = room, None
        await conn.send_json(
            {
                "type": "nameplate",
                "nameplate": room.nameplate,
                "ttl": round(self.config.nameplate_ttl),
            }
        )
        await conn.send_json(self._presence_message())

    async def _new_nameplate(self, conn: Conn, msg: dict[str, Any]) -> None:
        room, conn.room = conn.room, None
        if room is not None:
            await self._close_room(room, "code_burnt")
        await self._claim(conn)

    async def _join(self, conn: Conn, msg: dict[str, Any]) -> None:
        assert conn.account is not None
        if conn.room is not None:
            raise Refusal("malformed", "join while in a room")
        nameplate = msg["nameplate"]
        await self._check_account(conn)
        try:
            if not self.limits.may_join(conn.account.name, conn.group):
                self.metrics.inc("cobrowse_rate_limited_total")
                raise JoinRefused("rate_limited", "Too many joins; wait a minute.")
            if self.cluster is not None and nameplate[0] not in self.config.routes:
                if nameplate[0] not in self.cluster.live_routes:  # its node is gone
                    raise JoinRefused("unknown_nameplate", "No citizen is waiting with that code.")
                await self._other_node(conn, nameplate)
                return
            room = self.rooms.join(nameplate, conn, conn.account)
        except JoinRefused as exc:
            await self._join_refused(conn, nameplate, exc)
            return
        conn.room, conn.paired = room, True
        if room.citizen is not None:
            room.citizen.paired = True
        self.metrics.inc("cobrowse_sessions_total")
        self.metrics.pairing_seconds.observe(max(0.0, self.clock() - room.created))
        log.info("agent %s joined a citizen", conn.account.name)
        self._audit_agent("join", conn.account, nameplate, outcome="ok")
        await conn.send_json({"type": "joined", "nameplate": nameplate})
        if room.citizen is not None:
            await room.citizen.send_json(
                {
                    "type": "agent_joined",
                    "name": conn.account.display_name,
                    "municipality": conn.account.municipality,
                }
            )

    async def _other_node(self, conn: Conn, nameplate: str) -> None:
        """The nameplate is another node's: a ticket to sign in there through the
        proxy (``?route=<its first digit>``, docs/protocol.md §1)."""
        assert conn.account is not None and self.cluster is not None
        ticket = await asyncio.to_thread(self.cluster.issue_ticket, conn.account.name)
        self.metrics.inc("cobrowse_joins_rejected_total", reason="other_node")
        await conn.send_json(
            {
                "type": "error",
                "request": "join",
                "reason": "other_node",
                "message": "That code belongs to another relay node.",
                "ticket": ticket,
            }
        )

    async def _join_refused(self, conn: Conn, nameplate: str, exc: JoinRefused) -> None:
        assert conn.account is not None
        self.metrics.inc("cobrowse_joins_rejected_total", reason=exc.reason)
        self._audit_agent("join", conn.account, nameplate, outcome="refused", reason=exc.reason)
        await conn.send_json(
            {"type": "error", "request": "join", "reason": exc.reason, "message": str(exc)}
        )

    async def _leave(self, conn: Conn, msg: dict[str, Any]) -> None:
        """The agent is done with its room but stays signed in for the next citizen.
        Outside a room it is a no-op (it may cross the citizen's ``peer_left``)."""
        room = conn.room
        if room is None:
            return
        conn.room = None
        room.set_member("agent", None)
        await self._close_room(room, "agent_left", peer_reason="left")

    async def _stats_upload(self, conn: Conn, msg: dict[str, Any]) -> None:
        """Store the sessions; over the account's upload rate all of them come back
        rejected as ``rate_limited`` (the agent app keeps them and tries later)."""
        assert conn.account is not None and self.stats is not None
        sessions = msg["sessions"]
        if not self.limits.may_upload(conn.account.name, len(sessions)):
            self.metrics.inc("cobrowse_rate_limited_total")
            await conn.send_json(self.stats.refuse_upload(conn.account, sessions))
            return
        await conn.send_json(await self.stats.upload(conn.account, sessions))

    async def _stats_request(self, conn: Conn, msg: dict[str, Any]) -> None:
        assert conn.account is not None and self.stats is not None
        answer = await self.stats.report(
            conn.account, msg["from"], msg["to"], msg.get("municipality")
        )
        await conn.send_json(answer)

    async def _contacts_request(self, conn: Conn, msg: dict[str, Any]) -> None:
        assert conn.account is not None and self.stats is not None
        answer = await self.stats.contacts(
            conn.account, msg["from"], msg["to"], msg.get("municipality"), msg.get("offset", 0)
        )
        await conn.send_json(answer)

    async def _chain_heads(self, conn: Conn, msg: dict[str, Any]) -> None:
        """The stored chain heads of the agent's own sessions (docs/protocol.md §1)."""
        assert conn.account is not None and self.stats is not None
        store, name = self.stats.store, conn.account.name
        heads = await asyncio.to_thread(store.chain_heads, name, msg["session_ids"])
        await conn.send_json({"type": "chain_heads", "heads": heads})

    async def _resume_token(self, conn: Conn, msg: dict[str, Any]) -> None:
        assert conn.role is not None
        room = conn.room
        if room is None or room.joined_at is None:
            raise Refusal("malformed", "resume_token outside a paired room")
        self.rooms.register_token(room, conn.role, msg["token"])

    async def _resume(self, conn: Conn, token: str) -> None:
        assert conn.role is not None
        agent = conn.account.name if conn.account else None
        found = self.rooms.resume(conn.role, token, conn, agent)
        if found is None:
            raise Refusal("unknown_resume")
        room, old = found
        if old is not None and old is not conn:
            old.room = None
            self._close_later(old, 1000, "replaced")
        conn.room, conn.paired = room, True
        other = room.other(conn.role)
        await conn.send_json(
            {"type": "resumed", "nameplate": room.nameplate, "peer": other is not None}
        )
        if other is not None:
            await other.send_json({"type": "peer_back"})

    def route(self, conn: Conn, data: bytes) -> ForwardingConnection | None:
        """The fast path's question for a binary frame ``conn`` sent: the connection
        to forward it to, with the frame counted (and tapped), or None to leave the
        frame to :meth:`_forward` (no complete room: drop or refuse it there)."""
        room = conn.room
        if room is None or conn.role is None or not room.complete:
            return None
        peer = room.other(conn.role)
        if peer is None or not isinstance(peer.ws, ForwardingConnection):
            return None
        self._counted(room, conn.role, data)
        return peer.ws

    def _counted(self, room: Room[Conn], role: Role, data: bytes) -> None:
        """A frame ``role`` sent is being forwarded (either path): tap and count it."""
        if self.tap is not None:
            self.tap(data)
        room.count(role, len(data))
        self.metrics.forwarded(role, len(data))

    async def _forward(self, conn: Conn, data: bytes) -> None:
        room = conn.room
        assert conn.role is not None
        peer = room.other(conn.role) if room is not None else None
        if len(data) > self.config.max_binary:
            raise Refusal("too_large", f"binary frame over {self.config.max_binary} bytes")
        if room is None or peer is None or not room.complete:
            if conn.paired:
                return  # the peer just left (peer_left is on its way): drop late frames
            raise Refusal("malformed", "binary frame outside a complete room")
        self._counted(room, conn.role, data)
        try:
            await peer.ws.send(data)  # blocks while the receiver is not reading
        except ConnectionClosed:
            pass  # the receiver's own handler reports that it left

    async def _left(self, conn: Conn) -> None:
        """``conn`` closed: keep its room for a resume, or close it for good."""
        room, role = conn.room, conn.role
        if room is None or role is None:
            return
        conn.room = None
        if conn.closed_by_relay is not None:  # we cut it off: no resume
            room.set_member(role, None)
            await self._close_room(room, conn.closed_by_relay, peer_reason=conn.closed_by_relay)
            return
        dropped = conn.ws.close_code != 1000
        if dropped and self.rooms.leave(room, role):
            other = room.other(role)
            if other is not None:
                await other.send_json(peer_left("connection_lost", final=False))
            return
        room.set_member(role, None)
        await self._close_room(
            room, f"{role}_left", peer_reason="connection_lost" if dropped else "left"
        )

    async def _close_room(
        self, room: Room[Conn], reason: str, peer_reason: str | None = None
    ) -> None:
        """Close ``room`` for good, tell whoever is still in it, and audit it."""
        self.rooms.close(room)
        for member in (room.citizen, room.agent):
            if member is not None and member.room is room:
                member.room = None
                await member.send_json(peer_left(peer_reason or reason, final=True))
        self._audit_room(room, reason)

    async def sweep(self) -> None:
        """Expire nameplates and rooms whose grace ran out (called every second)."""
        expired, abandoned = self.rooms.expire()
        is_open = self.hotline_open() if expired else True
        for room in expired:
            if room.citizen is not None and room.citizen.room is room:
                room.citizen.room = None
                await self._nameplate_expired(room.citizen, is_open)
            self._audit_room(room, "expired")
        for room in abandoned:
            await self._close_room(room, "timeout")
        self._close_expired_citizens()
        self.limits.prune()
        if self.clock() - self._accounts_checked >= self.config.account_recheck:
            await self.recheck_accounts()

    async def recheck_accounts(self) -> None:
        """Let IT staff's changes reach agents who are signed in: a disabled or removed
        account is cut off (``account_disabled``), a changed role applies at once."""
        self._accounts_checked = self.clock()
        agents = [c for c in self.conns if c.account is not None]
        if not agents:
            return
        current = {a.name: a for a in await asyncio.to_thread(self.accounts.list)}
        for conn in agents:
            if not self._refresh_account(conn, current.get(conn.account.name)):  # type: ignore[union-attr]
                conn.closed_by_relay = "account_disabled"  # its room ends now, no grace
                self._close_later(conn, CLOSE_CODES["account_disabled"], "account_disabled")

    async def _check_account(self, conn: Conn) -> None:
        """Before a join: the account as it is now; Refusal if it was disabled meanwhile."""
        assert conn.account is not None
        try:
            account = await asyncio.to_thread(self.accounts.get, conn.account.name)
        except UnknownAgent:
            account = None
        if not self._refresh_account(conn, account):
            raise Refusal("account_disabled", "disabled while signed in")

    def _refresh_account(self, conn: Conn, account: Account | None) -> bool:
        """Take on ``account``'s current state; False if it is gone or disabled."""
        assert conn.account is not None
        if account is not None and not account.disabled:
            conn.account = account
            return True
        log.info("agent %s cut off: account disabled", conn.account.name)
        self.audit.write(
            "account_disabled", agent=conn.account.name, municipality=conn.account.municipality
        )
        return False

    async def _nameplate_expired(self, citizen: Conn, is_open: bool) -> None:
        """Ask for a new code, or, once the hotline has closed, say so and hang up."""
        if is_open:
            citizen.expired_at = self.clock()
            await citizen.send_json({"type": "nameplate_expired"})
            return
        await citizen.send_json(self.closed_message())
        self._close_later(citizen, CLOSE_CODES["closed"], "closed")

    def _close_expired_citizens(self) -> None:
        """Hang up on citizens that did not ask for a new code within
        ``hello_timeout`` of their nameplate expiring: an idle connection holds a
        file descriptor and a place in its address group's citizen cap."""
        limit = self.clock() - self.config.hello_timeout
        for conn in list(self.conns):
            if conn.room is None and conn.expired_at is not None and conn.expired_at <= limit:
                conn.expired_at = None
                self._close_later(conn, CLOSE_CODES["timeout"], "timeout")

    def _close_later(self, conn: Conn, code: int, reason: str) -> None:
        """Close ``conn`` without waiting for its handshake (kept referenced until done)."""
        task = asyncio.get_running_loop().create_task(conn.ws.close(code, reason))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self) -> None:
        """Close every room that is still open (the relay is stopping)."""
        for room in self.rooms:
            self.rooms.close(room)
            self._audit_room(room, "relay_stopped")
        self.gates.passwords.close()

    def _audit_agent(self, event: str, account: Account, nameplate: str, **fields: str) -> None:
        self.audit.write(
            event,
            agent=account.name,
            municipality=account.municipality,
            nameplate=nameplate,
            **fields,
        )

    def _audit_room(self, room: Room[Conn], reason: str) -> None:
        log.info("room closed (%s): %d rooms open", reason, len(self.rooms))
        if room.joined_at is None or room.account is None:
            self.audit.write(
                "nameplate_closed",
                nameplate=room.nameplate,
                reason=reason,
                duration=round(self.clock() - room.created, 3),
            )
            return
        self.metrics.session_seconds.observe(max(0.0, self.clock() - room.joined_at))
        self.audit.write(
            "session_end",
            agent=room.account.name,
            municipality=room.account.municipality,
            nameplate=room.nameplate,
            outcome="closed",
            reason=reason,
            duration=round(self.clock() - room.joined_at, 3),
            bytes_citizen_to_agent=room.forwarded["citizen_to_agent"],
            bytes_agent_to_citizen=room.forwarded["agent_to_citizen"],
        )
