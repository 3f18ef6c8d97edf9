"""Rate limits through the relay (fake clock), and the stalled-receiver bound."""

from __future__ import annotations

import asyncio
from pathlib import Path

from relay_helpers import PASSWORD, Clients, FakeClock, audit_lines, clients, run, running
from websockets.exceptions import ConnectionClosed


def test_nameplate_claims_per_address(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with (
            running(data_dir, clock=clock, claims_burst=3, claims_per_minute=1) as relay,
            clients(relay) as c,
        ):
            citizen, _ = await c.citizen()
            await citizen.send(type="new_nameplate")
            await citizen.expect("nameplate")
            await c.citizen()
            greedy = await c.open()
            await greedy.send(type="hello", version=1, role="citizen")
            assert await greedy.closed() == (4429, "rate_limited")
            clock.advance(60)  # one token back
            await c.citizen()
            assert relay.metrics.get("cobrowse_rate_limited_total") == 1

    run(body)


def test_behind_a_trusted_proxy_each_client_has_its_own_claims(data_dir: Path) -> None:
    async def body() -> None:
        async with (
            running(
                data_dir,
                clock=FakeClock(),
                claims_burst=2,
                claims_per_minute=1,
                trusted_proxies=("127.0.0.1",),
            ) as relay,
            clients(relay) as c,
        ):

            def via(address: str) -> dict[str, object]:
                return {"additional_headers": {"X-Forwarded-For": address}}

            for _ in range(2):
                await c.citizen(**via("203.0.113.7"))
            greedy = await c.open(**via("203.0.113.7"))
            await greedy.send(type="hello", version=1, role="citizen")
            assert await greedy.closed() == (4429, "rate_limited")
            await c.citizen(**via("203.0.113.8"))  # a neighbour is not punished
            await c.agent(**via("198.51.100.4"))
            login = next(line for line in audit_lines(data_dir) if line["event"] == "login")
            assert login["addr"] == "198.51.100.4"

    run(body)


def test_a_forwarded_header_from_anyone_else_is_ignored(data_dir: Path) -> None:
    async def body() -> None:
        async with (
            running(data_dir, clock=FakeClock(), claims_burst=1, claims_per_minute=1) as relay,
            clients(relay) as c,
        ):
            await c.citizen(additional_headers={"X-Forwarded-For": "203.0.113.7"})
            cheat = await c.open(additional_headers={"X-Forwarded-For": "203.0.113.99"})
            await cheat.send(type="hello", version=1, role="citizen")
            assert await cheat.closed() == (4429, "rate_limited")

    run(body)


def test_joins_per_account_leave_the_agent_signed_in(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with (
            running(data_dir, clock=clock, joins_burst=2, joins_per_minute=2) as relay,
            clients(relay) as c,
        ):
            _, nameplate = await c.citizen()
            agent = await c.agent()
            for _ in range(2):
                await agent.send(type="join", nameplate="9999" if nameplate != "9999" else "9998")
                assert (await agent.expect("error"))["reason"] == "unknown_nameplate"
            await agent.send(type="join", nameplate=nameplate)
            error = await agent.expect("error")
            assert error["reason"] == "rate_limited"
            clock.advance(30)
            await agent.send(type="join", nameplate=nameplate)
            await agent.expect("joined")
            assert relay.metrics.get("cobrowse_joins_rejected_total", reason="rate_limited") == 1

    run(body)


def test_joins_per_address_count_across_accounts(data_dir: Path) -> None:
    async def body() -> None:
        async with (
            running(data_dir, joins_burst=2, joins_per_minute=1) as relay,
            clients(relay) as c,
        ):
            anna, sara = await c.agent("anna"), await c.agent("sara")
            for agent in (anna, sara):
                await agent.send(type="join", nameplate="0000")
                await agent.expect("error")
            await anna.send(type="join", nameplate="0000")
            assert (await anna.expect("error"))["reason"] == "rate_limited"

    run(body)


async def _login(c: Clients, name: str, password: str) -> tuple[int | None, str | None] | None:
    """None if the login succeeds, else the close (code, reason)."""
    client = await c.open()
    await client.send(type="hello", version=1, role="agent", name=name, password=password)
    try:
        await client.expect("welcome")
    except ConnectionClosed:
        return await client.closed()
    return None


def test_failed_logins_lock_the_account_out_longer_each_time(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with (
            running(data_dir, clock=clock, login_failures_account=3, lockout_base=30) as relay,
            clients(relay) as c,
        ):
            for _ in range(3):
                assert await _login(c, "anna", "guess guess!") == (4401, "bad_login")
            assert await _login(c, "anna", PASSWORD) == (4429, "rate_limited")
            assert await _login(c, "sara", PASSWORD) is None  # other accounts unaffected
            clock.advance(31)
            for _ in range(3):
                assert await _login(c, "anna", "guess again!") == (4401, "bad_login")
            clock.advance(31)
            assert await _login(c, "anna", PASSWORD) == (4429, "rate_limited")  # now 60 s
            clock.advance(30)
            assert await _login(c, "anna", PASSWORD) is None

    run(body)
    refused = [x for x in audit_lines(data_dir) if x.get("reason") == "rate_limited"]
    assert len(refused) == 2 and all(x["agent"] == "anna" for x in refused)


def test_failed_logins_per_address(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir, login_failures_address=4) as relay, clients(relay) as c:
            for name in ("a1", "a2", "a3", "a4"):
                assert await _login(c, name, "whatever-pw") == (4401, "bad_login")
            assert await _login(c, "anna", PASSWORD) == (4429, "rate_limited")

    run(body)


CHUNK = 64 * 1024
TOTAL = 50 * 1024 * 1024
BOUND = 1024 * 1024


def test_stalled_receiver_blocks_the_sender_and_bounds_relay_memory(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, nameplate = await c.citizen()
            agent = await c.agent(max_queue=1)  # reads nothing until told to
            await agent.send(type="join", nameplate=nameplate)
            await agent.expect("joined")
            await citizen.expect("agent_joined")
            sent = 0
            peak = 0

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
            assert not pusher.done(), "the sender was never blocked"
            assert sent < TOTAL // 2
            print(f"sender blocked after {sent} bytes; relay buffered at most {peak}")
            assert relay.buffered_bytes() < BOUND and peak < BOUND, (peak, sent)

            received = 0
            while received < TOTAL:  # the receiver wakes up: everything arrives
                received += len(await agent.recv())
            await pusher
            assert received == TOTAL

    run(body, timeout=40)


def test_a_trusted_proxy_is_not_capped_as_one_address(data_dir: Path) -> None:
    """Every client behind the proxy arrives from its address: the per-group cap
    counts the forwarded client, not the proxy."""

    async def body() -> None:
        async with (
            running(
                data_dir,
                connections_per_group=2,
                citizens_per_group=2,
                trusted_proxies=("127.0.0.1",),
            ) as relay,
            clients(relay) as c,
        ):
            for n in range(4):
                await c.citizen(additional_headers={"X-Forwarded-For": f"203.0.113.{n}"})
            crowd = [
                await c.open(additional_headers={"X-Forwarded-For": "198.51.100.9"})
                for _ in range(3)
            ]
            assert await crowd[2].closed() == (4503, "busy")  # that client's own cap

    run(body)
