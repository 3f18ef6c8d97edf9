"""Counters and gauges for ``GET /metrics`` in the Prometheus text format."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

_HELP: dict[str, tuple[str, str]] = {
    "cobrowse_connections": ("gauge", "Open WebSocket connections after hello, by role."),
    "cobrowse_rooms_active": ("gauge", "Rooms alive (waiting, paired or in grace)."),
    "cobrowse_agents_online": ("gauge", "Agents signed in (any role)."),
    "cobrowse_citizens_waiting": ("gauge", "Citizens holding a code no agent has joined yet."),
    "cobrowse_sessions_total": ("counter", "Agents joined to a citizen's nameplate."),
    "cobrowse_bytes_forwarded_total": ("counter", "Session bytes forwarded, by direction."),
    "cobrowse_joins_rejected_total": ("counter", "Refused joins, by reason."),
    "cobrowse_logins_failed_total": ("counter", "Failed agent logins."),
    "cobrowse_rate_limited_total": ("counter", "Requests refused by a rate limit."),
    "cobrowse_connections_refused_total": (
        "counter",
        "Connections refused over a connection cap (all, or per address group).",
    ),
}
Labels = tuple[tuple[str, str], ...]


class Metrics:
    """A small registry; the gauges ``rooms_active``, ``agents_online`` and
    ``citizens_waiting`` and the counter ``connections_refused`` are read from
    callbacks at render time."""

    def __init__(self, rooms_active: Callable[[], int] = lambda: 0) -> None:
        self.rooms_active = rooms_active
        self.agents_online: Callable[[], int] = lambda: 0
        self.citizens_waiting: Callable[[], int] = lambda: 0
        self.connections_refused: Callable[[], int] = lambda: 0
        self._values: Counter[tuple[str, Labels]] = Counter()
        for role in ("citizen", "agent"):
            self._values[("cobrowse_connections", (("role", role),))] += 0
        for direction in ("citizen_to_agent", "agent_to_citizen"):
            self._values[("cobrowse_bytes_forwarded_total", (("direction", direction),))] += 0
        for name in (
            "cobrowse_sessions_total",
            "cobrowse_logins_failed_total",
            "cobrowse_rate_limited_total",
        ):
            self._values[(name, ())] += 0

    def inc(self, name: str, amount: int = 1, **labels: str) -> None:
        """Add ``amount`` to the series ``name{labels}`` (negative for gauges)."""
        if name not in _HELP:
            raise KeyError(name)
        self._values[(name, tuple(sorted(labels.items())))] += amount

    def get(self, name: str, **labels: str) -> int:
        return self._values[(name, tuple(sorted(labels.items())))]

    def render(self) -> str:
        """The whole registry as Prometheus exposition text."""
        values = dict(self._values)
        values[("cobrowse_rooms_active", ())] = self.rooms_active()
        values[("cobrowse_agents_online", ())] = self.agents_online()
        values[("cobrowse_citizens_waiting", ())] = self.citizens_waiting()
        values[("cobrowse_connections_refused_total", ())] = self.connections_refused()
        lines: list[str] = []
        for name, (kind, text) in _HELP.items():
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            for (series, labels), value in sorted(values.items()):
                if series == name:
                    lines.append(f"{name}{_labels(labels)} {value}")
        return "\n".join(lines) + "\n"


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
    return "{" + inner + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
