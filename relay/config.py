"""Relay configuration: one frozen dataclass with safe defaults, loaded from TOML.

A config file is optional; every key has an embedded default that runs a
development relay on localhost.  The file groups keys in three tables::

    [server]
    host = "0.0.0.0"
    port = 443
    data_dir = "/var/lib/cobrowse-relay"
    tls_cert = "/etc/cobrowse/relay.crt"
    tls_key = "/etc/cobrowse/relay.key"
    trusted_proxies = []       # reverse proxies whose X-Forwarded-For is believed

    [limits]
    max_text = 4096            # bytes per relay-layer JSON message
    max_binary = 131072        # bytes per session record
    nameplate_ttl = 600        # seconds a code waits for an agent
    resume_grace = 60          # seconds a room waits for a dropped member
    hello_timeout = 10         # seconds until the first message must arrive
    max_connections = 0        # 0: derived from the open-files limit

    [rate_limits]
    group_prefix_v6 = 64       # one address group for limits: an IPv6 /64
    claims_per_minute = 10     # nameplates per address group
    ...

    [stats]
    database = "postgresql://cobrowse@db.example/cobrowse"  # default: DATA_DIR/stats.db

    [accounts]
    database = "postgresql://cobrowse@db.example/cobrowse"  # default: DATA_DIR/relay.db

    [cluster]                  # several relays behind HAProxy (docs/scale.md)
    node = "relay1"            # this node's name; "" (default): a single relay
    routes = "01234"           # leading nameplate digits this node hands out
    heartbeat = 5              # seconds between presence rows in PostgreSQL
    node_expiry = 20           # a node silent this long counts as gone
    ticket_ttl = 60            # seconds a ticket to sign in on another node lives

    [opening_hours]            # cobrowse.hours.OpeningHours, plus always_open
    always_open = false        # default: true with --dev, else false
    timezone = "Europe/Copenhagen"
    closed_dates = [2024-12-24]
    [opening_hours.weekly]     # default Monday-Thursday 19:00-22:00
    monday = ["19:00-22:00"]

Unknown tables or keys, and values of the wrong type or range, raise
:class:`~cobrowse.errors.ConfigError` naming the file, the key and the value.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cobrowse.errors import ConfigError
from cobrowse.hours import OpeningHours
from relay.addresses import networks
from relay.db import is_url

MAX_UPLOAD_SESSIONS = 50  # sessions in one stats_upload message (docs/protocol.md §1)

DEFAULT_DATA_DIR = Path("cobrowse-relay-data")
ALL_ROUTES = "0123456789"  # a nameplate's leading digit routes it (docs/scale.md)
_NODE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


@dataclass(frozen=True, slots=True)
class RelayConfig:
    """Everything the relay can be told.  All keyword arguments have safe defaults."""

    # [server]
    host: str = "127.0.0.1"
    port: int = 8765
    data_dir: Path = field(default=DEFAULT_DATA_DIR)
    dev: bool = False
    tls_cert: Path | None = None
    tls_key: Path | None = None
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks, e.g. "127.0.0.1"
    # [limits]
    max_text: int = 4096
    max_binary: int = 128 * 1024
    max_upload: int = 128 * 1024  # one stats_upload message from a signed-in agent
    nameplate_ttl: float = 600.0
    resume_grace: float = 60.0
    hello_timeout: float = 10.0
    write_limit: int = 64 * 1024
    max_queue: int = 4
    ping_interval: float = 20.0
    sweep_interval: float = 1.0
    account_recheck: float = 10.0  # seconds between re-reading signed-in agents' accounts
    max_connections: int = 0  # 0: as many as RLIMIT_NOFILE allows (relay/guard.py)
    connections_per_group: int = 64  # open connections from one address group
    citizens_per_group: int = 4  # citizens holding a code from one address group
    password_threads: int = 2  # scrypt workers, apart from everything else
    # [rate_limits]  (token buckets: a burst, refilled at a steady rate)
    group_prefix_v4: int = 32  # addresses in one IPv4 /32 count as one for limits
    group_prefix_v6: int = 64  # ... and in one IPv6 /64
    claims_burst: int = 10
    claims_per_minute: float = 10.0
    joins_burst: int = 10
    joins_per_minute: float = 20.0
    login_failures_account: int = 5
    login_failures_address: int = 20
    lockout_base: float = 30.0
    lockout_max: float = 3600.0
    logins_at_once_account: int = 2  # password checks under way for one account
    logins_at_once_address: int = 4  # ... from one address group
    uploads_burst: int = 200  # statistics sessions per agent account
    uploads_per_minute: float = 60.0
    # [stats]
    database: str = ""  # a postgresql:// URL or a SQLite file; "": data_dir/stats.db
    # [accounts]
    accounts_database: str = ""  # a postgresql:// URL or a SQLite file; "": data_dir/relay.db
    # [cluster]  (relay/cluster.py, docs/scale.md)
    node: str = ""  # "": a single relay, nothing shared but the databases
    routes: str = ALL_ROUTES  # leading nameplate digits this node owns
    heartbeat: float = 5.0
    node_expiry: float = 20.0
    ticket_ttl: float = 60.0
    # [opening_hours]
    opening_hours: OpeningHours = field(default_factory=OpeningHours)
    always_open: bool | None = None  # None: open around the clock only in --dev mode

    @property
    def hotline_always_open(self) -> bool:
        """True if citizens are admitted at any hour (``always_open``, else ``dev``)."""
        return self.dev if self.always_open is None else self.always_open

    @property
    def tls(self) -> bool:
        """True when a certificate and key are configured."""
        return self.tls_cert is not None and self.tls_key is not None

    @property
    def stats_location(self) -> Path | str:
        """The statistics database: ``[stats] database``, else ``stats.db`` in data_dir."""
        if not self.database:
            return self.data_dir / "stats.db"
        return self.database if is_url(self.database) else Path(self.database)

    @property
    def accounts_location(self) -> Path | str:
        """Agent accounts: ``[accounts] database``, else ``relay.db`` in data_dir."""
        if not self.accounts_database:
            return self.data_dir / "relay.db"
        if is_url(self.accounts_database):
            return self.accounts_database
        return Path(self.accounts_database)

    @property
    def clustered(self) -> bool:
        """True for one node of several (``[cluster] node`` set)."""
        return bool(self.node)

    def replace(self, **changes: Any) -> RelayConfig:
        """A copy with ``changes`` applied (e.g. command-line overrides)."""
        return dataclasses.replace(self, **changes)


_SECTIONS: dict[str, dict[str, type]] = {
    "server": {
        "host": str,
        "port": int,
        "data_dir": Path,
        "dev": bool,
        "tls_cert": Path,
        "tls_key": Path,
        "trusted_proxies": list,
    },
    "limits": {
        "max_text": int,
        "max_binary": int,
        "max_upload": int,
        "nameplate_ttl": float,
        "resume_grace": float,
        "hello_timeout": float,
        "write_limit": int,
        "max_queue": int,
        "ping_interval": float,
        "sweep_interval": float,
        "account_recheck": float,
        "max_connections": int,
        "connections_per_group": int,
        "citizens_per_group": int,
        "password_threads": int,
    },
    "rate_limits": {
        "group_prefix_v4": int,
        "group_prefix_v6": int,
        "claims_burst": int,
        "claims_per_minute": float,
        "joins_burst": int,
        "joins_per_minute": float,
        "login_failures_account": int,
        "login_failures_address": int,
        "lockout_base": float,
        "lockout_max": float,
        "logins_at_once_account": int,
        "logins_at_once_address": int,
        "uploads_burst": int,
        "uploads_per_minute": float,
    },
    "stats": {"database": str},
    "accounts": {"database": str},
    "cluster": {
        "node": str,
        "routes": str,
        "heartbeat": float,
        "node_expiry": float,
        "ticket_ttl": float,
    },
}


def load_config(path: Path | str, base: RelayConfig | None = None) -> RelayConfig:
    """Read ``path`` (TOML) on top of ``base`` (default: the embedded defaults).

    Relative ``data_dir``, ``tls_cert`` and ``tls_key`` are taken relative to the
    config file's folder.  Raises :class:`ConfigError` naming the file and key.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    changes: dict[str, Any] = {}
    for section, table in raw.items():
        if section == "opening_hours":
            changes.update(_read_hours(path, table))
            continue
        changes.update(_read_section(path, section, table))
    config = (base or RelayConfig()).replace(**changes)
    check_config(config, where=str(path))
    return config


def _read_hours(path: Path, table: object) -> dict[str, Any]:
    """``[opening_hours]``: the keys of :meth:`OpeningHours.from_config` plus ``always_open``."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: opening_hours must be a table")
    table = dict(table)
    out: dict[str, Any] = {}
    if "always_open" in table:
        out["always_open"] = _convert(
            path, "opening_hours.always_open", bool, table.pop("always_open")
        )
    try:
        out["opening_hours"] = OpeningHours.from_config(table)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return out


def _read_section(path: Path, section: str, table: object) -> dict[str, Any]:
    keys = _SECTIONS.get(section)
    if keys is None or not isinstance(table, dict):
        known = ", ".join(f"[{name}]" for name in (*_SECTIONS, "opening_hours"))
        raise ConfigError(f"{path}: unknown table [{section}] (known: {known})")
    out: dict[str, Any] = {}
    for key, value in table.items():
        kind = keys.get(key)
        if kind is None:
            raise ConfigError(f"{path}: unknown key {section}.{key}")
        out[key] = _convert(path, f"{section}.{key}", kind, value)
    if "database" in out:
        out["database"] = _database(path, out["database"], section)
    if section == "accounts" and "database" in out:
        out["accounts_database"] = out.pop("database")
    return out


def _database(path: Path, value: str, section: str = "stats") -> str:
    """``[stats]``/``[accounts] database``: a PostgreSQL URL, or a SQLite file
    (relative to ``path``)."""
    if is_url(value):
        return value
    if not value or "://" in value:
        raise ConfigError(
            f"{path}: {section}.database must be a postgresql:// URL or a file path, not {value!r}"
        )
    target = Path(value).expanduser()
    return str(target if target.is_absolute() else path.parent / target)


def _convert(path: Path, key: str, kind: type, value: object) -> object:
    if kind is Path:
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{path}: {key} must be a path string, not {value!r}")
        target = Path(value).expanduser()
        return target if target.is_absolute() else path.parent / target
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is list:
        return _networks(path, key, value)
    if type(value) is not kind:
        raise ConfigError(f"{path}: {key} must be {kind.__name__}, not {value!r}")
    return value


_POSITIVE = (
    "max_text",
    "max_binary",
    "max_upload",
    "nameplate_ttl",
    "resume_grace",
    "hello_timeout",
    "write_limit",
    "max_queue",
    "ping_interval",
    "sweep_interval",
    "account_recheck",
    "claims_burst",
    "claims_per_minute",
    "joins_burst",
    "joins_per_minute",
    "login_failures_account",
    "login_failures_address",
    "lockout_base",
    "lockout_max",
    "connections_per_group",
    "citizens_per_group",
    "password_threads",
    "logins_at_once_account",
    "logins_at_once_address",
    "uploads_burst",
    "uploads_per_minute",
    "heartbeat",
    "node_expiry",
    "ticket_ttl",
)


def check_config(config: RelayConfig, where: str = "config") -> None:
    """Raise :class:`ConfigError` for values out of range."""
    if not 0 <= config.port <= 65535:
        raise ConfigError(f"{where}: server.port must be 0-65535, not {config.port}")
    for name in _POSITIVE:
        value = getattr(config, name)
        if value <= 0:
            raise ConfigError(f"{where}: {name} must be positive, not {value!r}")
    if config.max_connections < 0:
        raise ConfigError(f"{where}: max_connections must be 0 (automatic) or more")
    if not (0 <= config.group_prefix_v4 <= 32 and 0 <= config.group_prefix_v6 <= 128):
        raise ConfigError(f"{where}: group_prefix_v4 must be 0-32 and group_prefix_v6 0-128")
    if config.uploads_burst < MAX_UPLOAD_SESSIONS:
        raise ConfigError(f"{where}: uploads_burst must be at least {MAX_UPLOAD_SESSIONS}")
    if (config.tls_cert is None) != (config.tls_key is None):
        raise ConfigError(f"{where}: set both server.tls_cert and server.tls_key, or neither")
    _check_cluster(config, where)


def _check_cluster(config: RelayConfig, where: str) -> None:
    """``[cluster]``: a node name, its own leading digits, accounts in PostgreSQL."""
    routes = config.routes
    if not routes or not routes.isdigit() or len(set(routes)) != len(routes):
        raise ConfigError(f"{where}: cluster.routes must be distinct digits, not {routes!r}")
    if not config.clustered:
        if routes != ALL_ROUTES:
            raise ConfigError(f"{where}: cluster.routes needs cluster.node")
        return
    if not _NODE_NAME.fullmatch(config.node):
        raise ConfigError(
            f"{where}: cluster.node must be a short name (a-z, 0-9, -, _), not {config.node!r}"
        )
    if not is_url(config.accounts_database):
        raise ConfigError(
            f"{where}: a cluster node needs accounts.database = a postgresql:// URL "
            "(shared by every node)"
        )
    if config.node_expiry < 2 * config.heartbeat:
        raise ConfigError(f"{where}: cluster.node_expiry must be at least 2 x heartbeat")


def _networks(path: Path, key: str, value: object) -> tuple[str, ...]:
    """A list of IP addresses or networks (``"10.0.0.0/8"``), checked."""
    if not isinstance(value, list):
        raise ConfigError(f"{path}: {key} must be a list of addresses, not {value!r}")
    for item in value:
        try:
            if not isinstance(item, str):
                raise ValueError(item)
            networks([item])  # parsed as the relay will use it
        except ValueError:
            raise ConfigError(f"{path}: {key}: {item!r} is not an IP address or network") from None
    return tuple(value)


def check_serve_config(config: RelayConfig) -> None:
    """Refuse settings that would be unsafe to serve with (plain ws off loopback)."""
    check_config(config)
    if config.dev:
        if not is_loopback(config.host):
            raise ConfigError(
                f"--dev (plain ws, no TLS) is only allowed on a loopback "
                f"address such as 127.0.0.1, not {config.host!r}"
            )
        return
    if not config.tls and config.trusted_proxies and is_loopback(config.host):
        return  # plain ws on loopback behind a TLS-terminating reverse proxy
    if not config.tls:
        raise ConfigError(
            "no TLS certificate configured: set server.tls_cert and "
            "server.tls_key in the config file, or use --dev on localhost "
            "(or listen on 127.0.0.1 behind a proxy in server.trusted_proxies)"
        )
    for label, file in (("tls_cert", config.tls_cert), ("tls_key", config.tls_key)):
        if file is not None and not file.is_file():
            raise ConfigError(f"TLS file not found: server.{label} = {file}")


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
