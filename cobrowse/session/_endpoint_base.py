"""Shared plumbing of the citizen and agent endpoints (see :mod:`.endpoint`)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import os
from collections.abc import Callable
from typing import Any, TypeGuard

from websockets.exceptions import ConnectionClosed

from cobrowse.errors import CobrowseError
from cobrowse.session import events as ev
from cobrowse.session.loop import LoopThread
from cobrowse.session.notices import (
    PeerLeft,
)
from cobrowse.session.protocol import Session
from cobrowse.session.transport import Link

log = logging.getLogger("cobrowse.session.endpoint")
EventSink = Callable[[object], None]


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
