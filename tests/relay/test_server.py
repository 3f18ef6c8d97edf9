"""The relay over real websockets: nameplates, logins, joining and forwarding."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from relay_helpers import PASSWORD, FakeClock, audit_lines, clients, run, running

from relay.accounts import AccountStore


def test_citizen_gets_a_nameplate(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen = await c.open()
            await citizen.send(type="hello", version=1, role="citizen")
            msg = await citizen.expect("nameplate")
            assert len(msg["nameplate"]) == 4 and msg["nameplate"].isdigit()
            assert msg["ttl"] == 600

    run(body)


def test_nameplates_of_live_rooms_are_distinct(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir, claims_burst=50) as relay, clients(relay) as c:
            plates = [(await c.citizen())[1] for _ in range(30)]
            assert len(set(plates)) == 30

    run(body)


def test_agent_login_ok(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            agent = await c.open()
            await agent.send(type="hello", version=1, role="agent", name="bo", password=PASSWORD)
            assert await agent.expect("welcome") == {
                "type": "welcome",
                "name": "bo",
                "display_name": "Bo Nielsen",
                "municipality": "Albertslund",
                "role": "supervisor",
            }

    run(body)


def test_bad_password_and_unknown_agent_are_refused_alike(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            for name, password in (("anna", "wrong password!"), ("nobody", PASSWORD)):
                agent = await c.open()
                await agent.send(
                    type="hello", version=1, role="agent", name=name, password=password
                )
                assert await agent.closed() == (4401, "bad_login")
            assert relay.metrics.get("cobrowse_logins_failed_total") == 2

    run(body)


def test_disabled_agent_is_refused(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            agent = await c.open()
            await agent.send(type="hello", version=1, role="agent", name="dan", password=PASSWORD)
            assert await agent.closed() == (4403, "account_disabled")

    run(body)


def test_disabling_a_signed_in_agent_cuts_them_off(data_dir: Path) -> None:
    """IT staff disable an account (a stolen laptop) while its agent is in a session."""

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair("anna")
            sara = await c.agent("sara")
            store = AccountStore(data_dir / "relay.db")
            store.disable("anna")
            await relay.hub.recheck_accounts()
            assert await agent.closed() == (4403, "account_disabled")
            assert (await citizen.expect("peer_left"))["type"] == "peer_left"
            store.disable("sara")  # between two checks: her next join is refused
            other, nameplate = await c.citizen()
            await sara.send(type="join", nameplate=nameplate)
            assert await sara.closed() == (4403, "account_disabled")
            cut = [
                line["agent"]
                for line in audit_lines(data_dir)
                if line["event"] == "account_disabled"
            ]
            assert cut == ["anna", "sara"]
            again = await c.open()
            await again.send(type="hello", version=1, role="agent", name="anna", password=PASSWORD)
            assert await again.closed() == (4403, "account_disabled")

    run(body)


def test_the_sweep_rechecks_accounts_every_ten_seconds(data_dir: Path) -> None:
    async def body() -> None:
        clock = FakeClock()
        async with running(data_dir, clock=clock) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            AccountStore(data_dir / "relay.db").disable("anna")
            clock.advance(9)
            await relay.sweep()
            assert not any(line["event"] == "account_disabled" for line in audit_lines(data_dir))
            clock.advance(1)
            await relay.sweep()
            assert await anna.closed() == (4403, "account_disabled")

    run(body)


def test_a_new_role_applies_without_signing_in_again(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            dates = {"from": "2024-03-01", "to": "2024-03-31"}
            await anna.send(type="stats_request", **dates)
            assert (await anna.expect("error"))["reason"] == "forbidden"
            AccountStore(data_dir / "relay.db").set_role("anna", "supervisor")
            await relay.hub.recheck_accounts()
            await anna.send(type="stats_request", **dates)
            assert (await anna.expect("stats"))["type"] == "stats"

    run(body)


def test_join_notifies_both_and_forwards_bytes_both_ways(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            tapped: list[bytes] = []
            relay.tap = tapped.append
            citizen, nameplate = await c.citizen()
            agent = await c.agent()
            await agent.send(type="join", nameplate=nameplate)
            assert await agent.expect("joined") == {"type": "joined", "nameplate": nameplate}
            assert await citizen.expect("agent_joined") == {
                "type": "agent_joined",
                "name": "Anna Jensen",
                "municipality": "Albertslund",
            }
            up, down = bytes(range(256)) * 300, b"\x00\xff" * 40_000
            await citizen.ws.send(up)
            assert await agent.recv() == up
            await agent.ws.send(down)
            assert await citizen.recv() == down
            assert tapped == [up, down]
            assert relay.metrics.get(
                "cobrowse_bytes_forwarded_total", direction="citizen_to_agent"
            ) == len(up)

    run(body)


def test_session_is_audited_without_secrets(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, nameplate = await c.pair()
            await citizen.ws.send(b"\x04secret screen")
            await agent.recv()
            await agent.ws.close()
            await citizen.expect("peer_left")
            bad = await c.open()
            await bad.send(
                type="hello", version=1, role="agent", name="anna", password="hunter2-hunter2"
            )
            await bad.closed()

    run(body)
    text = (data_dir / "audit.jsonl").read_text(encoding="utf-8")
    assert PASSWORD not in text and "hunter2" not in text and "secret screen" not in text
    end = next(line for line in audit_lines(data_dir) if line["event"] == "session_end")
    assert end["agent"] == "anna" and end["municipality"] == "Albertslund"
    assert end["bytes_citizen_to_agent"] == 14 and end["bytes_agent_to_citizen"] == 0
    assert end["reason"] == "agent_left" and end["duration"] >= 0
    assert any(line.get("reason") == "bad_login" for line in audit_lines(data_dir))


def test_citizen_cannot_join(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            _, nameplate = await c.citizen()
            intruder, _ = await c.citizen()
            await intruder.send(type="join", nameplate=nameplate)
            assert await intruder.closed() == (4400, "malformed")
            anonymous = await c.open()
            await anonymous.send(type="join", nameplate=nameplate)
            assert await anonymous.closed() == (4400, "malformed")

    run(body)


def test_unknown_nameplate(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            _, nameplate = await c.citizen()
            agent = await c.agent()
            other = f"{(int(nameplate) + 1) % 10_000:04d}"
            await agent.send(type="join", nameplate=other)
            error = await agent.expect("error")
            assert error["reason"] == "unknown_nameplate" and error["message"]
            await agent.send(type="join", nameplate=nameplate)  # still signed in
            await agent.expect("joined")
            assert (
                relay.metrics.get("cobrowse_joins_rejected_total", reason="unknown_nameplate") == 1
            )

    run(body)


def test_expired_nameplate(data_dir: Path) -> None:
    clock = FakeClock()

    async def body() -> None:
        async with running(data_dir, clock=clock) as relay, clients(relay) as c:
            citizen, nameplate = await c.citizen()
            late, late_plate = await c.citizen()
            agent = await c.agent()
            clock.advance(601)
            await agent.send(type="join", nameplate=late_plate)  # before the sweep runs
            assert (await agent.expect("error"))["reason"] == "unknown_nameplate"
            await relay.sweep()
            await citizen.expect("nameplate_expired")
            await late.expect("nameplate_expired")
            await agent.send(type="join", nameplate=nameplate)
            assert (await agent.expect("error"))["reason"] == "unknown_nameplate"
            await citizen.send(type="new_nameplate")
            fresh = (await citizen.expect("nameplate"))["nameplate"]
            await agent.send(type="join", nameplate=fresh)
            await agent.expect("joined")

    run(body)
    assert [x["reason"] for x in audit_lines(data_dir) if x["event"] == "nameplate_closed"] == [
        "expired",
        "expired",
    ]


def test_third_party_is_refused(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, nameplate = await c.pair()
            sara = await c.agent("sara")
            await sara.send(type="join", nameplate=nameplate)
            assert (await sara.expect("error"))["reason"] == "nameplate_taken"
            await citizen.ws.send(b"only for anna")
            assert await agent.recv() == b"only for anna"

    run(body)


def test_nameplate_is_single_use(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, nameplate = await c.pair()
            await agent.ws.close()
            assert await citizen.expect("peer_left") == {
                "type": "peer_left",
                "reason": "left",
                "final": True,
            }
            again = await c.agent()
            await again.send(type="join", nameplate=nameplate)
            assert (await again.expect("error"))["reason"] == "unknown_nameplate"

    run(body)


def test_new_nameplate_burns_the_old_one(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, old = await c.pair()
            await citizen.send(type="new_nameplate")
            fresh = (await citizen.expect("nameplate"))["nameplate"]
            assert fresh != old
            assert await agent.expect("peer_left") == {
                "type": "peer_left",
                "reason": "code_burnt",
                "final": True,
            }
            await agent.send(type="join", nameplate=old)
            assert (await agent.expect("error"))["reason"] == "unknown_nameplate"
            await agent.send(type="join", nameplate=fresh)
            await agent.expect("joined")
            await citizen.expect("agent_joined")

    run(body)


def test_peer_left_when_a_member_drops(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, _ = await c.pair()
            citizen.drop()
            assert await agent.expect("peer_left") == {  # no resume token: over
                "type": "peer_left",
                "reason": "connection_lost",
                "final": True,
            }
            await agent.ws.send(b"late frame")  # sent before it saw peer_left: dropped
            _, nameplate = await c.citizen()
            await agent.send(type="join", nameplate=nameplate)  # still signed in
            await agent.expect("joined")

    run(body)


def test_metrics_count_connections_and_sessions(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            await c.pair()
            await c.citizen()
            assert relay.metrics.get("cobrowse_connections", role="citizen") == 2
            assert relay.metrics.get("cobrowse_connections", role="agent") == 1
            assert relay.metrics.get("cobrowse_sessions_total") == 1
            assert relay.metrics.get("cobrowse_rooms_active") == 2

    run(body)


def test_operational_logs_carry_no_secrets(
    data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen, agent, nameplate = await c.pair()
            await citizen.ws.send(b"PIXELS-MARKER")
            await agent.recv()
            bad = await c.open()
            await bad.send(
                type="hello", version=1, role="agent", name="anna", password="hunter2-hunter2"
            )
            await bad.closed()

    with caplog.at_level(logging.DEBUG, logger="relay"):
        run(body)
    assert "refused" in caplog.text and "joined" in caplog.text
    for secret in (PASSWORD, "hunter2", "PIXELS-MARKER"):
        assert secret not in caplog.text
