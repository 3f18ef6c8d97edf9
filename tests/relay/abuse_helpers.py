"""Helpers for the relay abuse suite: a swarm of raw clients from many loopback
source addresses (all of 127.0.0.0/8 is loopback on Linux) on a loop of its own,
and a legitimate citizen and agent (the real headless endpoints) that must still
pair while the swarm is at it."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from collections.abc import Awaitable, Coroutine
from typing import Any, TypeVar

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from cobrowse.session import events as ev
from cobrowse.session.endpoint import AgentEndpoint, CitizenEndpoint, CodeReady, SignedIn

T = TypeVar("T")
PASSWORD = "correct horse battery"
PAIR_WITHIN = 2.0
"""Seconds a legitimate citizen and agent may take to pair under attack."""


def source(n: int, block: int = 0) -> str:
    """The ``n``-th loopback source address of ``block``: ``127.<block+1>.<n//250>.<n%250+1>``."""
    return f"127.{block + 1}.{n // 250}.{n % 250 + 1}"


class Events:
    """Endpoint notices, collected from the network thread."""

    def __init__(self) -> None:
        self.q: queue.Queue[object] = queue.Queue()

    def __call__(self, event: object) -> None:
        self.q.put(event)

    def wait_for(self, kind: type[T], timeout: float = 15.0) -> T:
        deadline = time.monotonic() + timeout
        while True:
            event = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            if isinstance(event, kind):
                return event
            if type(event).__name__ in ("SignInFailed", "RelayUnreachable"):
                raise AssertionError(f"unexpected {event!r}")


class Pairing:
    """A signed-in agent (``sara``) and a citizen pairing through the relay."""

    def __init__(self, url: str, name: str = "sara") -> None:
        self.url, self.name = url, name
        self.sign_in_s = self.pair_s = float("nan")

    def run(self) -> Pairing:
        """Sign in, then pair; records both durations (seconds)."""
        agent_events, citizen_events = Events(), Events()
        agent = AgentEndpoint(self.url, agent_events, name=self.name, password=PASSWORD)
        citizen = CitizenEndpoint(self.url, citizen_events)
        try:
            start = time.monotonic()
            agent.sign_in()
            agent_events.wait_for(SignedIn)
            self.sign_in_s = time.monotonic() - start
            start = time.monotonic()
            citizen.start()
            code = citizen_events.wait_for(CodeReady).code
            agent.join(code.display())
            verifiers = {q.wait_for(ev.Paired).verifier for q in (agent_events, citizen_events)}
            self.pair_s = time.monotonic() - start
            assert len(verifiers) == 1
        finally:
            agent.stop()
            citizen.stop()
        return self


class Swarm:
    """Raw WebSocket clients on an event loop in a thread of their own."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.loop = asyncio.new_event_loop()
        self.held: list[ClientConnection] = []
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
        """Run ``coro`` on the swarm's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self, coro: Coroutine[Any, Any, T]) -> Any:
        """Start ``coro`` on the swarm's loop; returns its concurrent future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def open(self, addr: str, hello: dict[str, Any] | None = None) -> str | int:
        """Connect from ``addr`` (and say ``hello``): the connection is kept open and
        ``"open"`` returned, or how it was refused (an HTTP status or a close code)."""
        try:
            ws = await connect(
                self.url, compression=None, open_timeout=20, close_timeout=1, local_addr=(addr, 0)
            )
        except InvalidStatus as exc:
            return exc.response.status_code
        except (OSError, TimeoutError, ConnectionClosed, EOFError):
            return "failed"
        self.held.append(ws)
        if hello is None:
            return "open"
        return await self.say(ws, hello)

    async def say(self, ws: ClientConnection, hello: dict[str, Any]) -> str | int:
        """Send ``hello``; ``"open"`` if answered, else the close code."""
        try:
            await ws.send(json.dumps(hello))
            async with asyncio.timeout(20):
                await ws.recv()
            return "open"
        except ConnectionClosed as exc:
            return exc.rcvd.code if exc.rcvd is not None else "closed"

    async def gather(self, coros: list[Awaitable[str | int]]) -> list[str | int]:
        return list(await asyncio.gather(*coros))

    def drop_all(self) -> None:
        """Cut every connection the swarm holds (on its own loop)."""

        async def drop() -> None:
            for ws in self.held:
                ws.transport.abort()
            self.held.clear()
            await asyncio.sleep(0)

        self.run(drop())

    def close(self) -> None:
        self.drop_all()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)


CITIZEN = {"type": "hello", "version": 1, "role": "citizen"}


def agent_hello(name: str, password: str) -> dict[str, Any]:
    return {"type": "hello", "version": 1, "role": "agent", "name": name, "password": password}
