"""The asyncio adapter: the only code that owns a socket.

:func:`open_relay` connects and does the relay-layer hello.  :class:`Link` then
moves bytes between one WebSocket and one sans-I/O :class:`~cobrowse.session.protocol.Session`:
binary frames go to the session, text frames (relay messages) go to a callback,
and a writer task drains the session's queues (control before bulk) whenever
:meth:`Link.wake` is called.
"""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from cobrowse.errors import ProtocolError, RelayRefused, TransportError
from cobrowse.session.protocol import Session

log = logging.getLogger(__name__)
MAX_MESSAGE = 128 * 1024
PING_INTERVAL = 15.0
"""Seconds between the WebSocket keep-alive pings this side sends (16 bytes on the
wire, ping and pong); with :data:`PING_TIMEOUT` a stalled line is noticed 25-40 s
after it stalls (the closing handshake's own 10 s included)."""
PING_TIMEOUT = 15.0
RelayHandler = Callable[[dict[str, Any]], Awaitable[None]]
__all__ = ["ClientConnection", "Link", "open_relay", "recv_relay", "routed_url"]


def routed_url(url: str, nameplate: str) -> str:
    """``url`` with ``route=<the nameplate's first digit>``: behind a cluster's proxy
    it reaches the node holding that nameplate (docs/scale.md); a single relay
    ignores it.  Only one digit of the nameplate, so proxy logs hold no code."""
    parts = urlsplit(url)
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("route="))
    query = f"{query}&route={nameplate[:1]}" if query else f"route={nameplate[:1]}"
    return urlunsplit(parts._replace(query=query))


async def open_relay(
    url: str,
    hello: dict[str, Any],
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> tuple[ClientConnection, dict[str, Any]]:
    """Connect to the relay at ``url`` and send ``hello``; return the socket and reply.

    Raises :class:`RelayRefused` if the relay closes with a reason (bad login, rate
    limited, ...) and :class:`TransportError` if it cannot be reached.
    """
    kwargs: dict[str, Any] = {
        "compression": None,
        "max_size": MAX_MESSAGE,
        "open_timeout": timeout,
        "ping_interval": PING_INTERVAL,
        "ping_timeout": PING_TIMEOUT,
    }
    if url.startswith("wss://"):
        kwargs["ssl"] = ssl_context or ssl.create_default_context()
    try:
        ws = await connect(url, **kwargs)
    except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
        raise TransportError(f"cannot reach the relay at {url} ({type(exc).__name__})") from None
    try:
        await ws.send(json.dumps(hello))
        reply = await asyncio.wait_for(recv_relay(ws), timeout)
    except BaseException:
        await ws.close()
        raise
    return ws, reply


async def recv_relay(ws: ClientConnection) -> dict[str, Any]:
    """Receive one relay-layer JSON message (text frame)."""
    try:
        raw = await ws.recv()
    except ConnectionClosed as exc:
        raise closed_error(exc) from None
    if isinstance(raw, bytes):
        raise ProtocolError("relay sent binary data where a relay message was expected")
    return parse_relay(raw)


def parse_relay(raw: str) -> dict[str, Any]:
    try:
        msg = json.loads(raw)
    except ValueError:
        raise ProtocolError("relay sent malformed JSON") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("type"), str):
        raise ProtocolError("relay message without a type")
    return msg


def closed_error(exc: ConnectionClosed) -> TransportError:
    """Turn a close into RelayRefused (relay gave a 4xxx reason) or TransportError."""
    frame = exc.rcvd
    if frame is not None and (frame.code >= 4000 or frame.code == 1009) and frame.reason:
        return RelayRefused(frame.reason, f"the relay refused: {frame.reason}")
    return TransportError("the connection to the relay was lost")


class Link:
    """Pumps one WebSocket <-> one Session until the socket closes."""

    def __init__(
        self,
        ws: ClientConnection,
        session: Session | None,
        on_relay: RelayHandler,
        on_session: Callable[[], None],
    ) -> None:
        self.ws = ws
        self.session = session
        self._on_relay = on_relay
        self._on_session = on_session
        self._wakeup = asyncio.Event()
        self.bytes_in = 0
        self.bytes_out = 0

    def wake(self) -> None:
        """Something was queued on the session: let the writer drain it."""
        self._wakeup.set()

    async def run(self) -> TransportError:
        """Run until the connection ends; returns why (never raises for a close)."""
        writer = asyncio.create_task(self._writer())
        try:
            await self._reader()
            return TransportError("the relay closed the connection")
        except ConnectionClosed as exc:
            return closed_error(exc)
        except ProtocolError as exc:
            log.warning("relay protocol error: %s", exc)
            await self.ws.close(4400, "malformed")
            return TransportError(f"the relay sent something unexpected ({exc})")
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)

    async def _reader(self) -> None:
        async for raw in self.ws:
            if isinstance(raw, bytes):
                if self.session is None:
                    raise ProtocolError("session data before a session exists")
                self.bytes_in += len(raw)
                self.session.receive_data(raw)
                self._on_session()
                self.wake()
            else:
                await self._on_relay(parse_relay(raw))

    async def _writer(self) -> None:
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self.session is not None and (data := self.session.next_outgoing()) is not None:
                self.bytes_out += len(data)
                try:
                    await self.ws.send(data)
                except ConnectionClosed:
                    return
