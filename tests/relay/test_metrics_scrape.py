"""``/metrics`` of a real relay process, scraped over HTTP and read with
prometheus_client's own parser: the relay's series, the session and pairing
histograms, and the process collector's CPU, memory and file descriptors."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from relay_helpers import FakeClock, clients, run, running
from websockets.asyncio.client import ClientConnection, connect

from relay.metrics import Metrics

PASSWORD = "metrics-test-password-1"
TIMEOUT = 30


@pytest.fixture
def relay_port(tmp_path: Path) -> Iterator[int]:
    base = [sys.executable, "-m", "relay"]
    subprocess.run(
        [*base, "add-agent", "anna", "--municipality", "Albertslund", "--password-stdin"]
        + ["--data-dir", str(tmp_path)],
        input=PASSWORD + "\n",
        text=True,
        capture_output=True,
        check=True,
        timeout=120,
    )
    proc = subprocess.Popen(
        [*base, "serve", "--dev", "--port", "0", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on ws://127.0.0.1:" in line, line
        yield int(line.split("ws://127.0.0.1:")[1].split("/")[0])
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


async def _json(ws: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        msg: dict[str, Any] = json.loads(await ws.recv())
        if msg["type"] == kind:
            return msg


async def _one_session(port: int) -> None:
    """A citizen and an agent pair, 5 bytes pass, the agent leaves."""
    url = f"ws://127.0.0.1:{port}/v1"
    async with asyncio.timeout(TIMEOUT), connect(url) as citizen, connect(url) as agent:
        await citizen.send(json.dumps({"type": "hello", "version": 1, "role": "citizen"}))
        nameplate = (await _json(citizen, "nameplate"))["nameplate"]
        hello = {"type": "hello", "version": 1, "role": "agent", "name": "anna"}
        await agent.send(json.dumps({**hello, "password": PASSWORD}))
        await _json(agent, "welcome")
        await agent.send(json.dumps({"type": "join", "nameplate": nameplate}))
        await _json(agent, "joined")
        await _json(citizen, "agent_joined")
        await citizen.send(b"12345")
        assert await agent.recv() == b"12345"
        await agent.send(json.dumps({"type": "leave"}))
        await _json(citizen, "peer_left")


def _scrape(port: int) -> tuple[str, dict[str, float]]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=TIMEOUT) as reply:
        kind, text = reply.headers["Content-Type"], reply.read().decode()
    samples: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
            samples[f"{s.name}{{{labels}}}" if labels else s.name] = s.value
    return kind, samples


@pytest.mark.timeout(300)
def test_a_real_relay_exposes_histograms_and_process_metrics(relay_port: int) -> None:
    asyncio.run(_one_session(relay_port))
    kind, samples = _scrape(relay_port)
    assert kind.startswith("text/plain; version=0.0.4")
    assert samples["cobrowse_sessions_total"] == 1
    assert samples["cobrowse_bytes_forwarded_total{direction=citizen_to_agent}"] == 5
    assert "cobrowse_connections{role=citizen}" in samples
    assert samples["cobrowse_pairing_seconds_count"] == 1
    assert samples["cobrowse_pairing_seconds_bucket{le=+Inf}"] == 1
    assert samples["cobrowse_session_seconds_count"] == 1
    assert samples["cobrowse_session_seconds_bucket{le=60.0}"] == 1  # well under a minute
    assert samples["cobrowse_rooms_active"] >= 0 and samples["cobrowse_agents_online"] == 0
    assert samples["process_resident_memory_bytes"] > 1_000_000
    assert samples["process_open_fds"] > 0 and "process_cpu_seconds_total" in samples
    assert not any(name.endswith("_created") for name in samples)


def test_series_names_inc_get_and_unknown_names() -> None:
    metrics = Metrics(rooms_active=lambda: 3)
    metrics.connections_refused = lambda: 7
    metrics.inc("cobrowse_joins_rejected_total", reason='odd"reason')
    metrics.inc("cobrowse_connections", role="agent")
    metrics.inc("cobrowse_connections", -1, role="agent")
    metrics.session_seconds.observe(400)
    assert metrics.get("cobrowse_joins_rejected_total", reason='odd"reason') == 1
    assert metrics.get("cobrowse_connections", role="agent") == 0
    families = {f.name: f for f in text_string_to_metric_families(metrics.render())}
    assert families["cobrowse_rooms_active"].samples[0].value == 3
    assert families["cobrowse_connections_refused"].samples[0].value == 7
    assert families["cobrowse_session_seconds"].type == "histogram"
    (rejected,) = families["cobrowse_joins_rejected"].samples
    assert rejected.labels == {"reason": 'odd"reason'}
    with pytest.raises(KeyError):
        metrics.inc("cobrowse_typo")


def test_pairing_and_session_seconds_are_measured_on_the_relay_clock(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with running(data_dir, clock=clock) as relay, clients(relay) as c:
            citizen, nameplate = await c.citizen()
            clock.advance(25)  # the citizen reads the code aloud
            agent = await c.agent("anna")
            await agent.send(type="join", nameplate=nameplate)
            await agent.expect("joined")
            await citizen.expect("agent_joined")
            clock.advance(700)  # a session of just under 12 minutes
            await agent.send(type="leave")
            await citizen.expect("peer_left")
            get = relay.metrics.registry.get_sample_value
            assert get("cobrowse_pairing_seconds_bucket", {"le": "20.0"}) == 0
            assert get("cobrowse_pairing_seconds_bucket", {"le": "30.0"}) == 1
            assert get("cobrowse_pairing_seconds_sum") == 25
            assert get("cobrowse_session_seconds_bucket", {"le": "600.0"}) == 0
            assert get("cobrowse_session_seconds_bucket", {"le": "900.0"}) == 1
            assert get("cobrowse_session_seconds_sum") == 700

    run(body)
