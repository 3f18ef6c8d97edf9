"""Central statistics store: idempotent, strict, all-or-nothing uploads."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cobrowse.sessionlog import SessionLog
from relay.stats import StatsStore

START = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)


def make_payload(tmp_path: Path) -> dict[str, Any]:
    """A real upload produced by the agent's session log."""
    times = iter(START + timedelta(minutes=m) for m in (0, 1, 2, 5, 6, 7, 10))
    with SessionLog(tmp_path / "agent.db", clock=lambda: next(times)) as log:
        sid = log.start_session(
            "anna",
            "Albertslund",
            citizen_municipality="Ballerup",
            topic="digital_post",
            checklist="digital-post",
            steps_total=4,
        )
        log.append(sid, "consent_granted", what="view")
        log.append(sid, "control_on")
        log.append(sid, "control_off", by="agent")
        log.append(sid, "step_ticked", step=2)
        log.append(sid, "note", note="private note")
        log.end_session(sid, "solved")
        return log.session_upload(sid)


@pytest.fixture
def store(stats_location: Path | str) -> Iterator[StatsStore]:
    """A fresh store on each backend: every test here runs on SQLite and PostgreSQL."""
    with StatsStore(stats_location) as opened:
        yield opened


def dump(store: StatsStore) -> str:
    """Every row of every statistics table, as text."""
    tables = ("stat_sessions", "stat_events", "stat_chain_heads")
    return "\n".join(repr(row) for t in tables for row in store._db.query(f"SELECT * FROM {t}"))


@pytest.fixture
def payload(tmp_path: Path) -> dict[str, Any]:
    return make_payload(tmp_path)


def test_upload_is_stored_once(store: StatsStore, payload: dict[str, Any]) -> None:
    sid = payload["session"]["session_id"]
    assert store.store_upload(payload, "anna") is True
    assert store.store_upload(copy.deepcopy(payload), "anna") is False
    assert store.has_session(sid) and store.event_count(sid) == 7
    [stored] = store.sessions_between(date(2024, 3, 4), date(2024, 3, 4))
    assert (stored.duration_s, stored.agent_s, stored.citizen_s) == (600.0, 180.0, 420.0)
    assert (stored.topic, stored.outcome, stored.step_reached) == ("digital_post", "solved", 2)


def test_same_id_with_other_content_is_refused(store: StatsStore, payload: dict[str, Any]) -> None:
    store.store_upload(payload, "anna")
    changed = copy.deepcopy(payload)
    changed["session"]["topic"] = "moving"
    with pytest.raises(ValueError, match="already stored with different content"):
        store.store_upload(changed, "anna")
    [stored] = store.sessions_between(date(2024, 3, 1), date(2024, 3, 31))
    assert stored.topic == "digital_post"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = doc
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if value is KeyError:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return mutate


MALFORMED = [
    ("not an object", lambda d: d.clear(), "lacks"),
    ("format", _set("format", "v0"), "format must be"),
    ("extra field", _set("extra", 1), "unknown field"),
    ("no session id", _set("session.session_id", KeyError), "lacks session_id"),
    ("bad uuid", _set("session.session_id", "1234"), "not a lowercase UUID"),
    ("empty agent municipality", _set("session.agent_municipality", " "), "non-empty"),
    ("outcome", _set("session.outcome", "great"), "not one of"),
    ("step beyond total", _set("session.step_reached", 9), "beyond"),
    ("naive time", _set("session.started_at", "2024-03-04T18:00:00"), "UTC offset"),
    ("end before start", _set("session.ended_at", "2024-03-04T17:00:00+00:00"), "before"),
    ("events not list", _set("events", {}), "must be a list"),
    ("event numbering", _set("events.2.n", 9), r"events\[2\]\.n must be 3"),
    ("event order", _set("events.3.at", "2024-03-04T18:01:30+00:00"), "out of order"),
    ("unknown kind", _set("events.1.kind", "teleport"), "unknown event kind"),
    ("forbidden key", _set("events.1.data.typed_text", "hunter2"), "never logged"),
    ("note text", _set("events.5.data.note", "private"), "without their text"),
    ("first event", _set("events.0.kind", "joined"), "must be the 'started'"),
    ("last outcome", _set("events.6.data.outcome", "not_solved"), "must be 'ended'"),
    ("control_off without by", _set("events.3.data", {}), "needs field 'by'"),
]


@pytest.mark.parametrize(
    ("mutate", "match"), [(m, x) for _, m, x in MALFORMED], ids=[name for name, _, _ in MALFORMED]
)
def test_malformed_uploads_store_nothing(
    store: StatsStore, payload: dict[str, Any], mutate: Callable[[dict[str, Any]], None], match: str
) -> None:
    bad = copy.deepcopy(payload)
    mutate(bad)
    with pytest.raises(ValueError, match=match):
        store.store_upload(bad, "anna")
    assert store.sessions_between(date(2000, 1, 1), date(2100, 1, 1)) == []


@pytest.mark.parametrize("bad", [None, [], "x", 42])
def test_non_objects_are_refused(store: StatsStore, bad: object) -> None:
    with pytest.raises(ValueError, match="upload must be an object"):
        store.store_upload(bad, "anna")


def test_only_the_agent_may_upload_its_session(store: StatsStore, payload: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="not the uploading account"):
        store.store_upload(payload, "mallory")
    assert not store.has_session(payload["session"]["session_id"])


def test_failure_while_writing_leaves_nothing(
    store: StatsStore, payload: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = StatsStore._insert

    def insert_then_fail(self: StatsStore, *args: Any) -> None:
        original(self, *args)
        raise RuntimeError("disk full")

    monkeypatch.setattr(StatsStore, "_insert", insert_then_fail)
    with pytest.raises(RuntimeError):
        store.store_upload(payload, "anna")
    monkeypatch.undo()
    sid = payload["session"]["session_id"]
    assert not store.has_session(sid) and store.event_count(sid) == 0
    assert store.store_upload(payload, "anna") is True


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "stats.db"
    bad.write_bytes(b"garbage!" * 1000)
    with pytest.raises(ValueError, match="not a usable statistics database"):
        StatsStore(bad)


def test_stats_and_report_import_no_qt_or_screen_code() -> None:
    code = (
        "import sys, relay.stats, relay.report, relay._report_html; "
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'cobrowse.screen', "
        "'cobrowse.control', 'cobrowse.session.crypto'))]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )
    assert out.stdout.strip() == "[]"


def test_personal_data_from_an_older_agent_app_is_stored_masked(
    store: StatsStore, payload: dict[str, Any]
) -> None:
    """Agent apps mask what agents type before it is logged; the relay masks again,
    so an app from before that (or a hand-made upload) cannot put a CPR number into
    the hotline's statistics."""
    payload["session"]["topic"] = "flytning 010190-1234"
    for event in payload["events"]:
        if event["kind"] == "session_started":
            event["data"]["topic"] = "flytning 010190-1234"
    assert store.store_upload(payload, "anna") is True
    [stored] = store.sessions_between(date(2024, 3, 4), date(2024, 3, 4))
    assert stored.topic == "flytning [CPR]"
    assert "010190" not in dump(store)  # every table: sessions and events


def test_session_events_by_checklist_period_and_municipality(
    store: StatsStore, tmp_path: Path
) -> None:
    """What the stuck-step report reads: each stored event with its session's outcome."""
    payload = make_payload(tmp_path)
    store.store_upload(payload, "anna")
    sid = payload["session"]["session_id"]
    events = list(store.session_events("digital-post", date(2024, 3, 4), date(2024, 3, 4)))
    assert [e.kind for e in events] == [
        "started",
        "consent_granted",
        "control_on",
        "control_off",
        "step_ticked",
        "note",
        "ended",
    ]
    assert {(e.session_id, e.outcome) for e in events} == {(sid, "solved")}
    assert events[4].data == {"step": 2} and events[5].data == {}  # notes without text
    assert events[0].at == START and events[0].at.tzinfo is not None
    assert (
        len(list(store.session_events(None, date(2024, 3, 4), date(2024, 3, 4), "Ballerup"))) == 7
    )
    assert not list(store.session_events(None, date(2024, 3, 4), date(2024, 3, 4), "Albertslund"))
    assert not list(store.session_events("other", date(2024, 3, 4), date(2024, 3, 4)))
    assert not list(store.session_events(None, date(2024, 3, 5), date(2024, 3, 9)))
