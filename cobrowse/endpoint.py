"""Citizen and agent endpoints: a Session, a relay connection and a loop thread.

The apps (and the benchmark) use these; they never touch sockets themselves.
Every public method is thread-safe.  Everything that happens is reported as an
event object through ``on_event``, called **on the network thread** - a GUI must
hand it over to its own thread (a queued Qt signal) before touching widgets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cobrowse import PROTOCOL_VERSION
from cobrowse import events as ev
from cobrowse.codes import SessionCode, draw_secret, parse_code, validate_nameplate
from cobrowse.errors import CobrowseError, ProtocolError, RelayRefused, TransportError
from cobrowse.loop import LoopThread
from cobrowse.protocol import FrameReceived, Session
from cobrowse.transport import Link, open_relay

log = logging.getLogger(__name__)
EventSink = Callable[[object], None]


# --- events the endpoints report (besides the session's own) -----------------

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


class _Endpoint:
    """Shared plumbing: the loop thread, the link, event delivery."""

    role = ""

    def __init__(self, relay_url: str, on_event: EventSink, *,
                 entropy: Callable[[int], bytes] = os.urandom) -> None:
        self.relay_url = relay_url
        self._emit = on_event
        self._entropy = entropy
        self._net = LoopThread(f"cobrowse-{self.role}-net")
        self._link: Link | None = None
        self._main: asyncio.Task[None] | None = None
        self._stopping = False
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

    def _relay_send(self, msg: dict[str, Any]) -> None:
        if self._link is not None:
            asyncio.ensure_future(self._link.ws.send(json.dumps(msg)))


class CitizenEndpoint(_Endpoint):
    """Gets a code, waits for an agent, pairs, and carries the session."""

    role = ev.CITIZEN

    def __init__(self, relay_url: str, on_event: EventSink, *,
                 randbelow: Callable[[int], int] = secrets.randbelow,
                 retry_delays: tuple[float, ...] = (1, 2, 5, 10), resume_grace: float = 60,
                 **kwargs: Any) -> None:
        super().__init__(relay_url, on_event, **kwargs)
        self._randbelow = randbelow
        self._retry = retry_delays
        self._grace = resume_grace
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
            self._link = Link(ws, self.session if resume else None, self._on_relay, self._flush)
            await self._on_relay(reply)
            reason = await self._link.run()
            self._link = None
            self._lost(reason)

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
        else:
            self.session = None

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
        elif kind == "peer_left" and self.session is not None:
            self._emit(PeerLeft(str(msg.get("reason", ""))))
            if self.session.resume_token is None:
                self._relay_send({"type": "new_nameplate"})
            else:
                self.session.connection_lost()
        elif kind == "peer_back" and self.session is not None:
            self.session.new_connection()
            self._emit(PeerBack())
        elif kind == "resumed" and self.session is not None:
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
        if self._link is not None:
            self._link.session = self.session
        self._emit(CodeReady(self.code))

    def _on_session_event(self, event: object) -> None:
        super()._on_session_event(event)
        if isinstance(event, ev.SessionEnded) and event.reason == "wrong_code":
            self._relay_send({"type": "new_nameplate"})


class AgentEndpoint(_Endpoint):
    """Signs in, joins a citizen's code, and carries the session."""

    role = ev.AGENT

    def __init__(self, relay_url: str, on_event: EventSink, *, name: str, password: str,
                 frame_sink: Callable[[int, bytes], None] | None = None,
                 ping_interval: float = 2.0, **kwargs: Any) -> None:
        super().__init__(relay_url, on_event, **kwargs)
        self._name = name
        self._password = password
        self._frame_sink = frame_sink
        self._ping_interval = ping_interval
        self._pings: dict[int, float] = {}
        self._frame_lock: asyncio.Lock | None = None
        self.account: SignedIn | None = None

    def sign_in(self) -> None:
        """Connect and log in; reports SignedIn or SignInFailed."""
        self._net.submit(self._sign_in())

    def join(self, code_text: str) -> SessionCode:
        """Join the citizen's code.  Raises CodeError at once if it is malformed."""
        code = parse_code(code_text)
        self._net.call(self._join, code)
        return code

    async def _sign_in(self) -> None:
        hello = {"type": "hello", "version": PROTOCOL_VERSION, "role": "agent",
                 "name": self._name, "password": self._password}
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
        self.account = SignedIn(self._name, str(reply.get("display_name", self._name)),
                                str(reply.get("municipality", "")), str(reply.get("role", "agent")))
        self._link = Link(ws, None, self._on_relay, self._flush)
        self._main = asyncio.current_task()
        self._emit(self.account)
        pinger = asyncio.create_task(self._pinger())
        reason = await self._link.run()
        pinger.cancel()
        self._link = None
        if self.session is not None and self.session.state.value != "ended":
            self.session.close("connection_lost")
            self._flush()
        self._emit(SignInFailed(reason.reason, str(reason)))

    def _join(self, code: SessionCode) -> None:
        if self._link is None:
            self._emit(JoinFailed("not_signed_in", "not connected to the relay"))
            return
        self.session = Session(ev.AGENT, code, entropy=self._entropy)
        self._link.session = self.session
        self._relay_send({"type": "join", "nameplate": code.nameplate})

    async def _on_relay(self, msg: dict[str, Any]) -> None:
        kind = msg["type"]
        if kind == "joined" and self.session is not None:
            self._emit(Joined(str(msg.get("nameplate", ""))))
            self.session.start()
        elif kind == "error":
            self._emit(JoinFailed(str(msg.get("reason", "error")), str(msg.get("message", ""))))
        elif kind == "peer_left" and self.session is not None:
            self._emit(PeerLeft(str(msg.get("reason", ""))))
            if self.session.state.value != "ended":
                self.session.connection_lost()
        elif kind == "peer_back" and self.session is not None:
            self.session.new_connection()
            self._emit(PeerBack())
        self._flush()

    def _on_session_event(self, event: object) -> None:
        if isinstance(event, FrameReceived):
            asyncio.ensure_future(self._apply_frame(event))
            return
        if isinstance(event, ev.Pong):
            sent = self._pings.pop(event.nonce, None)
            if sent is not None and self._link is not None:
                self._emit(LinkStats((time.monotonic() - sent) * 1000, self._link.bytes_in,
                                     self._link.bytes_out))
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

    async def _pinger(self) -> None:
        while True:
            await asyncio.sleep(self._ping_interval)
            s = self.session
            if s is not None and s.secured and s.state.value not in ("waiting", "ended"):
                nonce = secrets.randbits(62)
                self._pings = {nonce: time.monotonic()}
                self._send(ev.Ping(nonce))
