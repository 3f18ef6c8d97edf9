"""The agent's endpoint: signs in, joins a citizen's code, carries the session, and
asks the relay for statistics.

Behind a cluster of relays (docs/scale.md) the agent signs in on any node; a code
whose nameplate another node holds is answered with ``other_node`` and a ticket,
and the endpoint moves: it signs in with the ticket through the proxy at
``?route=<the nameplate's first digit>``, swaps connections, and joins there.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import secrets
import time
from collections import deque
from collections.abc import Callable
from datetime import date
from typing import Any

from cobrowse import PROTOCOL_VERSION
from cobrowse.errors import ProtocolError, RelayRefused, TransportError
from cobrowse.session import events as ev
from cobrowse.session._endpoint_base import EventSink, _Endpoint, _live_pair, _settle
from cobrowse.session.acks import DelayedAcks
from cobrowse.session.codes import SessionCode, parse_code
from cobrowse.session.notices import (
    Joined,
    JoinFailed,
    LinkStats,
    PeerBack,
    SignedIn,
    SignInFailed,
    StatsError,
    StatsRefused,
    StatsReport,
    StatsStored,
)
from cobrowse.session.protocol import FrameReceived, Session
from cobrowse.session.transport import ClientConnection, Link, open_relay, routed_url

_STATS_ANSWERS = ("stats_stored", "stats", "contacts")
_STATS_REQUESTS = ("stats_request", "contacts_request")  # errors answering them
MAX_UPLOAD_BYTES = 128 * 1024  # one stats_upload message (docs/protocol.md §1)
MAX_UPLOAD_SESSIONS = 50
BUSY_BYTES = 8192
"""Bytes received since the last end-to-end Ping that make the link count as busy."""


class AgentEndpoint(_Endpoint):
    """Signs in, joins a citizen's code, and carries the session.

    ``frame_sink(frame_id, payload)`` decodes screen updates in a worker thread, one
    at a time in arrival order (each is acknowledged when it returns; if it returns
    True the picture was lost and a KeyframeRequest follows the ack).
    ``frame_forget()`` runs in that same order when the citizen pauses or the session
    ends: after every frame that came before, before any that comes after.
    """

    role = ev.AGENT

    def __init__(
        self,
        relay_url: str,
        on_event: EventSink,
        *,
        name: str,
        password: str,
        frame_sink: Callable[[int, bytes], bool | None] | None = None,
        frame_forget: Callable[[], None] | None = None,
        ping_interval: float = 2.0,
        idle_ping_interval: float = 120.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(relay_url, on_event, **kwargs)
        self._name = name
        self._password = password
        self._frame_sink = frame_sink
        self._frame_forget = frame_forget
        self._ping_interval, self._idle_ping_interval = ping_interval, idle_ping_interval
        self._pings: dict[int, float] = {}
        self._ping_last, self._ping_seen = time.monotonic(), 0
        self._frame_lock: asyncio.Lock | None = None
        self._acks = DelayedAcks(time.monotonic)
        self._ack_timer: asyncio.TimerHandle | None = None
        self._in_room = False  # the relay holds a room for us: leave it when done
        self._moved: tuple[ClientConnection, str] | None = None  # other_node: _move
        self._rejoin: str | None = None  # the nameplate to join on the next connection
        self._joining = ""  # the nameplate of the last join asked for
        self._moved_for = ""  # ... and the one we already moved for (move once)
        self._uploads: deque[concurrent.futures.Future[StatsStored]] = deque()
        self._stats: deque[concurrent.futures.Future[dict[str, Any]]] = deque()
        self.account: SignedIn | None = None

    def sign_in(self) -> None:
        """Connect and log in; reports SignedIn or SignInFailed."""
        self._net.submit(self._sign_in())

    def join(self, code_text: str) -> SessionCode:
        """Join the citizen's code.  Raises CodeError at once if it is malformed."""
        code = parse_code(code_text)
        self._net.call(self._join, code)
        return code

    def leave(self) -> None:
        """Leave the relay room (after the session's last records) and stay signed
        in for the next :meth:`join`.  Done automatically when a session ends."""
        self._net.call(self._leave)

    def upload(self, payloads: list[dict[str, Any]]) -> concurrent.futures.Future[StatsStored]:
        """Send session uploads (``SessionLog.session_upload``) to the relay.

        Reports :class:`StatsStored`; the returned future resolves to it (on the
        network thread) or fails with :class:`StatsError`.  Raises ValueError at
        once for an empty list or one over the protocol's limits
        (:data:`MAX_UPLOAD_SESSIONS`, :data:`MAX_UPLOAD_BYTES`).
        """
        text = json.dumps(
            {"type": "stats_upload", "sessions": payloads},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        if not 0 < len(payloads) <= MAX_UPLOAD_SESSIONS:
            raise ValueError(f"upload 1-{MAX_UPLOAD_SESSIONS} sessions at a time")
        if len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
            raise ValueError(f"upload over {MAX_UPLOAD_BYTES} bytes; send fewer sessions")
        future: concurrent.futures.Future[StatsStored] = concurrent.futures.Future()
        self._net.call(self._request, self._uploads, future, text)
        return future

    def request_stats(
        self, date_from: date, date_to: date, municipality: str | None = None
    ) -> concurrent.futures.Future[dict[str, Any]]:
        """Ask for the hotline report (supervisors: always their own municipality's;
        admins: ``municipality``'s, or all).

        Reports :class:`StatsReport` or :class:`StatsRefused`; the returned future
        resolves to the report dict or fails with :class:`StatsError`.
        """
        msg = {"type": "stats_request", "from": date_from.isoformat(), "to": date_to.isoformat()}
        if municipality is not None:
            msg["municipality"] = municipality
        text = json.dumps(msg, ensure_ascii=False)
        future: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
        self._net.call(self._request, self._stats, future, text)
        return future

    def request_contacts(
        self, date_from: date, date_to: date, municipality: str | None = None, offset: int = 0
    ) -> concurrent.futures.Future[dict[str, Any]]:
        """Ask for one page of contact records (supervisors: their own municipality;
        admins: ``municipality`` or all).  The future resolves to the ``contacts``
        message (``contacts``, ``total``, ``next_offset``; docs/protocol.md §1) or
        fails with :class:`StatsError`."""
        msg: dict[str, Any] = {
            "type": "contacts_request",
            "from": date_from.isoformat(),
            "to": date_to.isoformat(),
            "offset": offset,
        }
        if municipality is not None:
            msg["municipality"] = municipality
        future: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
        self._net.call(self._request, self._stats, future, json.dumps(msg, ensure_ascii=False))
        return future

    def _request(
        self, pending: deque[Any], future: concurrent.futures.Future[Any], text: str
    ) -> None:
        if self._link is None:
            _settle(future, StatsError("not_signed_in", "not connected to the relay"))
            return
        pending.append(future)  # the relay answers in order
        asyncio.ensure_future(self._send_ordered(self._link, None, text))

    def _leave(self) -> None:
        if self._link is not None and self._in_room:
            self._in_room = False
            leave = json.dumps({"type": "leave"})
            asyncio.ensure_future(self._send_ordered(self._link, self.session, leave))

    def _fail_pending(self, reason: str) -> None:
        for pending in (self._uploads, self._stats):
            while pending:
                _settle(pending.popleft(), StatsError(reason, "the relay connection ended"))

    async def _login(self, url: str, secret: dict[str, str]) -> ClientConnection | SignInFailed:
        """Connect to ``url`` and sign in with ``secret`` (password or ticket); the
        socket, or a :class:`SignInFailed` saying why not."""
        hello = {"type": "hello", "version": PROTOCOL_VERSION, "role": "agent"}
        try:
            ws, reply = await open_relay(url, {**hello, "name": self._name, **secret})
        except RelayRefused as exc:
            return SignInFailed(exc.reason, str(exc))
        except (TransportError, ProtocolError, TimeoutError) as exc:
            return SignInFailed("unreachable", str(exc))
        if reply.get("type") != "welcome":
            await ws.close()
            return SignInFailed("protocol", "unexpected answer from the relay")
        self.account = SignedIn(
            self._name,
            str(reply.get("display_name", self._name)),
            str(reply.get("municipality", "")),
            str(reply.get("role", "agent")),
        )
        return ws

    async def _sign_in(self) -> None:
        ws = await self._login(self.relay_url, {"password": self._password})
        if isinstance(ws, SignInFailed):
            self._emit(ws)
            return
        assert self.account is not None
        self._main = asyncio.current_task()
        self._emit(self.account)
        while True:  # a second round only after a move to another node (_move)
            reason = await self._serve(ws)
            if self._moved is None:
                break
            (ws, self._rejoin), self._moved = self._moved, None
        if self.session is not None and self.session.state.value != "ended":
            self.session.close("relay_lost")  # no resume for the agent: over for good
            self._flush()
        self._emit(SignInFailed(reason.reason, str(reason)))

    async def _serve(self, ws: ClientConnection) -> TransportError:
        """Carry one signed-in connection until it ends; why it ended."""
        self._link = Link(ws, self.session, self._on_relay, self._flush)
        if self._rejoin is not None:  # we came here for this nameplate: join it now
            self._relay_send({"type": "join", "nameplate": self._rejoin})
            self._rejoin = None
        pinger = asyncio.create_task(self._pinger())
        try:
            return await self._link.run()
        finally:  # also when stop() cancels us: nobody waits forever for an answer
            pinger.cancel()
            self._link = None
            self._in_room = False
            self._fail_pending("connection_lost")

    async def _move(self, ticket: str, nameplate: str) -> None:
        """``other_node``: sign in on the node holding ``nameplate`` with the ticket,
        then close this connection; :meth:`_sign_in` carries on with the new one."""
        ws = await self._login(routed_url(self.relay_url, nameplate), {"ticket": ticket})
        if isinstance(ws, SignInFailed):
            self._emit(JoinFailed("unreachable", ws.message))
            return
        old = self._link
        if old is None or self._stopping:
            await ws.close()
            return
        self._moved = (ws, nameplate)
        await old.ws.close()

    def _may_move(self) -> bool:
        """Move once per join: a second ``other_node`` means ``?route=`` did not reach
        the right node (no proxy in front, or it routes wrong): a JoinFailed, no loop."""
        if not self._joining or self._moved_for == self._joining:
            return False
        self._moved_for = self._joining
        return True

    def _join(self, code: SessionCode) -> None:
        if self._link is None:
            self._emit(JoinFailed("not_signed_in", "not connected to the relay"))
            return
        if self._in_room:
            self._emit(JoinFailed("in_room", "end the current session first"))
            return
        self.session = Session(ev.AGENT, code, entropy=self._entropy)
        self._link.session = self.session
        self._joining, self._moved_for = code.nameplate, ""
        self._relay_send({"type": "join", "nameplate": code.nameplate})

    async def _on_relay(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "joined" and self.session is not None:
            self._in_room = True
            self._emit(Joined(str(msg.get("nameplate", ""))))
            self.session.start()
        elif kind in _STATS_ANSWERS or msg.get("request") in _STATS_REQUESTS:
            self._stats_answer(msg)
        elif kind == "error" and msg.get("reason") == "other_node" and self._may_move():
            asyncio.ensure_future(self._move(str(msg.get("ticket", "")), self._joining))
        elif kind == "error":
            self._emit(JoinFailed(str(msg.get("reason", "error")), str(msg.get("message", ""))))
        elif kind == "peer_left" and self.session is not None:
            self._in_room = self._in_room and msg.get("final") is False
            self._peer_left(self.session, msg)
        elif kind == "peer_back" and _live_pair(self.session):
            self.session.new_connection()
            self._emit(PeerBack())
        self._flush()

    def _stats_answer(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "stats_stored":
            rejected = tuple(
                (r.get("session_id"), str(r.get("reason", "")))
                for r in msg.get("rejected", [])
                if isinstance(r, dict)
            )
            stored = StatsStored(tuple(str(s) for s in msg.get("session_ids", [])), rejected)
            self._emit(stored)
            if self._uploads:
                _settle(self._uploads.popleft(), stored)
        elif kind == "contacts":
            if self._stats:
                _settle(self._stats.popleft(), msg)
        elif kind == "stats":
            report = msg.get("report")
            if not isinstance(report, dict):
                raise ProtocolError("stats without a report")
            self._emit(StatsReport(report))
            if self._stats:
                _settle(self._stats.popleft(), report)
        else:
            refused = StatsRefused(str(msg.get("reason", "error")), str(msg.get("message", "")))
            if msg.get("request") == "stats_request":  # the report's listeners
                self._emit(refused)
            if self._stats:
                _settle(self._stats.popleft(), StatsError(refused.reason, refused.message))

    def _on_session_event(self, event: object) -> None:
        if isinstance(event, ev.PrivacyPause | ev.SessionEnded) and self._frame_forget:
            asyncio.ensure_future(self._forget_frames())
        if isinstance(event, ev.SessionEnded):
            super()._on_session_event(event)
            self._leave()
            return
        if isinstance(event, FrameReceived):
            asyncio.get_running_loop().call_soon(self._ping)
            asyncio.ensure_future(self._apply_frame(event))
            return
        if isinstance(event, ev.Pong):
            sent = self._pings.pop(event.nonce, None)
            if sent is not None and self._link is not None:
                self._emit(
                    LinkStats(
                        (time.monotonic() - sent) * 1000, self._link.bytes_in, self._link.bytes_out
                    )
                )
            return
        super()._on_session_event(event)

    async def _apply_frame(self, frame: FrameReceived) -> None:
        """Decode off the loop, one frame at a time in arrival order, then ack."""
        if self._frame_lock is None:
            self._frame_lock = asyncio.Lock()
        async with self._frame_lock:
            lost = False
            if self._frame_sink is not None:
                lost = bool(
                    await asyncio.to_thread(self._frame_sink, frame.frame_id, frame.payload)
                )
            else:
                self._emit(frame)
            self._ack(frame.frame_id, urgent=lost)
            if lost:
                self._send(ev.KeyframeRequest())

    def _ack(self, frame_id: int, *, urgent: bool) -> None:
        """Cumulative and lazy (:class:`DelayedAcks`); ``urgent`` sends it now."""
        ready = self._acks.applied(frame_id)
        if urgent and ready is None:
            ready = self._acks.flush()
        if ready is not None:
            self._send(ev.FrameAck(*ready))
        elif self._ack_timer is None:
            loop = asyncio.get_running_loop()
            self._ack_timer = loop.call_later(self._acks.delay, self._held_ack)

    def _held_ack(self) -> None:
        self._ack_timer = None
        ready = self._acks.flush()
        if ready is not None:
            self._send(ev.FrameAck(*ready))

    async def _forget_frames(self) -> None:
        """Paused or ended: once the frames that came before are decoded, and before
        any that come after, ``frame_forget`` drops the picture of the citizen's screen."""
        if self._frame_lock is None:
            self._frame_lock = asyncio.Lock()
        async with self._frame_lock:
            if self._frame_forget is not None:
                await asyncio.to_thread(self._frame_forget)

    async def _pinger(self) -> None:
        """The idle end-to-end Ping: every ``idle_ping_interval`` on a still screen."""
        while True:
            await asyncio.sleep(self._ping_interval)
            self._ping()

    def _ping(self) -> None:
        """Send an end-to-end Ping (its round trip is what the status line shows) if
        one is due: with a screen update, when ``ping_interval`` has passed and
        :data:`BUSY_BYTES` arrived since the last Ping (so a Ping is a few per cent of
        the traffic, a blinking caret does not pay for one every 2 s, and none follows
        the end of a change); else after ``idle_ping_interval`` (docs/protocol.md §2.7)."""
        now, link, s = time.monotonic(), self._link, self.session
        received = link.bytes_in if link is not None else 0
        self._ping_seen = min(self._ping_seen, received)  # a new connection counts from 0
        since = now - self._ping_last
        busy = received - self._ping_seen >= BUSY_BYTES and since >= self._ping_interval
        if not (busy or since >= self._idle_ping_interval):
            return
        if s is not None and s.secured and s.state.value not in ("waiting", "ended"):
            nonce = secrets.randbits(62)
            self._pings = {nonce: now}
            self._send(ev.Ping(nonce))
            self._ping_last, self._ping_seen = now, received
