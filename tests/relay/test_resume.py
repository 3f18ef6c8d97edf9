"""A dropped member comes back into its room within the grace period, not after."""

from __future__ import annotations

from pathlib import Path

from relay_helpers import PASSWORD, Client, Clients, FakeClock, clients, run, running

TOKEN = "5e" * 32


async def paired_with_tokens(c: Clients) -> tuple[Client, Client, str]:
    citizen, agent, nameplate = await c.pair()
    await citizen.send(type="resume_token", token=TOKEN)
    await agent.send(type="resume_token", token=TOKEN)
    await citizen.ws.send(b"sync")  # frames are handled in order: tokens are registered
    assert await agent.recv() == b"sync"
    await agent.ws.send(b"sync")
    assert await citizen.recv() == b"sync"
    return citizen, agent, nameplate


def test_citizen_resumes_within_grace(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with running(data_dir, clock=clock) as relay, clients(relay) as c:
            citizen, agent, nameplate = await paired_with_tokens(c)
            citizen.drop()
            assert await agent.expect("peer_left") == {
                "type": "peer_left",
                "reason": "connection_lost",
                "final": False,  # the room waits for the citizen
            }
            clock.advance(59)
            await relay.sweep()
            back = await c.open()
            await back.send(type="hello", version=1, role="citizen", resume=TOKEN)
            assert await back.expect("resumed") == {
                "type": "resumed",
                "nameplate": nameplate,
                "peer": True,
            }
            await agent.expect("peer_back")
            await back.ws.send(b"\x03hi")
            assert await agent.recv() == b"\x03hi"
            await agent.ws.send(b"\x03yo")
            assert await back.recv() == b"\x03yo"

    run(body)


def test_agent_resumes_after_logging_in_again(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, nameplate = await paired_with_tokens(c)
            agent.drop()
            await citizen.expect("peer_left")
            thief = await c.open()  # another agent with the token is not let in
            await thief.send(
                type="hello", version=1, role="agent", name="sara", password=PASSWORD, resume=TOKEN
            )
            await thief.expect("welcome")
            assert await thief.closed() == (4409, "unknown_resume")
            back = await c.open()
            await back.send(
                type="hello", version=1, role="agent", name="anna", password=PASSWORD, resume=TOKEN
            )
            await back.expect("welcome")
            assert (await back.expect("resumed"))["nameplate"] == nameplate
            await citizen.expect("peer_back")

    run(body)


def test_both_drop_and_the_first_back_waits_for_the_other(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            citizen.drop()
            await agent.expect("peer_left")
            agent.drop()
            back = await c.open()
            await back.send(type="hello", version=1, role="citizen", resume=TOKEN)
            assert (await back.expect("resumed"))["peer"] is False
            await back.ws.send(b"nobody there yet")  # dropped, not forwarded later
            agent_back = await c.open()
            await agent_back.send(
                type="hello", version=1, role="agent", name="anna", password=PASSWORD, resume=TOKEN
            )
            await agent_back.expect("welcome")
            assert (await agent_back.expect("resumed"))["peer"] is True
            await back.expect("peer_back")
            await back.ws.send(b"now")
            assert await agent_back.recv() == b"now"

    run(body)


def test_resume_refused_after_grace(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with running(data_dir, clock=clock) as relay, clients(relay) as c:
            citizen, agent, nameplate = await paired_with_tokens(c)
            citizen.drop()
            await agent.expect("peer_left")
            clock.advance(61)
            late = await c.open()  # refused even before the sweep closes the room
            await late.send(type="hello", version=1, role="citizen", resume=TOKEN)
            assert await late.closed() == (4409, "unknown_resume")
            await relay.sweep()
            assert await agent.expect("peer_left") == {
                "type": "peer_left",
                "reason": "timeout",
                "final": True,
            }
            later = await c.open()
            await later.send(type="hello", version=1, role="citizen", resume=TOKEN)
            assert await later.closed() == (4409, "unknown_resume")
            assert len(relay.hub.rooms) == 0

    run(body)


def test_unknown_token_and_no_token(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            stranger = await c.open()
            await stranger.send(type="hello", version=1, role="citizen", resume="0" * 64)
            assert await stranger.closed() == (4409, "unknown_resume")
            citizen, agent, _ = await c.pair()  # no tokens registered: no resume
            citizen.drop()
            assert (await agent.expect("peer_left"))["reason"] == "connection_lost"
            assert len(relay.hub.rooms) == 0

    run(body)


def test_resume_replaces_a_half_open_connection(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            back = await c.open()  # the relay has not noticed the old one is gone
            await back.send(type="hello", version=1, role="citizen", resume=TOKEN)
            await back.expect("resumed")
            assert await citizen.closed() == (1000, "replaced")
            await agent.expect("peer_back")
            await agent.ws.send(b"to the new one")
            assert await back.recv() == b"to the new one"

    run(body)
