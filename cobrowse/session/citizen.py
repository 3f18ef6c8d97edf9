"""The citizen's endpoint: gets a code, waits for an agent, pairs, carries the session."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cobrowse import PROTOCOL_VERSION
from cobrowse.errors import CobrowseError, ProtocolError, RelayRefused, TransportError
from cobrowse.session import events as ev
from cobrowse.session._endpoint_base import EventSink, _count, _Endpoint, _live_pair, log
from cobrowse.session.codes import SessionCode, draw_secret, validate_nameplate
from cobrowse.session.notices import (
    AgentJoined,
    CodeReady,
    HotlineStatus,
    PeerBack,
    Reconnecting,
    RelayUnreachable,
)
from cobrowse.session.protocol import Session
from cobrowse.session.transport import Link, open_relay, routed_url


class CitizenEndpoint(_Endpoint):
    """Gets a code, waits for an agent, pairs, and carries the session.

    After any end it was not asked for with :meth:`end` (or an ``End`` sent
    through :meth:`send`) - a failed pairing, the agent's end, the room closed by
    the relay, a resume the relay refused - the code is burnt and a fresh one is
    fetched at once (:class:`CodeReady`); after the citizen's own end,
    :meth:`new_code` asks for one.
    """

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

    async def _wait_to_retry(self, attempt: int, exc: Exception) -> None:
        """Say the relay is unreachable and wait the back-off of the ``attempt``-th try."""
        delay = self._retry[min(attempt, len(self._retry) - 1)]
        self._emit(RelayUnreachable(str(exc), delay))
        await asyncio.sleep(delay)

    def _send_frame(self, frame_id: int, payload: bytes) -> None:
        if self.session is not None and self.session.send_frame(frame_id, payload):
            self._flush()

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            resume = self._resumable()
            hello = {"type": "hello", "version": PROTOCOL_VERSION, "role": "citizen"}
            url = self.relay_url
            if resume and self.code is not None:  # back to the node holding the room
                hello["resume"] = resume
                url = routed_url(url, self.code.nameplate)
            try:
                ws, reply = await open_relay(url, hello)
            except RelayRefused as exc:
                if resume:
                    self._give_up(exc.reason)
                    continue
                await self._wait_to_retry(attempt, exc)
                attempt += 1
                continue
            except (TransportError, ProtocolError, TimeoutError) as exc:
                if resume and self._resume_expired():
                    self._give_up("connection_lost")
                    continue
                await self._wait_to_retry(attempt, exc)
                attempt += 1
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
            if self._stopping:
                return  # our own stop(): not a lost line, nothing to report
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
