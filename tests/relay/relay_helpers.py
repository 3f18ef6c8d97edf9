"""Helpers for relay tests: a relay on 127.0.0.1:0 in the test's own event loop,
thin JSON clients and a fake clock.

There is no pytest-asyncio: each async test body runs through :func:`run`, which
wraps it in ``asyncio.run`` with an overall timeout.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from relay.config import RelayConfig
from relay.server import Relay

PASSWORD = "correct horse battery"
TIMEOUT = 5.0


def run(body: Callable[[], Awaitable[None]], timeout: float = 20.0) -> None:
    """Run an async test body on a fresh event loop, failing after ``timeout`` s."""

    async def main() -> None:
        async with asyncio.timeout(timeout):
            await body()

    asyncio.run(main())


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def config(data_dir: Path, **overrides: Any) -> RelayConfig:
    """A dev relay on a free loopback port, open at any hour unless told otherwise."""
    settings: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "dev": True,
        "sweep_interval": 3600.0,
        "always_open": True,
        "citizens_per_group": 100,  # every test client comes from 127.0.0.1
    }
    return RelayConfig(data_dir=data_dir, **{**settings, **overrides})


@asynccontextmanager
async def running(
    data_dir: Path, clock: Callable[[], float] | None = None, **overrides: Any
) -> AsyncIterator[Relay]:
    """A started relay, stopped on exit."""
    kwargs: dict[str, Any] = {} if clock is None else {"clock": clock}
    relay = Relay(config(data_dir, **overrides), **kwargs)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.stop()


class Client:
    """A WebSocket client that speaks relay-layer JSON."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, **msg: Any) -> None:
        await self.ws.send(json.dumps(msg))

    async def recv(self) -> str | bytes:
        async with asyncio.timeout(TIMEOUT):
            return await self.ws.recv()

    async def expect(self, kind: str) -> dict[str, Any]:
        """The next message, which must be JSON of type ``kind``.  Presence news
        (``hotline``) is skipped unless ``kind`` is ``"hotline"``."""
        while True:
            data = await self.recv()
            assert isinstance(data, str), f"expected {kind}, got binary"
            msg: dict[str, Any] = json.loads(data)
            if msg["type"] != "hotline" or kind == "hotline":
                break
        assert msg["type"] == kind, msg
        return msg

    async def closed(self) -> tuple[int | None, str | None]:
        """Wait for the relay to close us; returns (code, reason)."""
        async with asyncio.timeout(TIMEOUT):
            try:
                while True:
                    await self.ws.recv()
            except ConnectionClosed:
                pass
        frame = self.ws.protocol.close_rcvd
        return (frame.code, frame.reason) if frame is not None else (None, None)

    def drop(self) -> None:
        """Vanish without a closing handshake (network loss)."""
        self.ws.transport.abort()


class Clients:
    """Opens clients against one relay and closes them all at the end."""

    def __init__(self, relay: Relay, stack: AsyncExitStack) -> None:
        self.relay, self.stack = relay, stack

    async def open(self, **kwargs: Any) -> Client:
        ws = await self.stack.enter_async_context(
            connect(
                self.relay.url, compression=None, open_timeout=TIMEOUT, close_timeout=1, **kwargs
            )
        )
        return Client(ws)

    async def citizen(self, **kwargs: Any) -> tuple[Client, str]:
        """A citizen with its nameplate."""
        client = await self.open(**kwargs)
        await client.send(type="hello", version=1, role="citizen")
        return client, (await client.expect("nameplate"))["nameplate"]

    async def agent(self, name: str = "anna", password: str = PASSWORD, **kwargs: Any) -> Client:
        """A signed-in agent."""
        client = await self.open(**kwargs)
        await client.send(type="hello", version=1, role="agent", name=name, password=password)
        assert (await client.expect("welcome"))["name"] == name
        return client

    async def pair(self, name: str = "anna") -> tuple[Client, Client, str]:
        """A citizen and an agent joined in one room: (citizen, agent, nameplate)."""
        citizen, nameplate = await self.citizen()
        agent = await self.agent(name)
        await agent.send(type="join", nameplate=nameplate)
        await agent.expect("joined")
        await citizen.expect("agent_joined")
        return citizen, agent, nameplate


@asynccontextmanager
async def clients(relay: Relay) -> AsyncIterator[Clients]:
    async with AsyncExitStack() as stack:
        yield Clients(relay, stack)


def audit_lines(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / "audit.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
