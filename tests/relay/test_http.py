"""Plain HTTP endpoints, TLS, and the threaded relay."""

from __future__ import annotations

import asyncio
import json
import ssl
import urllib.request
from pathlib import Path

import pytest
from certs import self_signed
from relay_helpers import clients, config, run, running
from websockets.asyncio.client import connect
from websockets.sync.client import connect as sync_connect

from cobrowse.errors import ConfigError
from relay.server import Relay, RelayThread


def get(url: str, context: ssl.SSLContext | None = None) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=5, context=context) as response:
        return (response.status, response.headers["Content-Type"], response.read().decode("utf-8"))


def test_healthz(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay:
            status, _, text = await asyncio.to_thread(get, f"http://127.0.0.1:{relay.port}/healthz")
            assert (status, text.strip()) == (200, "ok")

    run(body)


def test_metrics(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, nameplate = await c.pair()
            await citizen.ws.send(b"12345")
            await agent.recv()
            await agent.send(type="join", nameplate=nameplate)  # already in a room
            await agent.closed()
            await citizen.expect("peer_left")
            bad = await c.open()
            await bad.send(type="hello", version=1, role="agent", name="anna", password="x" * 12)
            await bad.closed()
            url = f"http://127.0.0.1:{relay.port}/metrics"
            status, kind, text = await asyncio.to_thread(get, url)
        assert status == 200 and kind.startswith("text/plain; version=0.0.4")
        lines = set(text.splitlines())
        for line in (
            'cobrowse_connections{role="citizen"} 1.0',
            'cobrowse_connections{role="agent"} 0.0',
            "cobrowse_rooms_active 0.0",
            "cobrowse_sessions_total 1.0",
            'cobrowse_bytes_forwarded_total{direction="citizen_to_agent"} 5.0',
            'cobrowse_bytes_forwarded_total{direction="agent_to_citizen"} 0.0',
            "cobrowse_logins_failed_total 1.0",
            "cobrowse_rate_limited_total 0.0",
            "# TYPE cobrowse_joins_rejected_total counter",
        ):
            assert line in lines, line

    run(body)


def test_tls(data_dir: Path) -> None:
    cert, key = self_signed(data_dir)
    trust = ssl.create_default_context(cafile=str(cert))

    async def body() -> None:
        async with running(data_dir, dev=False, tls_cert=cert, tls_key=key) as relay:
            assert relay.url.startswith("wss://127.0.0.1:")
            async with connect(relay.url, ssl=trust, compression=None) as ws:
                await ws.send(json.dumps({"type": "hello", "version": 1, "role": "citizen"}))
                assert json.loads(await ws.recv())["type"] == "nameplate"
            status, _, _ = await asyncio.to_thread(
                get, f"https://127.0.0.1:{relay.port}/healthz", trust
            )
            assert status == 200

    run(body)


def test_unsafe_settings_refuse_to_start(data_dir: Path) -> None:
    async def body() -> None:
        for overrides, words in (
            ({"dev": False}, "no TLS"),
            ({"host": "0.0.0.0"}, "loopback"),
            (
                {"dev": False, "tls_cert": data_dir / "no.crt", "tls_key": data_dir / "no.key"},
                "not found",
            ),
        ):
            with pytest.raises(ConfigError, match=words):
                await Relay(config(data_dir, **overrides)).start()

    run(body)


def test_relay_thread(data_dir: Path) -> None:
    with RelayThread(config(data_dir)) as relay:
        assert relay.url == f"ws://127.0.0.1:{relay.port}/v1"
        with sync_connect(relay.url, compression=None) as ws:
            ws.send(json.dumps({"type": "hello", "version": 1, "role": "citizen"}))
            assert json.loads(ws.recv(timeout=5))["type"] == "nameplate"
        with pytest.raises(OSError):  # the port is taken
            RelayThread(config(data_dir).replace(port=relay.port)).start()


def test_relay_thread_reports_start_errors(data_dir: Path) -> None:
    with pytest.raises(ConfigError):
        RelayThread(config(data_dir, dev=False)).start()
