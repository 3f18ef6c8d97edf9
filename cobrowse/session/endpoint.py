"""Citizen and agent endpoints: a Session, a relay connection and a loop thread.

The apps (and the benchmark) use these; they never touch sockets themselves.
Every public method is thread-safe.  Everything that happens is reported as an
event object through ``on_event``, called **on the network thread** - a GUI must
hand it over to its own thread (a queued Qt signal) before touching widgets.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
import secrets
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, TypeGuard

from websockets.exceptions import ConnectionClosed

from cobrowse import PROTOCOL_VERSION
from cobrowse.errors import CobrowseError, ProtocolError, RelayRefused, TransportError
from cobrowse.session import events as ev
from cobrowse.session.codes import SessionCode, draw_secret, parse_code, validate_nameplate
from cobrowse.session.loop import LoopThread
from cobrowse.session.notices import (  # re-exported: apps import them from here
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
from cobrowse.session.protocol import FrameReceived, Session
from cobrowse.session.transport import Link, open_relay

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

log = logging.getLogger(__name__)
EventSink = Callable[[object], None]
MAX_UPLOAD_BYTES = 128 * 1024  # one stats_upload message (docs/protocol.md §1)
MAX_UPLOAD_SESSIONS = 50


class _Endpoint:
    """Shared plumbing: the loop thread, the link, event delivery."""

    role = ""

    def __init__(
        self, relay_url: str, on_event: EventSink, *, entropy: Callable[[int], bytes] = os.urandom
    ) -> None:
        self.relay_url = relay_url
        self._emit = on_event
        self._entropy = entropy
        self._net = LoopThread(f"cobrowse-{self.role}-net")
        self._link: Link | None = None
        self._main: asyncio.Task[None] | None = None
        self._stopping = False
        self._relay_lock = asyncio.Lock()  # relay messages leave in the order asked
        self.session: Session | None = None

    # thread-safe API -------------------------------------------------------

    def send(self, msg: ev.Message) -> None:
        """Queue a session message (dropped quietly if the session is not live)."""
        self._net.call(self._send, msg)

    def end(self, reason: str = "done") -> None:
        self._net.call(self._end, reason)

    def stop(self, timeout: float = 3.0) -> None:
        """Close the connection politely, then join the network thread."""
        try:
            self._net.submit(self._close()).result(timeout)
        except Exception:  # noqa: BLE001 - best effort; the loop is stopped below anyway
            log.debug("closing the relay connection failed", exc_info=True)
        self._net.stop()

    async def _close(self) -> None:
        self._stopping = True
        if self._link is not None:
            await asyncio.wait_for(self._link.ws.close(), 2)

    # loop-thread internals -------------------------------------------------

    def _send(self, msg: ev.Message) -> None:
        if self.session is None or self.session.state.value in ("waiting", "ended"):
            return
        try:
            self.session.send(msg)
        except CobrowseError as exc:
            log.warning("not sent: %s", exc)
        self._flush()

    def _end(self, reason: str) -> None:
        if self.session is not None:
            self.session.close(reason)
            self._flush()

    def _flush(self) -> None:
        """Deliver the session's events and wake the writer."""
        if self.session is not None:
            for event in self.session.events_received():
                self._on_session_event(event)
        if self._link is not None:
            self._link.wake()

    def _on_session_event(self, event: object) -> None:
        if isinstance(event, ev.Paired) and self.session is not None:
            self._relay_send({"type": "resume_token", "token": self.session.resume_token})
        self._emit(event)

    def _peer_left(self, session: Session, msg: dict[str, Any]) -> None:
        """``peer_left``: a drop the room waits out (``final: false``: view-only, and
        :class:`PeerLeft` is reported), or the room's end (the session ends, by the peer)."""
        reason = str(msg.get("reason", ""))
        if msg.get("final") is False:
            session.connection_lost()
            self._emit(PeerLeft(reason))
        else:
            session.peer_gone(reason)

    def _relay_send(self, msg: dict[str, Any]) -> None:
        if self._link is not None:
            asyncio.ensure_future(self._send_ordered(self._link, None, json.dumps(msg)))

    async def _send_ordered(self, link: Link, drain: Session | None, text: str) -> None:
        """Send ``text`` after earlier relay messages - and, with ``drain``, after
        everything that session still has queued (its End before a ``leave``)."""
        async with self._relay_lock:
            try:
                while drain is not None and (data := drain.next_outgoing()) is not None:
                    link.bytes_out += len(data)
                    await link.ws.send(data)
                await link.ws.send(text)
            except ConnectionClosed:
                pass  # the link's reader reports the loss


class CitizenEndpoint(_Endpoint):
    """Gets a code, waits for an agent, pairs, and carries the session."""

    role = ev.CITIZEN

    def __init__(
        self,
        relay_url: str,
        on_event: EventSink,
        *,
        randbelow: Callable[[int], int] = secrets.randbelow,
        retry_delays: tuple[float, ...] = (1, 2, 5, 10),
        resume_grace: float = 60,
        closed_retry: float = 60,
        **kwargs: Any,
    ) -> None:
        super().__init__(relay_url, on_event, **kwargs)
        self._randbelow = randbelow
        self._retry = retry_delays
        self._closed_retry = closed_retry
        self._grace = resume_grace
        self._own_end = False  # end() was asked for: no fresh code by itself
        self.code: SessionCode | None = None

    def start(self) -> None:
        self._net.submit(self._run())

    def send_frame(self, frame_id: int, payload: bytes) -> None:
        self._net.call(self._send_frame, frame_id, payload)

    def new_code(self) -> None:
        """Burn the current code and ask the relay for a fresh one."""
        self._net.call(self._relay_send, {"type": "new_nameplate"})

    def _send_frame(self, frame_id: int, payload: bytes) -> None:
        if self.session is not None and self.session.send_frame(frame_id, payload):
            self._flush()

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            resume = self._resumable()
            hello = {"type": "hello", "version": PROTOCOL_VERSION, "role": "citizen"}
            if resume:
                hello["resume"] = resume
            try:
                ws, reply = await open_relay(self.relay_url, hello)
            except RelayRefused as exc:
                if resume:
                    self._give_up(exc.reason)
                    continue
                delay = self._retry[min(attempt, len(self._retry) - 1)]
                self._emit(RelayUnreachable(str(exc), delay))
                attempt += 1
                await asyncio.sleep(delay)
                continue
            except (TransportError, ProtocolError, TimeoutError) as exc:
                if resume and self._resume_expired():
                    self._give_up("connection_lost")
                    continue
                delay = self._retry[min(attempt, len(self._retry) - 1)]
                self._emit(RelayUnreachable(str(exc), delay))
                attempt += 1
                await asyncio.sleep(delay)
                continue
            attempt = 0
            if reply.get("type") == "hotline" and reply.get("open") is False:
                await ws.close()
                await asyncio.sleep(self._hotline_closed(reply))
                continue
            self._link = Link(ws, self.session if resume else None, self._on_relay, self._flush)
            await self._on_relay(reply)
            reason = await self._link.run()
            self._link = None
            self._lost(reason)

    def _hotline_closed(self, msg: dict[str, Any]) -> float:
        """Report the closed hotline; returns how long to wait before trying again
        (``closed_retry``, or less when it opens sooner)."""
        opening = msg.get("next_opening")
        delay = self._closed_retry
        try:
            until = (datetime.fromisoformat(str(opening)) - datetime.now(UTC)).total_seconds()
            if 0 < until + 1 < delay:
                delay = until + 1
        except (TypeError, ValueError):
            opening = None
        self._emit(
            HotlineStatus(
                False,
                message_da=str(msg.get("message_da", "")),
                message_en=str(msg.get("message_en", "")),
                next_opening=opening,
                retry_in=delay,
            )
        )
        return delay

    def _resumable(self) -> str | None:
        s = self.session
        if s is None or s.resume_token is None or s.state.value == "ended":
            return None
        return s.resume_token

    def _lost(self, reason: TransportError) -> None:
        s = self.session
        if s is not None and s.resume_token is not None and s.state.value != "ended":
            s.connection_lost()
            self._lost_at = time.monotonic()
            self._flush()
            self._emit(Reconnecting(str(reason)))
            return
        if s is not None and s.state.value != "ended":  # mid-pairing: that code is gone
            s.close("connection_lost")
            self._flush()
        self.session = None  # the next connection gets a fresh code

    def _resume_expired(self) -> bool:
        return time.monotonic() - getattr(self, "_lost_at", 0.0) > self._grace

    def _give_up(self, reason: str) -> None:
        if self.session is not None:
            self.session.close("connection_lost")
            self._flush()
        self.session = None

    async def _on_relay(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "nameplate":
            self._new_nameplate(str(msg.get("nameplate", "")))
        elif kind == "agent_joined" and self.session is not None:
            self._emit(AgentJoined(str(msg.get("name", "")), str(msg.get("municipality", ""))))
            self.session.start()
        elif kind == "nameplate_expired":
            self._relay_send({"type": "new_nameplate"})
        elif kind == "hotline" and msg.get("open") is False:
            self._hotline_closed(msg)  # the relay hangs up; _run tries again
        elif kind == "hotline":
            self._emit(
                HotlineStatus(True, _count(msg.get("agents_online")), _count(msg.get("waiting")))
            )
        elif kind == "peer_left" and self.session is not None:
            self._peer_left(self.session, msg)
        elif kind == "peer_back" and _live_pair(self.session):
            self.session.new_connection()
            self._emit(PeerBack())
        elif kind == "resumed" and _live_pair(self.session):
            self.session.new_connection()
        elif kind == "error":
            log.warning("relay error: %s", msg.get("reason"))
        self._flush()

    def _new_nameplate(self, nameplate: str) -> None:
        try:
            validate_nameplate(nameplate)
        except CobrowseError:
            raise ProtocolError("relay sent a bad nameplate") from None
        self.code = SessionCode(nameplate, draw_secret(self._randbelow))
        self.session = Session(ev.CITIZEN, self.code, entropy=self._entropy)
        self._own_end = False
        if self._link is not None:
            self._link.session = self.session
        self._emit(CodeReady(self.code))

    def _end(self, reason: str) -> None:
        self._own_end = True
        super()._end(reason)

    def _send(self, msg: ev.Message) -> None:
        if isinstance(msg, ev.End):
            self._own_end = True
        super()._send(msg)

    def _on_session_event(self, event: object) -> None:
        super()._on_session_event(event)
        if isinstance(event, ev.SessionEnded) and not self._own_end:
            # Any end the citizen did not ask for (wrong code, a bad PAKE, the agent
            # ended or left, the room closed): that code is burnt, get a fresh one
            # at once.  Without a link the next connection gets one anyway.
            self._relay_send({"type": "new_nameplate"})


class AgentEndpoint(_Endpoint):
    """Signs in, joins a citizen's code, and carries the session.

    ``frame_sink(frame_id, payload)`` decodes screen updates in a worker thread, one
    at a time in arrival order (each is acknowledged when it returns).
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
        frame_sink: Callable[[int, bytes], None] | None = None,
        frame_forget: Callable[[], None] | None = None,
        ping_interval: float = 2.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(relay_url, on_event, **kwargs)
        self._name = name
        self._password = password
        self._frame_sink = frame_sink
        self._frame_forget = frame_forget
        self._ping_interval = ping_interval
        self._pings: dict[int, float] = {}
        self._frame_lock: asyncio.Lock | None = None
        self._in_room = False  # the relay holds a room for us: leave it when done
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
        self, date_from: date, date_to: date
    ) -> concurrent.futures.Future[dict[str, Any]]:
        """Ask for the hotline report (supervisors and admins only).

        Reports :class:`StatsReport` or :class:`StatsRefused`; the returned future
        resolves to the report dict or fails with :class:`StatsError`.
        """
        text = json.dumps(
            {"type": "stats_request", "from": date_from.isoformat(), "to": date_to.isoformat()}
        )
        future: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
        self._net.call(self._request, self._stats, future, text)
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

    async def _sign_in(self) -> None:
        hello = {
            "type": "hello",
            "version": PROTOCOL_VERSION,
            "role": "agent",
            "name": self._name,
            "password": self._password,
        }
        try:
            ws, reply = await open_relay(self.relay_url, hello)
        except RelayRefused as exc:
            self._emit(SignInFailed(exc.reason, str(exc)))
            return
        except (TransportError, ProtocolError, TimeoutError) as exc:
            self._emit(SignInFailed("unreachable", str(exc)))
            return
        if reply.get("type") != "welcome":
            await ws.close()
            self._emit(SignInFailed("protocol", "unexpected answer from the relay"))
            return
        self.account = SignedIn(
            self._name,
            str(reply.get("display_name", self._name)),
            str(reply.get("municipality", "")),
            str(reply.get("role", "agent")),
        )
        self._link = Link(ws, None, self._on_relay, self._flush)
        self._main = asyncio.current_task()
        self._emit(self.account)
        pinger = asyncio.create_task(self._pinger())
        try:
            reason = await self._link.run()
        finally:  # also when stop() cancels us: nobody waits forever for an answer
            pinger.cancel()
            self._link = None
            self._in_room = False
            self._fail_pending("connection_lost")
        if self.session is not None and self.session.state.value != "ended":
            self.session.close("relay_lost")  # no resume for the agent: over for good
            self._flush()
        self._emit(SignInFailed(reason.reason, str(reason)))

    def _join(self, code: SessionCode) -> None:
        if self._link is None:
            self._emit(JoinFailed("not_signed_in", "not connected to the relay"))
            return
        if self._in_room:
            self._emit(JoinFailed("in_room", "end the current session first"))
            return
        self.session = Session(ev.AGENT, code, entropy=self._entropy)
        self._link.session = self.session
        self._relay_send({"type": "join", "nameplate": code.nameplate})

    async def _on_relay(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "joined" and self.session is not None:
            self._in_room = True
            self._emit(Joined(str(msg.get("nameplate", ""))))
            self.session.start()
        elif kind in ("stats_stored", "stats") or msg.get("request") == "stats_request":
            self._stats_answer(msg)
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
        elif kind == "stats":
            report = msg.get("report")
            if not isinstance(report, dict):
                raise ProtocolError("stats without a report")
            self._emit(StatsReport(report))
            if self._stats:
                _settle(self._stats.popleft(), report)
        else:
            refused = StatsRefused(str(msg.get("reason", "error")), str(msg.get("message", "")))
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
            if self._frame_sink is not None:
                await asyncio.to_thread(self._frame_sink, frame.frame_id, frame.payload)
            else:
                self._emit(frame)
            self._send(ev.FrameAck(frame.frame_id))

    async def _forget_frames(self) -> None:
        """Paused or ended: once the frames that came before are decoded, and before
        any that come after, ``frame_forget`` drops the picture of the citizen's screen."""
        if self._frame_lock is None:
            self._frame_lock = asyncio.Lock()
        async with self._frame_lock:
            if self._frame_forget is not None:
                await asyncio.to_thread(self._frame_forget)

    async def _pinger(self) -> None:
        while True:
            await asyncio.sleep(self._ping_interval)
            s = self.session
            if s is not None and s.secured and s.state.value not in ("waiting", "ended"):
                nonce = secrets.randbits(62)
                self._pings = {nonce: time.monotonic()}
                self._send(ev.Ping(nonce))


def _settle(future: concurrent.futures.Future[Any], outcome: object) -> None:
    """Resolve ``future`` unless the caller cancelled it."""
    if not future.set_running_or_notify_cancel():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)


def _live_pair(session: Session | None) -> TypeGuard[Session]:
    """True if ``session`` paired and has not ended (a new connection may follow)."""
    return (
        session is not None
        and session.resume_token is not None
        and (session.state.value != "ended")
    )


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
