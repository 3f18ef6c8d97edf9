"""Keeping the relay up under attack: address groups, connection caps, file
descriptors and the password-check pool (docs/relay.md "Limits").

* **Address groups.**  Every per-address limit counts an address *group*: an IPv4
  address (``/32``) or an IPv6 ``/64`` by default, since one household or one
  attacker's virtual machine gets a whole ``/64``.  Both prefix lengths are
  configurable.
* **Connection caps.**  :class:`ConnectionGuard` counts TCP connections as they are
  accepted, before any byte is read: above ``per_group`` from one group, or above
  the process-wide cap (derived from ``RLIMIT_NOFILE``, see :func:`socket_budget`),
  the socket is answered with HTTP 503 and closed at once, so the relay never runs
  out of file descriptors and ``/healthz`` keeps working.
* **Password checks** (scrypt) run on their own small thread pool, so a login wave
  cannot starve the default pool that joins, account reads and statistics use.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import ipaddress
import logging
import resource
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, TypeVar

from websockets.asyncio.server import ServerConnection

from relay.config import RelayConfig

log = logging.getLogger(__name__)
T = TypeVar("T")
FD_RESERVE = 64
"""Descriptors kept free for the databases, the audit log, listening sockets,
worker threads and a ``/healthz`` request, whatever the connections do."""
ACCEPT_BURST = 100
"""The listen backlog: asyncio accepts up to this many sockets in one go before
the guard can refuse any of them, so they need descriptors too."""
HEALTH_RESERVE = 16
"""Of the sockets, these are kept for plain HTTP (``/healthz``, ``/metrics``):
WebSocket connections on ``/v1`` are refused this much earlier."""
FD_TARGET = 65536
_REFUSED = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


def address_group(addr: str, v4_prefix: int = 32, v6_prefix: int = 64) -> str:
    """The network ``addr`` belongs to for limits, e.g. ``2001:db8:1:2::/64``.
    Anything that is not an IP address is its own group."""
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return addr
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = v4_prefix if ip.version == 4 else v6_prefix
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def raise_fd_limit(target: int = FD_TARGET) -> int:
    """Raise the soft ``RLIMIT_NOFILE`` towards the hard limit (at most ``target``);
    returns the soft limit in force afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = target if hard == resource.RLIM_INFINITY else min(hard, target)
    if wanted > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError) as exc:
            log.warning("cannot raise the open-files limit to %d: %s", wanted, exc)
    return soft


def socket_budget(configured: int = 0) -> int:
    """How many client sockets the relay may hold: ``configured`` if set, never
    more than the soft ``RLIMIT_NOFILE`` minus :data:`FD_RESERVE` and
    :data:`ACCEPT_BURST` (1024 descriptors: 860 sockets)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    spare = FD_RESERVE + ACCEPT_BURST
    room = max(8, soft - spare) if soft != resource.RLIM_INFINITY else FD_TARGET
    return min(configured, room) if configured > 0 else room


class LogThrottle:
    """At most one log line per ``every`` seconds for a repeating condition; the
    next line says how many were left out."""

    def __init__(self, every: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every, self.clock = every, clock
        self._last: float | None = None
        self.suppressed = 0

    def warn(self, message: str, *args: object) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            self.suppressed += 1
            return
        if self.suppressed:
            message += " (%d more like this not logged)"
            args = (*args, self.suppressed)
        self._last, self.suppressed = now, 0
        log.warning(message, *args)


class ConnectionGuard:
    """Counts open connections, in all and per address group.  ``group`` may
    return ``""`` for an address that is not capped per group (a trusted reverse
    proxy: its clients are told apart later, by X-Forwarded-For)."""

    def __init__(
        self, total: int, per_group: int, group: Callable[[str], str], what: str = "connection"
    ) -> None:
        self.total, self.per_group, self.group, self.what = total, per_group, group, what
        self.open = 0
        self.by_group: Counter[str] = Counter()
        self.refusals = LogThrottle()
        self.refused = 0

    def admit(self, addr: str) -> bool:
        """Count a new connection from ``addr``; False (nothing counted) if over a cap."""
        group = self.group(addr)
        if self.open >= self.total or (group and self.by_group[group] >= self.per_group):
            self.refused += 1
            full = "total" if self.open >= self.total else "per-address"
            self.refusals.warn("%s refused: %s cap reached", self.what, full)
            return False
        self.open += 1
        self.by_group[group] += 1
        return True

    @property
    def full(self) -> bool:
        """True while no connection from anywhere would be admitted."""
        return self.open >= self.total

    def release(self, addr: str) -> None:
        group = self.group(addr)
        self.open -= 1
        self.by_group[group] -= 1
        if self.by_group[group] <= 0:
            del self.by_group[group]


def guarded_connection(guard: ConnectionGuard) -> type[ServerConnection]:
    """A websockets connection class that asks ``guard`` before it reads a byte."""

    class GuardedConnection(ServerConnection):
        _counted: str | None = None

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            peer = transport.get_extra_info("peername")
            addr = str(peer[0]) if peer else "?"
            if guard.admit(addr):
                self._counted = addr
                return
            if isinstance(transport, asyncio.WriteTransport):
                transport.write(_REFUSED)
            transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._counted is not None:
                guard.release(self._counted)
                self._counted = None
            super().connection_lost(exc)

    return GuardedConnection


class PasswordChecks:
    """scrypt on a small pool of its own (``threads`` workers)."""

    def __init__(self, threads: int) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(threads, "relay-password")

    async def run(self, check: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, check, *args)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


class Gates:
    """The hub's gates, built from its config: address groups, WebSocket
    connections (all, leaving :data:`HEALTH_RESERVE` sockets for plain HTTP, and
    per group), citizens holding a code per group, and the password pool."""

    def __init__(self, config: RelayConfig) -> None:
        self.group: Callable[[str], str] = functools.partial(
            address_group, v4_prefix=config.group_prefix_v4, v6_prefix=config.group_prefix_v6
        )
        self.sockets = socket_budget(config.max_connections)
        self.connections = ConnectionGuard(
            max(1, self.sockets - HEALTH_RESERVE), config.connections_per_group, self.group
        )
        self.citizens = ConnectionGuard(
            self.sockets, config.citizens_per_group, self.group, what="citizen"
        )
        self.passwords = PasswordChecks(config.password_threads)


def quiet_fd_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Log "Too many open files" from the event loop at most every 10 s (asyncio
    would log each failed ``accept`` with a traceback); other errors as before."""
    throttle = LogThrottle()
    previous = loop.get_exception_handler()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, OSError) and exc.errno in (23, 24):  # ENFILE, EMFILE
            throttle.warn("out of file descriptors: %s", exc.strerror)
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
