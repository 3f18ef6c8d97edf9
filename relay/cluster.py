"""Several relays behind one proxy: what the nodes share, through PostgreSQL only.

A node (``[cluster] node``) keeps its rooms to itself: HAProxy routes by the
nameplate's leading digit (docs/scale.md), so no node ever needs another's rooms.
What citizens and agents see across nodes lives in the shared database (the one
holding the agent accounts):

* **Presence.** Each node writes one row ``relay_nodes(node, agents, waiting,
  seen)`` every ``heartbeat`` seconds, and at once (with ``NOTIFY
  cobrowse_presence``) when its number of signed-in agents changes.  Every node
  ``LISTEN``\\ s on that channel (psycopg 3's async connection) and re-reads the
  other nodes' rows on each notification and each heartbeat; a row older than
  ``node_expiry`` is a node that died and counts no more.  The hub adds its own
  live counts and tells its waiting citizens (``hotline``) when the sum changes.
* **Tickets.** A node asked to join a nameplate of another live node's digit
  (the rows say which digits each node holds) hands the agent a short-lived
  single-use ticket (a random token; the table keeps only
  its SHA-256), which signs the agent in on the right node without a second
  password hash.

``seen`` and ``expires`` are the nodes' own wall clocks (seconds since the
epoch): keep the nodes' clocks in step (NTP) to well under ``node_expiry``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable

from relay.config import RelayConfig
from relay.db import Database, DatabaseError
from relay.migrations import Migration, migrate

log = logging.getLogger(__name__)
CHANNEL = "cobrowse_presence"
Counts = tuple[int, int]  # (agents signed in, citizens waiting)

_NODES = """
CREATE TABLE IF NOT EXISTS relay_nodes (
    node TEXT PRIMARY KEY,
    agents INTEGER NOT NULL,
    waiting INTEGER NOT NULL,
    routes TEXT NOT NULL,
    seen DOUBLE PRECISION NOT NULL
)
"""
_TICKETS = """
CREATE TABLE IF NOT EXISTS agent_tickets (
    digest TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    expires DOUBLE PRECISION NOT NULL
)
"""
MIGRATIONS = (Migration(1, "cluster nodes' presence rows and sign-in tickets", (_NODES, _TICKETS)),)
_UPSERT = """
INSERT INTO relay_nodes (node, agents, waiting, routes, seen) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (node) DO UPDATE SET agents = excluded.agents, waiting = excluded.waiting,
    routes = excluded.routes, seen = excluded.seen
"""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class Cluster:
    """This node's share of the cluster state (see the module docstring).

    ``counts()`` gives this node's live (agents, waiting); ``on_change()`` is
    awaited on the hub's loop whenever the other nodes' sum changed."""

    def __init__(
        self,
        config: RelayConfig,
        counts: Callable[[], Counts],
        on_change: Callable[[], Awaitable[None]],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.node, self.config, self.clock = config.node, config, clock
        self.url = str(config.accounts_location)
        self._counts, self._on_change = counts, on_change
        self.db = Database(self.url)
        migrate(self.db, "cluster", MIGRATIONS)
        self.others: Counts = (0, 0)  # the other live nodes' sum, as last read
        self.live_routes = ""  # ... and the nameplate digits they hold
        self._published: Counts | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._poked: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Publish this node's row, read the others', and keep both up to date."""
        await self._publish(notify=True)
        await self.refresh()
        for work in (self._beat(), self._listen()):
            task = asyncio.get_running_loop().create_task(work)
            self._tasks.add(task)

    async def stop(self) -> None:
        """Stop listening; remove this node's row so the others drop it at once."""
        for task in [*self._tasks, *([self._poked] if self._poked else [])]:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with contextlib.suppress(DatabaseError):
            await asyncio.to_thread(self._remove)
        self.db.close()

    def poke(self) -> None:
        """This node's agents changed: publish now (and NOTIFY), coalescing bursts."""
        if self._poked is None or self._poked.done():
            self._poked = asyncio.get_running_loop().create_task(self._publish(notify=True))

    async def refresh(self) -> bool:
        """Re-read the other live nodes' rows; True if their sum changed."""
        since = self.clock() - self.config.node_expiry
        rows = await asyncio.to_thread(
            self.db.query,
            "SELECT agents, waiting, routes FROM relay_nodes WHERE node <> ? AND seen > ?",
            (self.node, since),
        )
        others = (sum(int(r[0]) for r in rows), sum(int(r[1]) for r in rows))
        self.live_routes = "".join(sorted("".join(str(r[2]) for r in rows)))
        changed, self.others = others != self.others, others
        return changed

    async def _publish(self, *, notify: bool) -> None:
        """Write this node's row; again if the agents changed meanwhile (a
        :meth:`poke` that came while this one was writing is not lost)."""
        counts = self._counts()
        try:
            while True:
                await asyncio.to_thread(self._write, counts, notify)
                self._published, latest = counts, self._counts()
                if latest[0] == counts[0]:
                    return
                counts, notify = latest, True
        except DatabaseError as exc:
            log.warning("cluster: cannot publish presence: %s", exc)

    def _write(self, counts: Counts, notify: bool) -> None:
        with self.db.transaction() as tx:
            row = (self.node, counts[0], counts[1], self.config.routes, self.clock())
            tx.execute(_UPSERT, row)
            tx.execute("DELETE FROM agent_tickets WHERE expires < ?", (self.clock(),))
            if notify:
                tx.query("SELECT pg_notify(?, ?)", (CHANNEL, self.node))

    def _remove(self) -> None:
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM relay_nodes WHERE node = ?", (self.node,))
            tx.query("SELECT pg_notify(?, ?)", (CHANNEL, self.node))

    async def _beat(self) -> None:
        """Every heartbeat: this node's row (NOTIFY if its agents changed), then
        the others' (a dead node's row expires here)."""
        while True:
            await asyncio.sleep(self.config.heartbeat)
            published = self._published
            await self._publish(notify=published is None or published[0] != self._counts()[0])
            await self._changed()

    async def _changed(self) -> None:
        try:
            if await self.refresh():
                await self._on_change()
        except DatabaseError as exc:
            log.warning("cluster: cannot read the other nodes' presence: %s", exc)

    async def _listen(self) -> None:
        """LISTEN for the other nodes' changes; reconnect after a heartbeat on failure."""
        import psycopg  # a cluster needs PostgreSQL (checked by the config)

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, connect_timeout=10
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    await self._changed()  # whatever changed while we did not listen
                    async for note in conn.notifies():
                        if note.payload != self.node:
                            await self._changed()
            except (psycopg.Error, OSError) as exc:
                log.warning("cluster: presence channel lost (%s); retrying", type(exc).__name__)
            await asyncio.sleep(self.config.heartbeat)

    # --- tickets: sign in on another node without a second password hash ----------

    def issue_ticket(self, name: str) -> str:
        """A single-use ticket for ``name``, valid ``ticket_ttl`` seconds (blocks)."""
        token = secrets.token_hex(32)
        expires = self.clock() + self.config.ticket_ttl
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO agent_tickets (digest, name, expires) VALUES (?, ?, ?)",
                (_digest(token), name, expires),
            )
        return token

    def redeem_ticket(self, name: str, token: str) -> bool:
        """True (once) if ``token`` is a live ticket issued for ``name`` (blocks)."""
        with self.db.transaction() as tx:
            rows = tx.query(
                "DELETE FROM agent_tickets WHERE digest = ? AND name = ? AND expires > ? "
                "RETURNING name",
                (_digest(token), name, self.clock()),
            )
        return bool(rows)
