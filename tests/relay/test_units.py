"""Unit tests of the relay's parts without a network: config, accounts, limits,
rooms, message parsing, audit log and metrics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from relay_helpers import PASSWORD, FakeClock

from cobrowse.errors import ConfigError
from relay.accounts import (
    Account,
    AccountDisabled,
    AccountError,
    AccountStore,
    BadLogin,
    DuplicateAgent,
    UnknownAgent,
    check_password,
    generate_password,
    hash_password,
)
from relay.addresses import client_address, networks
from relay.audit import AuditLog
from relay.config import RelayConfig, check_serve_config, is_loopback, load_config
from relay.messages import Refusal, decode, parse_hello, parse_message
from relay.metrics import Metrics
from relay.ratelimit import LoginThrottle, RateLimiter
from relay.rooms import NAMEPLATE_SPACE, JoinRefused, NoFreeNameplate, RoomRegistry

# -- config ------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_safe() -> None:
    config = RelayConfig()
    assert (config.host, config.port, config.dev, config.tls) == ("127.0.0.1", 8765, False, False)
    assert (config.max_text, config.max_binary, config.nameplate_ttl) == (4096, 131072, 600)


def test_load_config(tmp_path: Path) -> None:
    path = write(
        tmp_path / "relay.toml",
        """
        [server]
        host = "0.0.0.0"
        port = 443
        data_dir = "data"
        tls_cert = "/etc/relay.crt"
        tls_key = "relay.key"
        [limits]
        nameplate_ttl = 300
        [rate_limits]
        claims_burst = 3
    """,
    )
    config = load_config(path)
    assert (config.host, config.port, config.nameplate_ttl, config.claims_burst) == (
        "0.0.0.0",
        443,
        300.0,
        3,
    )
    assert config.data_dir == tmp_path / "data" and config.tls_key == tmp_path / "relay.key"
    assert config.tls_cert == Path("/etc/relay.crt")


@pytest.mark.parametrize(
    "text,words",
    [
        ("[server\nport = 1", "not valid TOML"),
        ("[serve]\nport = 1", "unknown table [serve]"),
        ("[server]\nprot = 1", "unknown key server.prot"),
        ("[server]\nport = '8765'", "server.port must be int, not '8765'"),
        ("[server]\nport = 70000", "server.port must be 0-65535"),
        ("[server]\ndev = 1", "server.dev must be bool"),
        ("[limits]\nmax_text = 0", "max_text must be positive"),
        ("[server]\ntls_cert = 'a.crt'", "both server.tls_cert and server.tls_key"),
        ("port = 1", "unknown table [port]"),
        ("[server]\ntrusted_proxies = '10.0.0.1'", "must be a list of addresses"),
        ("[server]\ntrusted_proxies = ['10.0.0.1', 'proxy.local']", "'proxy.local' is not an IP"),
        ("[stats]\ndatabase = 'mysql://x/y'", "stats.database must be a postgresql:// URL"),
        ("[stats]\ndatabase = ''", "stats.database must be"),
        ("[stats]\ndatabase = 5", "stats.database must be str"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path: Path, text: str, words: str) -> None:
    path = write(tmp_path / "relay.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in str(info.value) and words in str(info.value)


def test_stats_database_setting(tmp_path: Path) -> None:
    """Default: stats.db in the data folder; a URL means PostgreSQL; a relative
    path is taken from the config file's folder."""
    assert RelayConfig(data_dir=tmp_path).stats_location == tmp_path / "stats.db"
    url = "postgresql://cobrowse@db.example.dk/cobrowse"
    conf = load_config(write(tmp_path / "relay.toml", f"[stats]\ndatabase = '{url}'"))
    assert conf.stats_location == url
    conf = load_config(write(tmp_path / "relay.toml", "[stats]\ndatabase = 'db/s.db'"))
    assert conf.stats_location == tmp_path / "db" / "s.db"


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_proxy_config_and_plain_ws_only_on_loopback_behind_it(tmp_path: Path) -> None:
    path = write(
        tmp_path / "relay.toml",
        """
        [server]
        trusted_proxies = ["127.0.0.1", "10.20.0.0/16"]
    """,
    )
    config = load_config(path)
    assert config.trusted_proxies == ("127.0.0.1", "10.20.0.0/16")
    check_serve_config(config)  # plain ws on 127.0.0.1: TLS is the proxy's job
    with pytest.raises(ConfigError, match="no TLS certificate configured"):
        check_serve_config(config.replace(host="0.0.0.0"))
    with pytest.raises(ConfigError, match="trusted_proxies"):
        check_serve_config(RelayConfig())


@pytest.mark.parametrize(
    "peer,forwarded,client",
    [
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),  # not a proxy: header ignored
        ("127.0.0.1", ["198.51.100.1"], "198.51.100.1"),  # our proxy says who it is
        ("127.0.0.1", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),  # a client's own claim skipped
        ("127.0.0.1", ["198.51.100.1, 10.20.3.4"], "198.51.100.1"),  # through two of our proxies
        ("127.0.0.1", ["198.51.100.1", "10.20.3.4"], "198.51.100.1"),  # headers in order
        ("127.0.0.1", [], "127.0.0.1"),  # no header
        ("127.0.0.1", ["198.51.100.1, garbage"], "127.0.0.1"),  # garbled: believe nothing
        ("127.0.0.1", ["2001:db8::1"], "2001:db8::1"),
        ("127.0.0.1", ["10.20.0.1"], "127.0.0.1"),  # only proxies in the chain
    ],
)
def test_client_address_behind_trusted_proxies(
    peer: str, forwarded: list[str], client: str
) -> None:
    proxies = networks(["127.0.0.1", "10.20.0.0/16"])
    assert client_address(peer, forwarded, proxies) == client
    assert client_address(peer, forwarded, ()) == peer  # no proxies configured


def test_loopback() -> None:
    assert all(map(is_loopback, ["127.0.0.1", "127.1.2.3", "::1", "localhost"]))
    assert not any(map(is_loopback, ["0.0.0.0", "10.0.0.1", "relay.example.dk", "::"]))


# -- accounts ----------------------------------------------------------------


def test_password_hash_is_self_describing_scrypt() -> None:
    stored = hash_password(PASSWORD)
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1") and PASSWORD not in stored
    assert check_password(PASSWORD, stored) and not check_password("wrong", stored)
    assert hash_password(PASSWORD) != stored  # fresh salt
    assert not check_password(PASSWORD, "md5$abc") and not check_password(PASSWORD, "")
    assert len(generate_password()) == 20


def test_account_store(tmp_path: Path) -> None:
    store = AccountStore(tmp_path / "relay.db")
    anna = store.add("anna", "Anna Jensen", "Albertslund", PASSWORD)
    assert anna == Account("anna", "Anna Jensen", "Albertslund", "agent", False, anna.created)
    assert store.verify("anna", PASSWORD) == anna
    with pytest.raises(BadLogin):
        store.verify("anna", "not the password")
    with pytest.raises(BadLogin):
        store.verify("nobody", PASSWORD)
    with pytest.raises(DuplicateAgent):
        store.add("anna", "Other", "X", PASSWORD)
    store.disable("anna")
    with pytest.raises(AccountDisabled):
        store.verify("anna", PASSWORD)
    with pytest.raises(BadLogin):  # a disabled account does not reveal itself to guessers
        store.verify("anna", "not the password")
    store.enable("anna")
    store.set_role("anna", "admin")
    store.set_password("anna", "a new long password")
    assert store.verify("anna", "a new long password").role == "admin"
    assert [a.name for a in store.list()] == ["anna"]


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.add("Anna!", "A", "M", PASSWORD),
        lambda s: s.add("anna", "A", "M", "short"),
        lambda s: s.add("anna", "A", "M", PASSWORD, role="root"),
        lambda s: s.add("anna", " ", "M", PASSWORD),
    ],
)
def test_account_validation(tmp_path: Path, call: object) -> None:
    store = AccountStore(tmp_path / "relay.db")
    with pytest.raises(AccountError):
        call(store)  # type: ignore[operator]


def test_unknown_agent_operations(tmp_path: Path) -> None:
    store = AccountStore(tmp_path / "relay.db")
    for op in (store.disable, store.enable, store.get):
        with pytest.raises(UnknownAgent):
            op("ghost")
    with pytest.raises(UnknownAgent):
        store.set_role("ghost", "agent")


# -- rate limits -------------------------------------------------------------


def test_token_bucket() -> None:
    clock = FakeClock()
    limiter = RateLimiter(burst=2, per_minute=6, clock=clock)
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]
    assert limiter.allow("b")
    clock.advance(10)  # one token per 10 s
    assert limiter.allow("a") and not limiter.allow("a")
    clock.advance(3600)
    limiter.prune()
    assert len(limiter) == 0


def test_login_throttle_grows_and_caps() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(limit=2, base=10, cap=25, clock=clock)
    delays = []
    for _ in range(3):
        throttle.failed("anna")
        throttle.failed("anna")
        delays.append(throttle.locked_for("anna"))
        clock.advance(delays[-1])
    assert delays == [10, 20, 25]
    throttle.succeeded("anna")
    assert throttle.locked_for("anna") == 0


# -- rooms -------------------------------------------------------------------

ANNA = Account("anna", "Anna Jensen", "Albertslund", "agent", False, "")


def test_rooms_join_once_and_expire() -> None:
    clock = FakeClock()
    rooms: RoomRegistry[str] = RoomRegistry(ttl=600, grace=60, clock=clock)
    room = rooms.allocate("citizen-1")
    with pytest.raises(JoinRefused, match="No citizen"):
        rooms.join(f"{(int(room.nameplate) + 1) % 1000:03d}", "agent-1", ANNA)
    assert rooms.join(room.nameplate, "agent-1", ANNA) is room and room.complete
    with pytest.raises(JoinRefused) as info:
        rooms.join(room.nameplate, "agent-2", ANNA)
    assert info.value.reason == "nameplate_taken"
    waiting = rooms.allocate("citizen-2")
    clock.advance(600)
    assert rooms.expire() == ([waiting], [])
    assert list(rooms) == [room]


def test_nameplates_run_out_and_freed_ones_rest() -> None:
    clock = FakeClock()
    rooms: RoomRegistry[int] = RoomRegistry(ttl=600, grace=60, clock=clock)
    taken = [rooms.allocate(i) for i in range(NAMEPLATE_SPACE)]
    assert len({room.nameplate for room in taken}) == NAMEPLATE_SPACE == 10_000
    with pytest.raises(NoFreeNameplate):
        rooms.allocate(-1)
    rooms.close(taken[0])
    rooms.close(taken[1])
    assert rooms.allocate(1001).nameplate in (taken[0].nameplate, taken[1].nameplate)


def test_recently_freed_nameplate_is_avoided() -> None:
    rooms: RoomRegistry[int] = RoomRegistry(
        ttl=600, grace=60, clock=FakeClock(), randbelow=lambda n: 0
    )
    first = rooms.allocate(1)
    assert first.nameplate == "0000"
    rooms.close(first)
    assert rooms.allocate(2).nameplate == "0001"


# -- messages ----------------------------------------------------------------


def test_hello_parsing() -> None:
    hello = parse_hello(
        decode(
            json.dumps(
                {
                    "type": "hello",
                    "version": 1,
                    "role": "agent",
                    "name": "anna",
                    "password": PASSWORD,
                }
            ),
            4096,
        )
    )
    assert (hello.role, hello.name, hello.password, hello.resume) == (
        "agent",
        "anna",
        PASSWORD,
        None,
    )
    assert PASSWORD not in repr(hello)
    with pytest.raises(Refusal) as info:
        parse_hello({"type": "hello", "version": 3})
    assert (info.value.code, info.value.reason) == (4426, "version")


def test_message_parsing() -> None:
    assert parse_message({"type": "join", "nameplate": "0042"}, "agent")["nameplate"] == "0042"
    for bad in (
        {"type": "join", "nameplate": "042"},
        {"type": "join", "nameplate": "٠٤٢"},
        {"type": "resume_token", "token": "AB" * 32},
    ):
        with pytest.raises(Refusal, match="malformed|nameplate|token"):
            parse_message(bad, "agent")
    with pytest.raises(Refusal) as info:
        decode("x" * 4097, 4096)
    assert (info.value.code, info.value.reason) == (1009, "too_large")


# -- audit and metrics -------------------------------------------------------


def test_audit_writes_only_allowed_fields(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.jsonl", wallclock=lambda: 0.5)
    audit.write("login", agent="anna", password=PASSWORD, token="ab" * 32, outcome="ok")
    audit.close()
    line = json.loads((tmp_path / "audit.jsonl").read_text(encoding="utf-8"))
    assert line == {
        "time": "1970-01-01T00:00:00.500+00:00",
        "event": "login",
        "agent": "anna",
        "outcome": "ok",
    }


def test_audit_follows_logrotate(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    audit = AuditLog(path)
    audit.write("login", agent="anna")
    path.rename(tmp_path / "audit.jsonl.1")  # logrotate moves it away ...
    audit.write("login", agent="bo")  # ... and the next line starts a new file
    (tmp_path / "audit.jsonl").unlink()  # deleted by hand: the same
    audit.write("login", agent="cille")
    audit.close()
    first = (tmp_path / "audit.jsonl.1").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["agent"] for line in first] == ["anna"]
    assert json.loads(path.read_text(encoding="utf-8"))["agent"] == "cille"


def test_metrics_text() -> None:
    metrics = Metrics(rooms_active=lambda: 3)
    metrics.inc("cobrowse_joins_rejected_total", reason='odd"reason')
    text = metrics.render()
    assert 'cobrowse_joins_rejected_total{reason="odd\\"reason"} 1' in text
    assert "cobrowse_rooms_active 3" in text
    with pytest.raises(KeyError):
        metrics.inc("cobrowse_typo")


def test_metrics_count_forwarded_bytes_by_the_sending_role() -> None:
    metrics = Metrics(rooms_active=lambda: 0)
    metrics.forwarded("citizen", 700)
    metrics.forwarded("citizen", 5)
    metrics.forwarded("agent", 40)
    assert metrics.get("cobrowse_bytes_forwarded_total", direction="citizen_to_agent") == 705
    assert metrics.get("cobrowse_bytes_forwarded_total", direction="agent_to_citizen") == 40


def test_relay_imports_no_qt_screen_input_or_crypto() -> None:
    code = (
        "import sys, relay, relay.cli, relay.server; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'mss', 'pynput',"
        " 'numpy', 'simplejpeg', 'PIL', 'matplotlib', 'cryptography', 'spake2')"
        " or m.startswith(('cobrowse.screen', 'cobrowse.control',"
        " 'cobrowse.session.crypto'))]; "
        "print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
