"""The relay server: websockets on ``/v1`` plus ``/healthz`` and ``/metrics``.

:class:`Relay` runs on the caller's event loop (``await start()`` /
``await stop()``); :class:`RelayThread` runs one on its own loop in a daemon
thread, for tests and for a local session on one machine::

    with RelayThread(RelayConfig(port=0, dev=True, data_dir=tmp)) as relay:
        connect(relay.url)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import threading
import time
from collections.abc import Callable
from types import TracebackType

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

from cobrowse.errors import ConfigError
from relay.accounts import AccountStore
from relay.addresses import is_trusted, networks
from relay.audit import AuditLog
from relay.cluster import Cluster
from relay.config import RelayConfig, check_serve_config
from relay.forwarding import ForwardingConnection, forwarding
from relay.guard import ACCEPT_BURST, ConnectionGuard, guarded_connection, quiet_fd_errors
from relay.hub import Hub, Tap, WallClock, utc_now
from relay.metrics import Metrics
from relay.stats import StatsStore
from relay.statsapi import StatsService

log = logging.getLogger(__name__)
WS_PATH = "/v1"
_METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Relay:
    """One relay bound to ``config.host:config.port`` (port 0 picks a free one)."""

    def __init__(
        self,
        config: RelayConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        wallclock: WallClock = utc_now,
        accounts: AccountStore | None = None,
        audit: AuditLog | None = None,
    ) -> None:
        self.config = config
        self._own_accounts = accounts is None
        self.accounts = accounts or AccountStore(config.accounts_location)
        self.audit = audit or AuditLog(config.data_dir / "audit.jsonl")
        self.stats = StatsStore(config.stats_location)
        self.metrics = Metrics()
        self.hub = Hub(
            config,
            self.accounts,
            self.audit,
            self.metrics,
            clock,
            stats=StatsService(self.stats, self.audit),
            wallclock=wallclock,
        )
        if config.clustered:  # presence and tickets shared with the other nodes
            self.hub.cluster = Cluster(config, self.hub.local_presence, self.hub.announce)
        self.metrics.rooms_active = lambda: len(self.hub.rooms)
        self.metrics.connections_refused = lambda: (
            self.guard.refused + self.hub.gates.connections.refused
        )
        proxies = networks(config.trusted_proxies)
        self.guard = ConnectionGuard(
            self.hub.gates.sockets,
            config.connections_per_group,
            lambda addr: "" if is_trusted(addr, proxies) else self.hub.gates.group(addr),
        )
        self.port = 0
        self._tls: ssl.SSLContext | None = None
        self._server: Server | None = None
        self._sweeper: asyncio.Task[None] | None = None

    @property
    def tap(self) -> Tap | None:
        """Test hook: called with every binary frame the relay forwards."""
        return self.hub.tap

    @tap.setter
    def tap(self, tap: Tap | None) -> None:
        self.hub.tap = tap

    @property
    def url(self) -> str:
        """The WebSocket URL clients connect to, e.g. ``ws://127.0.0.1:8765/v1``."""
        host = f"[{self.config.host}]" if ":" in self.config.host else self.config.host
        scheme = "wss" if self.config.tls else "ws"
        return f"{scheme}://{host}:{self.port}{WS_PATH}"

    async def start(self) -> None:
        """Listen; raises :class:`ConfigError` for unsafe settings, OSError if the
        port is taken."""
        check_serve_config(self.config)
        limit = max(self.config.max_binary, self.config.max_text, self.config.max_upload)
        quiet_fd_errors(asyncio.get_running_loop())
        self._tls = _tls_context(self.config)
        self._server = await serve(
            self.hub.handle,
            self.config.host,
            self.config.port,
            compression=None,
            max_size=limit,
            max_queue=self.config.max_queue,
            write_limit=self.config.write_limit,
            process_request=self._http,
            ping_interval=self.config.ping_interval,
            ping_timeout=self.config.ping_interval,
            ssl=self._tls,
            server_header=None,
            create_connection=forwarding(guarded_connection(self.guard)),
            backlog=ACCEPT_BURST,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        if self.hub.cluster is not None:
            await self.hub.cluster.start()
        self._sweeper = asyncio.get_running_loop().create_task(self._sweep_forever())
        log.info("relay listening on %s (at most %d connections)", self.url, self.hub.gates.sockets)

    def reload_tls(self) -> bool:
        """Re-read the certificate and key (SIGHUP) into the listening context.

        New handshakes get the new certificate; connections already open keep
        theirs, so no session drops.  A pair that does not load is refused with a
        log line and the certificate in use stays.  Returns True if reloaded.
        """
        cert, key = self.config.tls_cert, self.config.tls_key
        if self._tls is None or cert is None or key is None:
            log.warning("SIGHUP: no TLS certificate configured, nothing to reload")
            return False
        try:  # a scratch context first: a failed load must not half-change the live one
            _tls_context(self.config)
            self._tls.load_cert_chain(cert, key)
        except (ConfigError, OSError, ssl.SSLError) as exc:
            log.error("TLS certificate reload refused, keeping the current one: %s", exc)
            self.audit.write("tls_reload", outcome="refused", reason="certificate_unusable")
            return False
        log.info("TLS certificate reloaded from %s (new connections use it)", cert)
        self.audit.write("tls_reload", outcome="reloaded")
        return True

    async def stop(self) -> None:
        """Close every connection and room, then stop listening."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self.hub.shutdown()
        if self.hub.cluster is not None:
            await self.hub.cluster.stop()
        self.audit.close()
        self.stats.close()
        if self._own_accounts:
            self.accounts.close()
        log.info("relay stopped")

    async def sweep(self) -> None:
        """Expire nameplates and abandoned rooms now (tests call this after moving
        their clock)."""
        await self.hub.sweep()

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.config.sweep_interval)
            await self.hub.sweep()

    def _http(self, conn: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            return conn.respond(200, "ok\n")
        if path == "/metrics":
            response = conn.respond(200, self.metrics.render())
            del response.headers["Content-Type"]
            response.headers["Content-Type"] = _METRICS_TYPE
            return response
        if path != WS_PATH:
            return conn.respond(404, "not found\n")
        if self.hub.gates.connections.full:  # refuse before the upgrade: the socket goes at once
            self.hub.gates.connections.refused += 1
            return conn.respond(503, "busy\n")
        return None

    def buffered_bytes(self) -> int:
        """Bytes the relay holds for its connections right now: transport write
        buffers plus received frames not yet handled.  Diagnostic, for tests."""
        total = 0
        for conn in list(self.hub.conns):
            ws = conn.ws
            if ws.transport is not None:
                total += ws.transport.get_write_buffer_size()
            total += sum(len(frame.data) for frame in ws.recv_messages.frames.queue)
            total += len(ws.protocol.reader.buffer)
            if isinstance(ws, ForwardingConnection):
                total += ws.pending_bytes()
        return total


def _tls_context(config: RelayConfig) -> ssl.SSLContext | None:
    if config.tls_cert is None or config.tls_key is None:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(config.tls_cert, config.tls_key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot load TLS certificate {config.tls_cert} / key {config.tls_key}: {exc}"
        ) from None
    return context


class RelayThread:
    """A :class:`Relay` on its own event loop in a daemon thread."""

    def __init__(self, config: RelayConfig, **relay_kwargs: object) -> None:
        self.config = config
        self._kwargs = relay_kwargs
        self.relay: Relay | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 10.0) -> RelayThread:
        """Start the thread; returns once the relay listens (raises if it cannot)."""
        self._thread = threading.Thread(
            target=asyncio.run, args=(self._main(),), name="cobrowse-relay", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError("the relay did not start in time")
        if self._error is not None:
            raise self._error
        return self

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        try:
            self.relay = Relay(self.config, **self._kwargs)  # type: ignore[arg-type]
            await self.relay.start()
        except BaseException as exc:  # handed to the thread that called start()
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stopping.wait()
        await self.relay.stop()

    @property
    def port(self) -> int:
        assert self.relay is not None, "start() first"
        return self.relay.port

    @property
    def url(self) -> str:
        assert self.relay is not None, "start() first"
        return self.relay.url

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the relay and wait for its thread to end."""
        if self._loop is not None and self._stopping is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> RelayThread:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
