"""The parts of a relay cluster one at a time: config, nameplates by leading digit,
the agent's ticket hello, haproxy.cfg, routed URLs, and presence rows in PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from certs import self_signed
from pgcluster import Cluster as PgCluster
from pgcluster import fresh_database
from relay_helpers import PASSWORD, Client, FakeClock, clients, run, running
from websockets.asyncio.client import connect

from cobrowse.errors import ConfigError
from cobrowse.session.transport import routed_url
from relay.cluster import Cluster
from relay.config import RelayConfig, load_config
from relay.haproxy import Node, haproxy_config
from relay.messages import Refusal, parse_hello
from relay.rooms import NoFreeNameplate, RoomRegistry

TICKET = "ab" * 32


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_node_hands_out_only_nameplates_of_its_own_digits() -> None:
    rooms: RoomRegistry[int] = RoomRegistry(600, 60, FakeClock(), routes="58")
    taken = {rooms.allocate(i).nameplate for i in range(rooms.space)}
    assert rooms.space == len(taken) == 2000
    assert {n[0] for n in taken} == {"5", "8"}
    with pytest.raises(NoFreeNameplate):
        rooms.allocate(-1)


def test_a_single_relay_keeps_the_whole_space() -> None:
    rooms: RoomRegistry[int] = RoomRegistry(600, 60, FakeClock(), randbelow=lambda n: n - 1)
    assert rooms.space == 10_000
    assert rooms.allocate(0).nameplate == "9999"


def test_cluster_config(tmp_path: Path) -> None:
    url = "postgresql://cobrowse@db.example/cobrowse"
    text = f"""
[accounts]
database = "{url}"
[cluster]
node = "relay2"
routes = "56789"
heartbeat = 2
node_expiry = 10
ticket_ttl = 30
"""
    config = load_config(write(tmp_path / "relay.toml", text))
    assert config.clustered and config.node == "relay2" and config.routes == "56789"
    assert (config.heartbeat, config.node_expiry, config.ticket_ttl) == (2.0, 10.0, 30.0)
    assert config.accounts_location == url
    assert not RelayConfig().clustered
    assert RelayConfig(data_dir=tmp_path).accounts_location == tmp_path / "relay.db"
    local = load_config(write(tmp_path / "r.toml", '[accounts]\ndatabase = "a/relay.db"'))
    assert local.accounts_location == tmp_path / "a" / "relay.db"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[cluster]\nnode = "a"\nroutes = "01"', "needs accounts.database"),
        ('[cluster]\nroutes = "01"', "cluster.routes needs cluster.node"),
        ('[cluster]\nnode = "a"\nroutes = "011"', "distinct digits"),
        ('[cluster]\nnode = "a"\nroutes = "0x"', "distinct digits"),
        ('[cluster]\nnode = "A b"', "short name"),
        ('[cluster]\nnode = "a"\nheartbeat = 5\nnode_expiry = 6', "at least 2 x heartbeat"),
        ('[accounts]\ndatabase = "mysql://x"', "accounts.database must be"),
        ("[cluster]\nnodes = 2", "unknown key cluster.nodes"),
    ],
)
def test_bad_cluster_config(tmp_path: Path, text: str, words: str) -> None:
    if "needs accounts" not in words and "[accounts]" not in text:
        text += '\n[accounts]\ndatabase = "postgresql://db/x"'
    with pytest.raises(ConfigError, match=words):
        load_config(write(tmp_path / "relay.toml", text))


def test_agent_hello_with_a_ticket_instead_of_the_password() -> None:
    base = {"type": "hello", "version": 1, "role": "agent", "name": "anna"}
    hello = parse_hello({**base, "ticket": TICKET})
    assert (hello.ticket, hello.password) == (TICKET, "")
    assert TICKET not in repr(hello)
    for bad in ({"ticket": "AB" * 32}, {"ticket": TICKET, "password": "x"}, {}):
        with pytest.raises(Refusal) as refused:
            parse_hello({**base, **bad})
        assert refused.value.reason == "malformed"


def test_routed_url_carries_only_the_first_digit() -> None:
    assert routed_url("wss://relay.example/v1", "5123") == "wss://relay.example/v1?route=5"
    assert routed_url("ws://h:1/v1?route=3&x=1", "0042") == "ws://h:1/v1?x=1&route=0"


NODES = [Node("relay1", "10.0.0.11", 8765, "01234"), Node("relay2", "fd00::12", 8765, "56789")]


def test_haproxy_config_routes_every_digit_to_its_node() -> None:
    text = haproxy_config(NODES, ":443", crt="/etc/haproxy/relay.pem", node_ca="/etc/ca.pem")
    assert "use-server relay1 if { urlp(route) -m str 0 1 2 3 4 }" in text
    assert "use-server relay2 if { urlp(route) -m str 5 6 7 8 9 }" in text
    assert "server relay2 [fd00::12]:8765 ssl verify required ca-file /etc/ca.pem" in text
    assert "bind :443 ssl crt /etc/haproxy/relay.pem" in text
    assert "balance roundrobin" in text and "option redispatch" in text
    for nodes in ([NODES[0]], [NODES[0], NODES[1], Node("x", "h", 1, "4")]):
        with pytest.raises(ConfigError, match="each digit 0-9 once"):
            haproxy_config(nodes, ":443")
    assert Node.parse("relay2=[fd00::12]:8765:56789") == NODES[1]


def test_haproxy_accepts_the_generated_and_the_shipped_config(tmp_path: Path) -> None:
    binary = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if binary is None:
        pytest.skip("HAProxy is not installed (apt-get install haproxy)")
    cfg = write(tmp_path / "haproxy.cfg", haproxy_config(NODES, "127.0.0.1:8443"))
    cert, key = self_signed(tmp_path)
    pem = write(tmp_path / "relay.pem", cert.read_text() + key.read_text())
    shipped = (Path(__file__).resolve().parents[2] / "deploy" / "haproxy.cfg").read_text()
    shipped = shipped.replace("/etc/haproxy/relay.pem", str(pem))
    shipped = shipped.replace("/etc/haproxy/relay-nodes-ca.pem", str(cert))
    for path in (cfg, write(tmp_path / "shipped.cfg", shipped)):
        checked = subprocess.run(
            [binary, "-c", "-f", str(path)], capture_output=True, text=True, timeout=30
        )
        assert "Configuration file is valid" in checked.stdout + checked.stderr, checked


@pytest.fixture
def shared_url(postgres_cluster: PgCluster) -> Iterator[str]:
    with fresh_database(postgres_cluster) as url:
        yield url


def node_config(url: str, node: str) -> RelayConfig:
    return RelayConfig(accounts_database=url, node=node, routes="0", heartbeat=0.2, node_expiry=2)


def test_presence_rows_sum_live_nodes_and_expire_dead_ones(shared_url: str) -> None:
    clock = FakeClock(1_000_000.0)
    mine, theirs = (0, 0), [(2, 1)]

    async def nothing() -> None:
        pass

    async def body() -> None:
        a = Cluster(node_config(shared_url, "a"), lambda: theirs[0], nothing, clock=clock)
        b = Cluster(node_config(shared_url, "b"), lambda: mine, nothing, clock=clock)
        await a._publish(notify=False)
        assert await b.refresh() and b.others == (2, 1) and b.live_routes == "0"
        assert not await b.refresh()
        clock.advance(1.5)
        assert not await b.refresh()  # 1.5 s silent: still alive
        clock.advance(1.0)
        assert await b.refresh() and b.others == (0, 0) and b.live_routes == ""  # gone
        await a._publish(notify=False)
        assert await b.refresh() and b.others == (2, 1)  # back
        for cluster in (a, b):
            cluster.db.close()

    run(body)


def test_a_change_reaches_the_other_node_by_notify(shared_url: str) -> None:
    """Node a's agents change; node b hears it through LISTEN long before a heartbeat."""
    counts = [(0, 0)]

    async def body() -> None:
        heard = asyncio.Event()

        async def on_change() -> None:
            heard.set()

        async def nothing() -> None:
            pass

        slow = node_config(shared_url, "a").replace(heartbeat=3600.0, node_expiry=7200.0)
        a = Cluster(slow, lambda: counts[0], nothing)
        b = Cluster(slow.replace(node="b"), lambda: (0, 0), on_change)
        await a.start()
        await b.start()
        try:
            heard.clear()
            counts[0] = (3, 0)
            a.poke()
            await asyncio.wait_for(heard.wait(), 15)
            assert b.others == (3, 0)
            await a.stop()  # a clean stop removes the row at once
            heard.clear()
            await asyncio.wait_for(heard.wait(), 15)
            assert b.others == (0, 0)
        finally:
            await b.stop()

    run(body, timeout=60)


def test_tickets_expire(shared_url: str) -> None:
    clock = FakeClock(1_000_000.0)

    async def nothing() -> None:
        pass

    cluster = Cluster(node_config(shared_url, "a"), lambda: (0, 0), nothing, clock=clock)
    try:
        ticket = cluster.issue_ticket("anna")
        clock.advance(cluster.config.ticket_ttl + 1)
        assert not cluster.redeem_ticket("anna", ticket)
        fresh = cluster.issue_ticket("anna")
        assert cluster.redeem_ticket("anna", fresh)
        assert not cluster.redeem_ticket("anna", fresh)
    finally:
        cluster.db.close()


def test_a_single_relay_ignores_routes_and_knows_no_tickets(data_dir: Path) -> None:
    """Without [cluster] nothing changes: any digit joins, ?route= is ignored, and a
    ticket hello is a bad login (there is nobody to have issued one)."""

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, nameplate = await c.citizen()
            routed = f"{relay.url}?route={(int(nameplate[0]) + 1) % 10}"
            agent = Client(await c.stack.enter_async_context(connect(routed)))
            await agent.send(type="hello", version=1, role="agent", name="anna", password=PASSWORD)
            await agent.expect("welcome")
            await agent.send(type="join", nameplate=nameplate)
            await agent.expect("joined")
            ticket = await c.open()
            await ticket.send(type="hello", version=1, role="agent", name="anna", ticket=TICKET)
            assert await ticket.closed() == (4401, "bad_login")

    run(body)
