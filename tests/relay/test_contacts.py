"""Contact records: the known data set per municipality and role, CSV/JSON, the CLI
and the relay message, audit lines, and nothing personal - on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from relay_helpers import audit_lines, clients, run, running

from cobrowse.sessionlog import SessionLog
from relay import statsapi
from relay.accounts import Account, AccountStore
from relay.cli import main
from relay.contacts import FIELDS, Forbidden, contact_records, scope, to_json, write_csv
from relay.stats import StatsStore

START = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)  # Monday 19:00 in Copenhagen
MARCH = (date(2024, 3, 1), date(2024, 3, 31))
# agent, agent's municipality, citizen's, topic, checklist (kle in its event), outcome,
# minutes of agent control, day offset.  Contact municipality = citizen's, else agent's.
CASES = [
    ("anna", "Albertslund", "Ballerup", "Boligstøtte", ("boligstoette", "27.24.00"), "solved", 3,
     0),
    ("anna", "Albertslund", None, "MitID", None, "citizen_finished_alone", 0, 1),
    ("sara", "Ballerup", "Albertslund", "Flytning", ("flytning", None), "not_solved", 10, 2),
    ("sara", "Ballerup", "Brøndby", "=HYPERLINK(\"x\")", None, "solved", 0, 3),
    ("sara", "Ballerup", "Ballerup", "Flytning", None, "solved", 0, 40),  # April
]  # fmt: skip


def record_sessions(log: SessionLog, clock: list[datetime]) -> list[dict[str, Any]]:
    """Each case as the agent app records it; the upload payloads."""
    uploads = []
    for agent, home, citizen, topic, checklist, outcome, control, day in CASES:
        clock[0] = START + timedelta(days=day)
        sid = log.start_session(agent, home, citizen_municipality=citizen, topic=topic)
        if checklist is not None:
            kle = {"kle": checklist[1]} if checklist[1] else {}
            log.append(sid, "checklist_set", checklist=checklist[0], steps_total=5, **kle)
            log.append(sid, "step_ticked", step=2)
        log.append(sid, "note", note="Borgeren hedder Jens, CPR 010190-1234")
        if control:
            log.append(sid, "control_on")
            clock[0] += timedelta(minutes=control)
            log.append(sid, "control_off", by="citizen")
        clock[0] += timedelta(minutes=2)
        log.end_session(sid, outcome)
        uploads.append(log.session_upload(sid))
    return uploads


@pytest.fixture
def store(tmp_path: Path, stats_location: Path | str) -> StatsStore:
    clock = [START]
    with SessionLog(tmp_path / "agent.db", clock=lambda: clock[0]) as log:
        uploads = record_sessions(log, clock)
    opened = StatsStore(stats_location)
    for payload in uploads:
        assert opened.store_upload(payload, payload["session"]["agent"])
    return opened


def account(role: str, municipality: str = "Albertslund") -> Account:
    return Account("x", "X", municipality, role, False, "2024-01-01T00:00:00Z")


def test_records_of_the_known_data_set_per_municipality(store: StatsStore) -> None:
    every = contact_records(store, *MARCH, None)
    assert [r["municipality"] for r in every] == [
        "Ballerup",
        "Albertslund",
        "Albertslund",
        "Brøndby",
    ]
    albertslund = contact_records(store, *MARCH, "Albertslund")
    assert [r["topic"] for r in albertslund] == ["MitID", "Flytning"]
    assert [r["municipality"] for r in contact_records(store, *MARCH, "Ballerup")] == ["Ballerup"]
    assert contact_records(store, date(2024, 4, 1), date(2024, 4, 30), "Ballerup")[0]["outcome"]
    first = dict(every[0], session_id="-")
    assert first == {
        "session_id": "-",
        "channel": "cobrowsing",
        "municipality": "Ballerup",
        "agent_municipality": "Albertslund",
        "topic": "Boligstøtte",
        "kle": "27.24.00",
        "checklist": "boligstoette",
        "step_reached": 2,
        "steps_total": 5,
        "started_at": "2024-03-04T19:00:00+01:00",
        "duration_s": 300.0,
        "outcome": "solved",
        "agent": "anna",
        "driven_by": "both",
        "agent_s": 180.0,
        "citizen_s": 120.0,
    }
    assert every[2]["kle"] == "23.00.00"  # not in the event: the shipped checklist's
    assert [r["driven_by"] for r in every] == ["both", "citizen", "both", "citizen"]
    assert every[1]["kle"] is None and every[1]["checklist"] is None
    store.close()


def test_who_may_export_what() -> None:
    assert scope(account("admin"), None) is None
    assert scope(account("admin"), "Ballerup") == "Ballerup"
    assert scope(account("supervisor"), None) == "Albertslund"
    assert scope(account("supervisor"), "Albertslund") == "Albertslund"
    with pytest.raises(Forbidden, match="only Albertslund"):
        scope(account("supervisor"), "Ballerup")
    with pytest.raises(Forbidden):
        scope(account("agent"), "Albertslund")


def test_csv_and_json_hold_nothing_personal(store: StatsStore) -> None:
    records = contact_records(store, *MARCH, None)
    out = io.StringIO()
    assert write_csv(records, out) == 4
    text = out.getvalue() + to_json(records, *MARCH, None)
    store.close()
    for personal in ("Jens", "010190", "1234", "note", "CPR"):
        assert personal not in text
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == FIELDS
    assert rows[3]["topic"] == '\'=HYPERLINK("x")'  # not a live formula
    assert rows[1]["kle"] == "" and rows[1]["agent_s"] == "0.0"
    doc = json.loads(to_json(records, *MARCH, "Albertslund"))
    assert (doc["format"], doc["from"], doc["municipality"]) == (
        "cobrowse-contacts/1",
        "2024-03-01",
        "Albertslund",
    )
    assert doc["contacts"][3]["topic"] == '=HYPERLINK("x")'  # JSON is data, not a sheet


def test_cli_exports_and_audits(
    store: StatsStore, stats_location: Path | str, tmp_path: Path, capsys: Any
) -> None:
    store.close()
    data = tmp_path / "data"
    data.mkdir()
    conf = tmp_path / "relay.toml"
    conf.write_text(f'[server]\ndata_dir = "{data}"\n[stats]\ndatabase = "{stats_location}"\n')
    out = tmp_path / "albertslund.json"
    args = ["--config", str(conf), "--from", "2024-03-01", "--to", "2024-03-31"]
    assert main(["contacts", *args, "--municipality", "Albertslund", "--format", "json",
                 "--out", str(out)]) == 0  # fmt: skip
    assert len(json.loads(out.read_text(encoding="utf-8"))["contacts"]) == 2
    assert main(["contacts", *args]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("session_id,channel,municipality") and len(printed) == 5
    lines = [line for line in audit_lines(data) if line["event"] == "contacts_export"]
    assert [(a["municipality"], a["rows"], a["format"], a["via"]) for a in lines] == [
        ("Albertslund", 2, "json", "cli"),
        ("*", 4, "csv", "cli"),
    ]
    assert lines[0]["operator"] and lines[0]["date_from"] == "2024-03-01"
    assert main(["contacts", *args[:3], "2024-02-01", "--to", "2024-01-01"]) == 1


def test_supervisors_and_admins_read_contacts_through_the_relay(
    store: StatsStore,
    stats_location: Path | str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.close()
    monkeypatch.setattr(statsapi, "CONTACTS_PAGE", 1)
    AccountStore(data_dir / "relay.db").add("ida", "Ida", "Ballerup", "x" * 12, role="admin")
    period = {"from": "2024-03-01", "to": "2024-03-31"}

    async def body() -> None:
        async with running(data_dir, database=str(stats_location)) as relay, clients(relay) as c:
            anna = await c.agent("anna")
            await anna.send(type="contacts_request", **period)
            assert (await anna.expect("error"))["reason"] == "forbidden"
            bo = await c.agent("bo")  # supervisor, Albertslund
            await bo.send(type="contacts_request", **period, municipality="Ballerup")
            assert (await bo.expect("error"))["request"] == "contacts_request"
            await bo.send(type="contacts_request", **period)
            page = await bo.expect("contacts")
            assert (page["municipality"], page["total"], page["next_offset"]) == (
                "Albertslund",
                2,
                1,
            )
            await bo.send(type="contacts_request", **period, offset=1)
            page = await bo.expect("contacts")
            assert [r["topic"] for r in page["contacts"]] == ["Flytning"]
            assert page["next_offset"] is None
            ida = await c.agent("ida", password="x" * 12)
            await ida.send(type="contacts_request", **period)
            assert (await ida.expect("contacts"))["total"] == 4

    run(body)
    lines = [a for a in audit_lines(data_dir) if a["event"] == "contacts_export"]
    assert [(a["agent"], a["role"], a["municipality"], a["rows"]) for a in lines] == [
        ("bo", "supervisor", "Albertslund", 1),
        ("bo", "supervisor", "Albertslund", 1),
        ("ida", "admin", "*", 1),
    ]
