"""The relay's fast path for session frames (relay/forwarding.py): frames cross
intact both ways, in order with whatever websockets handles itself, limits and
close codes as before, back-pressure instead of buffering, and a member that
vanishes in the middle of a frame."""

from __future__ import annotations

import asyncio
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from relay_helpers import Client, clients, run, running

from relay.forwarding import frame_size, server_header
from relay.hub import Hub

SIZES = (0, 1, 125, 126, 127, 65535, 65536, 100_000, 128 * 1024)


@pytest.fixture
def slow_frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Sizes of the binary frames that took websockets' path (Hub._forward)."""
    seen: list[int] = []
    original = Hub._forward

    async def counted(self: Hub, conn: Any, data: bytes) -> None:
        seen.append(len(data))
        await original(self, conn, data)

    monkeypatch.setattr(Hub, "_forward", counted)
    yield seen


async def _frames(client: Client, count: int) -> list[bytes]:
    got = []
    for _ in range(count):
        data = await client.recv()
        assert isinstance(data, bytes), data
        got.append(data)
    return got


def masked(payload: bytes, opcode: int = 2, fin: bool = True) -> bytes:
    """A client frame as the wire carries it (a real, non-zero masking key)."""
    key = os.urandom(4)
    first = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = bytes((first, 0x80 | n))
    elif n < 65536:
        head = struct.pack("!BBH", first, 0xFE, n)
    else:
        head = struct.pack("!BBQ", first, 0xFF, n)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return head + key + body


def test_frame_size_and_server_header() -> None:
    for n in SIZES:
        frame = masked(bytes(n))
        assert frame_size(frame, 0, len(frame)) == len(frame)
        assert frame_size(frame, 0, 1) == -1
        header = server_header(n)
        assert frame_size(header, 0, len(header)) == len(header) + n
    assert frame_size(masked(bytes(70_000)), 0, 9) == -1  # 8-byte length not all here


def test_frames_cross_intact_both_ways_on_the_fast_path(
    data_dir: Path, slow_frames: list[int]
) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            tapped: list[bytes] = []
            relay.tap = tapped.append
            citizen, agent, _ = await c.pair()
            ups = [os.urandom(n) for n in SIZES]
            downs = [os.urandom(n) for n in reversed(SIZES)]
            for up, down in zip(ups, downs, strict=True):
                await citizen.ws.send(up)
                await agent.ws.send(down)
            assert await _frames(agent, len(ups)) == ups
            assert await _frames(citizen, len(downs)) == downs
            assert sorted(tapped) == sorted(ups + downs)
            assert slow_frames == []  # every one took the fast path
            (room,) = relay.hub.rooms
            assert room.forwarded["citizen_to_agent"] == sum(SIZES)
            assert room.forwarded["agent_to_citizen"] == sum(SIZES)

    run(body)


def test_frames_split_across_reads_arrive_whole(data_dir: Path, slow_frames: list[int]) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            frames = [os.urandom(n) for n in (5, 300, 70_000, 2)]
            wire = b"".join(masked(f) for f in frames)
            for i in range(0, len(wire), 4099):
                citizen.ws.transport.write(wire[i : i + 4099])
                await asyncio.sleep(0)  # let the relay read a piece at a time
            assert await _frames(agent, len(frames)) == frames
            assert slow_frames == []

    run(body)


def test_fragmented_messages_and_text_keep_their_order(
    data_dir: Path, slow_frames: list[int]
) -> None:
    """A fragmented message goes through websockets; the frames after it wait for it."""

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            first, parts, last = os.urandom(10), [os.urandom(700), os.urandom(900)], os.urandom(20)
            wire = masked(first) + masked(parts[0], fin=False) + masked(parts[1], opcode=0)
            wire += masked(b'{"type":"resume_token","token":"' + b"ab" * 32 + b'"}', opcode=1)
            wire += masked(last)
            citizen.ws.transport.write(wire)
            assert await _frames(agent, 3) == [first, b"".join(parts), last]
            assert slow_frames == [1600, 20]  # the message, and the frame queued behind it
            later = os.urandom(33)  # websockets has caught up: the fast path again
            await citizen.ws.send(later)
            assert await _frames(agent, 1) == [later]
            assert slow_frames == [1600, 20]

    run(body)


def test_a_frame_over_max_binary_closes_with_1009(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir, max_binary=4096) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            await citizen.ws.send(os.urandom(4096))
            assert len((await _frames(agent, 1))[0]) == 4096
            await citizen.ws.send(os.urandom(4097))
            assert (await citizen.closed())[0] == 1009
            final = await agent.expect("peer_left")
            assert final["final"] is True

    run(body)


def test_a_frame_over_the_message_limit_closes_with_1009(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            citizen.ws.transport.write(masked(os.urandom(300 * 1024)))
            assert (await citizen.closed())[0] == 1009
            await agent.expect("peer_left")
            assert relay.buffered_bytes() < 64 * 1024

    run(body)


def test_frames_before_a_close_arrive_then_peer_left(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            frames = [os.urandom(n) for n in (10, 20_000, 30)]
            citizen.ws.transport.write(b"".join(masked(f) for f in frames))
            await citizen.ws.close()
            assert await _frames(agent, 3) == frames
            left = await agent.expect("peer_left")
            assert (left["reason"], left["final"]) == ("left", True)

    run(body)


def test_a_member_that_vanishes_mid_frame(data_dir: Path) -> None:
    """Half a frame, then the line drops: nothing of it reaches the agent, the agent
    hears the citizen left, and the relay goes on serving others."""

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            whole, half = os.urandom(100), masked(os.urandom(50_000))[:20_000]
            citizen.ws.transport.write(masked(whole) + half)
            assert await _frames(agent, 1) == [whole]
            citizen.drop()
            left = await agent.expect("peer_left")
            assert left["reason"] == "connection_lost"
            other_citizen, other_agent, _ = await c.pair("sara")
            await other_citizen.ws.send(b"still here")
            assert await _frames(other_agent, 1) == [b"still here"]
            assert relay.buffered_bytes() < 64 * 1024

    run(body)


def test_frames_to_a_vanished_receiver_are_dropped(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            agent.drop()
            for _ in range(50):  # some cross the break, some find the agent gone
                await citizen.ws.send(os.urandom(10_000))
            left = await citizen.expect("peer_left")
            assert (left["reason"], left["final"]) == ("connection_lost", True)
            await citizen.ws.send(os.urandom(10_000))  # a late frame: dropped, not refused
            await citizen.ws.ping()
            assert relay.buffered_bytes() < 256 * 1024

    run(body)


CHUNK = 64 * 1024
TOTAL = 50 * 1024 * 1024


def test_a_stalled_receiver_pauses_the_sender_on_the_fast_path(
    data_dir: Path, slow_frames: list[int]
) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, nameplate = await c.citizen()
            agent = await c.agent(max_queue=1)  # reads nothing until told to
            await agent.send(type="join", nameplate=nameplate)
            await agent.expect("joined")
            await citizen.expect("agent_joined")
            sent = peak = 0

            async def push() -> None:
                nonlocal sent, peak
                chunk = b"\x04" * CHUNK
                while sent < TOTAL:
                    await citizen.ws.send(chunk)
                    sent += CHUNK
                    peak = max(peak, relay.buffered_bytes())

            pusher = asyncio.create_task(push())
            previous = -1
            while sent != previous:  # wait until the sender stops making progress
                previous = sent
                await asyncio.wait({pusher}, timeout=0.3)
            assert not pusher.done() and sent < TOTAL // 2
            assert peak < 1024 * 1024, peak
            received = 0
            while received < TOTAL:
                received += len(await agent.recv())
            await pusher
            assert received == TOTAL
            assert slow_frames == []

    run(body, timeout=60)
