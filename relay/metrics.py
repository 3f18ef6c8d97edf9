"""``GET /metrics``: the relay's counters, gauges and histograms through
``prometheus_client`` (the Prometheus text format, version 0.0.4).

Each :class:`Metrics` has its own registry, so two relays in one process (tests)
never share a series.  The registry also carries the library's process collector
(``process_cpu_seconds_total``, ``process_resident_memory_bytes``,
``process_open_fds``, ... on Linux), its platform collector (``python_info``) and
its garbage-collector collector.  Metric names are listed in docs/relay.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

# No ``*_created`` timestamp series: they double the exposition and no dashboard reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

SESSION_BUCKETS = (60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200)
"""Session length in seconds: 1 minute to 2 hours (a hotline call is 5-30 minutes)."""
PAIRING_BUCKETS = (5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600)
"""Seconds from the citizen's code to the agent joining it (a code lives 10 minutes)."""

_COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "cobrowse_sessions_total": ("Agents joined to a citizen's nameplate.", ()),
    "cobrowse_bytes_forwarded_total": ("Session bytes forwarded, by direction.", ("direction",)),
    "cobrowse_joins_rejected_total": ("Refused joins, by reason.", ("reason",)),
    "cobrowse_logins_failed_total": ("Failed agent logins.", ()),
    "cobrowse_rate_limited_total": ("Requests refused by a rate limit.", ()),
}


class Metrics:
    """The relay's registry.  ``inc`` and ``get`` take the exposed series name; the
    gauges ``rooms_active``, ``agents_online`` and ``citizens_waiting`` and the
    counter ``connections_refused`` are read from callbacks at scrape time."""

    def __init__(self, rooms_active: Callable[[], int] = lambda: 0) -> None:
        self.rooms_active = rooms_active
        self.agents_online: Callable[[], int] = lambda: 0
        self.citizens_waiting: Callable[[], int] = lambda: 0
        self.connections_refused: Callable[[], int] = lambda: 0
        self.registry = CollectorRegistry()
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=self.registry)
        self.registry.register(_Callbacks(self))
        self._series: dict[str, Counter | Gauge] = {
            name: Counter(name, text, labels, registry=self.registry)
            for name, (text, labels) in _COUNTERS.items()
        }
        self._series["cobrowse_connections"] = Gauge(
            "cobrowse_connections",
            "Open WebSocket connections after hello, by role.",
            ("role",),
            registry=self.registry,
        )
        self.session_seconds = Histogram(
            "cobrowse_session_seconds",
            "Length of paired sessions: agent joined to room closed.",
            buckets=SESSION_BUCKETS,
            registry=self.registry,
        )
        self.pairing_seconds = Histogram(
            "cobrowse_pairing_seconds",
            "Time from the citizen's code (nameplate) to the agent joining it.",
            buckets=PAIRING_BUCKETS,
            registry=self.registry,
        )
        self._zero()

    def _zero(self) -> None:
        """Series that exist from the start (a dashboard sees 0, not "no data")."""
        for role in ("citizen", "agent"):
            self._series["cobrowse_connections"].labels(role=role)
        forwarded = self._series["cobrowse_bytes_forwarded_total"]
        self._forwarded = {
            "citizen": forwarded.labels(direction="citizen_to_agent"),
            "agent": forwarded.labels(direction="agent_to_citizen"),
        }

    def forwarded(self, role: str, amount: int) -> None:
        """Count ``amount`` bytes that ``role`` sent through its room.  Once per frame:
        the labelled series are looked up once, not per call (docs/scale.md)."""
        self._forwarded[role].inc(amount)

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        """Add ``amount`` to the series ``name{labels}`` (negative for gauges)."""
        series = self._series[name]  # KeyError for a name that is not ours
        (series.labels(**labels) if labels else series).inc(amount)

    def get(self, name: str, **labels: str) -> int:
        """The current value of ``name{labels}`` (0 when it has none yet)."""
        return int(self.registry.get_sample_value(name, labels) or 0)

    def render(self) -> str:
        """The whole registry as Prometheus exposition text."""
        return generate_latest(self.registry).decode("utf-8")


class _Callbacks:
    """A collector reading the hub's and server's callbacks at scrape time."""

    def __init__(self, metrics: Metrics) -> None:
        self._m = metrics

    def collect(self) -> Iterator[Metric]:
        m = self._m
        for name, text, value in (
            ("cobrowse_rooms_active", "Rooms alive (waiting, paired or in grace).", m.rooms_active),
            ("cobrowse_agents_online", "Agents signed in (any role).", m.agents_online),
            (
                "cobrowse_citizens_waiting",
                "Citizens holding a code no agent has joined yet.",
                m.citizens_waiting,
            ),
        ):
            yield GaugeMetricFamily(name, text, value=value())
        yield CounterMetricFamily(
            "cobrowse_connections_refused",
            "Connections refused over a connection cap (all, or per address group).",
            value=m.connections_refused(),
        )
