"""Every way a room ends reaches the member still in it as a final ``peer_left``
(docs/protocol.md §1): only a dropped line with a resume token is ``final: false``."""

from __future__ import annotations

from pathlib import Path

from relay_helpers import FakeClock, clients, run, running
from test_resume import paired_with_tokens

from relay.accounts import AccountStore


def left(reason: str, final: bool = True) -> dict[str, object]:
    return {"type": "peer_left", "reason": reason, "final": final}


def test_a_normal_close_ends_the_room_at_once_even_with_a_token(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            await agent.ws.close()  # the agent app closed (1000): it will not resume
            assert await citizen.expect("peer_left") == left("left")
            assert len(relay.hub.rooms) == 0

    run(body)


def test_the_agent_leaving_ends_the_room_for_the_citizen(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            await agent.send(type="leave")
            assert await citizen.expect("peer_left") == left("left")

    run(body)


def test_a_disabled_account_ends_the_room_without_grace(data_dir: Path) -> None:
    """Before: the agent's token kept the room for 60 s and the citizen only heard a
    resumable ``connection_lost`` - then waited for someone who was cut off."""

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            AccountStore(data_dir / "relay.db").disable("anna")
            await relay.hub.recheck_accounts()
            assert await agent.closed() == (4403, "account_disabled")
            assert await citizen.expect("peer_left") == left("account_disabled")
            assert len(relay.hub.rooms) == 0

    run(body)


def test_a_refused_member_does_not_keep_the_room(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            await agent.send(type="join", nameplate="123")  # malformed in a room
            assert (await agent.closed())[0] == 4400
            assert await citizen.expect("peer_left") == left("connection_lost")
            assert len(relay.hub.rooms) == 0

    run(body)


def test_a_drop_is_not_final_until_the_grace_runs_out(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with running(data_dir, clock=clock) as relay, clients(relay) as c:
            citizen, agent, _ = await paired_with_tokens(c)
            agent.drop()
            assert await citizen.expect("peer_left") == left("connection_lost", final=False)
            clock.advance(61)
            await relay.sweep()
            assert await citizen.expect("peer_left") == left("timeout")
            await citizen.send(type="new_nameplate")  # the citizen's connection goes on
            assert (await citizen.expect("nameplate"))["nameplate"]

    run(body)
