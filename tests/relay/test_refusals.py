"""Every refusal is a close code and a reason word (docs/protocol.md §1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from relay_helpers import PASSWORD, clients, run, running

HELLO_C = {"type": "hello", "version": 1, "role": "citizen"}
HELLO_A = {"type": "hello", "version": 1, "role": "agent", "name": "anna", "password": PASSWORD}

FIRST_MESSAGES = {
    "not json": "hello?",
    "json array": "[1, 2]",
    "type not a string": '{"type": 5}',
    "no type": '{"version": 1}',
    "not hello first": json.dumps({"type": "new_nameplate"}),
    "version as string": json.dumps({**HELLO_C, "version": "1"}),
    "version as bool": json.dumps({**HELLO_C, "version": True}),
    "unknown role": json.dumps({**HELLO_C, "role": "admin"}),
    "extra field": json.dumps({**HELLO_C, "name": "x"}),
    "agent without password": json.dumps({k: v for k, v in HELLO_A.items() if k != "password"}),
    "password not a string": json.dumps({**HELLO_A, "password": 12345678}),
    "bad resume token": json.dumps({**HELLO_C, "resume": "abc"}),
    "duplicate keys": '{"type": "hello", "version": 1, "role": "citizen", "role": "agent"}',
    "NaN": '{"type": "hello", "version": NaN, "role": "citizen"}',
}


@pytest.mark.parametrize("text", FIRST_MESSAGES.values(), ids=FIRST_MESSAGES.keys())
def test_malformed_first_message(data_dir: Path, text: str) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            client = await c.open()
            await client.ws.send(text)
            assert await client.closed() == (4400, "malformed")

    run(body)


LATER_MESSAGES = {
    "unknown type": ("citizen", {"type": "teleport"}),
    "citizen may not join": ("citizen", {"type": "join", "nameplate": "1234"}),
    "agent may not claim": ("agent", {"type": "new_nameplate"}),
    "nameplate as int": ("agent", {"type": "join", "nameplate": 123}),
    "nameplate too long": ("agent", {"type": "join", "nameplate": "12345"}),
    "missing nameplate": ("agent", {"type": "join"}),
    "extra field": ("citizen", {"type": "new_nameplate", "why": "x"}),
    "token before pairing": ("citizen", {"type": "resume_token", "token": "ab" * 32}),
    "second hello": ("citizen", HELLO_C),
}


@pytest.mark.parametrize("role,msg", LATER_MESSAGES.values(), ids=LATER_MESSAGES.keys())
def test_malformed_message_after_hello(data_dir: Path, role: str, msg: dict[str, object]) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            client = (await c.citizen())[0] if role == "citizen" else await c.agent()
            await client.send(**msg)
            assert await client.closed() == (4400, "malformed")

    run(body)


def test_binary_before_hello_and_before_the_room_is_complete(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            first = await c.open()
            await first.ws.send(b"\x01spake")
            assert await first.closed() == (4400, "malformed")
            citizen, _ = await c.citizen()
            await citizen.ws.send(b"\x01spake")
            assert await citizen.closed() == (4400, "malformed")
            agent = await c.agent()
            await agent.ws.send(b"\x01spake")
            assert await agent.closed() == (4400, "malformed")

    run(body)


def test_oversized_text_frame(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            client = await c.open()
            await client.send(**HELLO_C, pad="x" * 5000)
            assert await client.closed() == (1009, "too_large")
            citizen, _ = await c.citizen()
            await citizen.ws.send(json.dumps({"type": "new_nameplate", "p": "é" * 2100}))
            assert await citizen.closed() == (1009, "too_large")  # 4200 bytes in UTF-8

    run(body)


def test_oversized_binary_frame(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            await citizen.ws.send(bytes(128 * 1024))  # exactly the limit passes
            assert len(await agent.recv()) == 128 * 1024
            await citizen.ws.send(bytes(128 * 1024 + 1))
            code, _ = await citizen.closed()
            assert code == 1009
            assert (await agent.expect("peer_left"))["reason"] == "connection_lost"

    run(body)


def test_hello_timeout(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir, hello_timeout=0.2) as relay, clients(relay) as c:
            client = await c.open()
            assert await client.closed() == (4408, "timeout")

    run(body)


@pytest.mark.parametrize("version", [0, 2, 99])
def test_version_mismatch(data_dir: Path, version: int) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            client = await c.open()
            # a future version may carry fields this relay does not know
            await client.send(type="hello", version=version, role="citizen", future=True)
            assert await client.closed() == (4426, "version")

    run(body)


def test_other_paths_are_not_found(data_dir: Path) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    async def body() -> None:
        async with running(data_dir) as relay:
            with pytest.raises(InvalidStatus) as info:
                await connect(relay.url.replace("/v1", "/v2"))
            assert info.value.response.status_code == 404

    run(body)
