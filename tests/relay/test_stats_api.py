"""Statistics over the agent connection: upload, report, role check; leaving a room."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from relay_helpers import Client, clients, run, running

from cobrowse.sessionlog import SessionLog
from relay.stats import StatsStore
from relay.statsapi import MAX_REPORT, OTHERS, fit_report

START = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)  # Monday 19:00 in Copenhagen


def payloads(path: Path, agent: str = "anna", count: int = 2) -> list[dict[str, Any]]:
    """``count`` ended sessions from a real session log, as upload payloads."""
    times = iter(START + timedelta(minutes=m) for m in range(100))
    with SessionLog(path, clock=lambda: next(times)) as log:
        for n in range(count):
            sid = log.start_session(
                agent, "Albertslund", topic="digital_post", checklist="digital-post", steps_total=3
            )
            log.append(sid, "control_on")
            log.append(sid, "step_ticked", step=n + 1)
            log.end_session(sid, "solved")
        return [log.session_upload(sid) for sid in log.pending_uploads()]


async def upload(agent: Client, sessions: list[dict[str, Any]]) -> dict[str, Any]:
    await agent.send(type="stats_upload", sessions=sessions)
    return await agent.expect("stats_stored")


def test_upload_stores_once_and_rejects_what_is_not_yours(data_dir: Path, tmp_path: Path) -> None:
    mine = payloads(tmp_path / "a.db")
    ids = [p["session"]["session_id"] for p in mine]
    theirs = payloads(tmp_path / "s.db", agent="sara", count=1)
    broken = copy.deepcopy(mine[0])
    broken["session"]["session_id"] = "not-a-uuid"

    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            answer = await upload(anna, mine)
            assert answer == {"type": "stats_stored", "session_ids": ids, "rejected": []}
            answer = await upload(anna, [*mine, theirs[0], broken])  # again: stored once
            assert answer["session_ids"] == ids
            reasons = {r["session_id"]: r["reason"] for r in answer["rejected"]}
            assert set(reasons) == {theirs[0]["session"]["session_id"], "not-a-uuid"}
            assert "not the uploading account" in reasons[theirs[0]["session"]["session_id"]]
            await anna.send(type="leave")  # still connected and serving
            await upload(anna, mine[:1])

    run(body)
    with StatsStore(data_dir / "stats.db") as store:
        assert [
            s.session_id for s in store.sessions_between(date(2024, 3, 4), date(2024, 3, 4))
        ] == ids
    audit = (data_dir / "audit.jsonl").read_text(encoding="utf-8")
    assert '"event": "stats_upload"' in audit and "digital_post" not in audit


def test_upload_frames_are_bounded(data_dir: Path, tmp_path: Path) -> None:
    one = payloads(tmp_path / "a.db", count=1)[0]

    async def body() -> None:
        async with running(data_dir, max_upload=20_000) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            big = [one] * 8  # about 8 KiB: over max_text, under max_upload
            assert len(json.dumps(big)) > 4096
            assert (await upload(anna, big))["rejected"] == []
            await anna.send(type="stats_upload", sessions=[one] * 51)
            assert await anna.closed() == (1009, "too_large")
            anna = await c.agent("anna")
            await anna.send(type="stats_upload", sessions=[one] * 30)  # > max_upload
            assert await anna.closed() == (1009, "too_large")
            anna = await c.agent("anna")
            await anna.send(type="join", nameplate="1234", pad="x" * 5000)
            assert await anna.closed() == (1009, "too_large")  # only uploads may be big
            anna = await c.agent("anna")
            await anna.send(type="stats_upload", sessions=[one] * 20 + [1])
            assert await anna.closed() == (4400, "malformed")
            anna = await c.agent("anna")
            await anna.send(type="stats_upload", sessions=[])
            assert await anna.closed() == (4400, "malformed")
            citizen, _ = await c.citizen()
            await citizen.send(type="stats_upload", sessions=[one])
            assert await citizen.closed() == (4400, "malformed")

    run(body)


def test_only_supervisors_read_statistics(data_dir: Path, tmp_path: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            await upload(anna, payloads(tmp_path / "a.db"))
            await anna.send(type="stats_request", **{"from": "2024-03-01", "to": "2024-03-31"})
            refusal = await anna.expect("error")
            assert (refusal["reason"], refusal["request"]) == ("forbidden", "stats_request")
            bo = await c.agent("bo")  # supervisor
            await bo.send(type="stats_request", **{"from": "2024-03-01", "to": "2024-03-31"})
            report = (await bo.expect("stats"))["report"]
            assert (report["contacts"], report["date_from"]) == (2, "2024-03-01")
            assert report["per_weekday"]["Monday"] == 2 and report["per_hour"][19] == 2
            assert report["per_outcome"]["solved"] == 2 and len(report["per_hour"]) == 24
            assert report["checklist_stops"][0]["checklist"] == "digital-post"
            stuck = report["stuck"][0]  # both took control at step 1
            assert (stuck["checklist"], stuck["worst"], stuck["sessions"]) == ("digital-post", 1, 2)
            assert stuck["steps"][0]["control_taken"] == 2
            await bo.send(type="stats_request", **{"from": "2024-03-31", "to": "2024-03-01"})
            assert (await bo.expect("error"))["reason"] == "bad_range"
            await bo.send(type="stats_request", **{"from": "2024-3-1", "to": "2024-03-01"})
            assert await bo.closed() == (4400, "malformed")

    run(body)


def test_agent_leaves_and_joins_the_next_citizen(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            agent = await c.agent("anna")
            for _ in range(2):
                citizen, nameplate = await c.citizen()
                await agent.send(type="join", nameplate=nameplate)
                await agent.expect("joined")
                await citizen.expect("agent_joined")
                await agent.ws.send(b"\x01hello")
                assert await citizen.recv() == b"\x01hello"
                await agent.send(type="leave")
                assert (await citizen.expect("peer_left"))["reason"] == "left"
                await agent.send(type="leave")  # outside a room: nothing happens
            assert len(relay.hub.rooms) == 0

    run(body)
    ends = [line for line in _audit(data_dir) if line["event"] == "session_end"]
    assert [e["reason"] for e in ends] == ["agent_left", "agent_left"]


def test_presence_reaches_waiting_citizens_and_metrics(data_dir: Path) -> None:
    async def body() -> None:
        async with running(data_dir) as relay, clients(relay) as c:
            citizen = await c.open()
            await citizen.send(type="hello", version=1, role="citizen")
            await citizen.expect("nameplate")
            first = await citizen.expect("hotline")
            assert first == {"type": "hotline", "open": True, "agents_online": 0, "waiting": 1}
            agent = await c.agent("anna")
            assert (await citizen.expect("hotline"))["agents_online"] == 1
            assert relay.metrics.get("cobrowse_agents_online") == 1
            assert relay.metrics.get("cobrowse_citizens_waiting") == 1
            await agent.ws.close()
            assert (await citizen.expect("hotline"))["agents_online"] == 0

    run(body)


def _audit(data_dir: Path) -> list[dict[str, Any]]:
    text = (data_dir / "audit.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_a_huge_report_is_trimmed_to_fit_one_message() -> None:
    topics = {
        f"emne nummer {n:05d} med et langt navn fra en fri tekst": 10_000 - n for n in range(5000)
    }
    report = {
        "date_from": "2024-01-01",
        "date_to": "2024-12-31",
        "contacts": sum(topics.values()),
        "per_topic": topics,
        "per_municipality": {f"Kommune {n}": 5 for n in range(98)},
        "checklist_stops": [
            {"checklist": f"liste-{n}", "sessions": n, "completed": 0, "step": 1, "stopped": n}
            for n in range(3000)
        ],
    }
    assert len(json.dumps(report)) > MAX_REPORT
    fitted = fit_report(report)
    assert len(json.dumps({"type": "stats", "report": fitted}).encode()) <= MAX_REPORT
    assert fitted["trimmed"] is True and fitted["contacts"] == report["contacts"]
    assert sum(fitted["per_topic"].values()) == sum(topics.values())
    assert next(iter(fitted["per_topic"])) == next(iter(topics))  # the busiest stays
    assert OTHERS in fitted["per_topic"] and len(fitted["per_topic"]) < len(topics)
    assert fitted["checklist_stops"][0]["checklist"] == "liste-2999"
    small = dict(report, per_topic={"Flytning": 3}, checklist_stops=[])
    small["per_municipality"] = {"Albertslund": 3}
    assert fit_report(small) is small  # what fits is sent as it is
