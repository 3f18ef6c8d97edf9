"""Session log: events, summaries, durations, validation, uploads, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sessionlog_helpers import FakeClock, sample_session, t

from cobrowse.paths import user_data_dir
from cobrowse.sessionlog import SessionLog, SessionLogError


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(t(4, 18))


@pytest.fixture
def log(tmp_path: Path, clock: FakeClock) -> SessionLog:
    with SessionLog(tmp_path / "sessions.db", clock=clock) as opened:
        yield opened


def test_summary_durations_and_fields(log: SessionLog, clock: FakeClock) -> None:
    sid = sample_session(log, clock)
    s = log.summary(sid)
    assert (s.agent, s.agent_municipality, s.citizen_municipality) == (
        "anna",
        "Albertslund",
        "Ballerup",
    )
    assert (s.topic, s.checklist, s.step_reached, s.steps_total) == (
        "digital_post",
        "digital-post",
        2,
        4,
    )
    assert s.outcome == "solved"
    assert s.notes == ("wanted help with a letter",)
    assert (s.total_seconds, s.agent_seconds, s.citizen_seconds) == (600.0, 180.0, 420.0)
    assert s.started_at == t(4, 18) and s.ended_at == t(4, 18, 10)


def test_open_control_period_closes_at_session_end(log: SessionLog, clock: FakeClock) -> None:
    clock.set(t(4, 18))
    sid = log.start_session("anna", "Albertslund")
    clock.set(t(4, 18, 1))
    log.append(sid, "control_on")
    clock.set(t(4, 18, 4))
    s = log.end_session(sid, "not_solved")
    assert (s.total_seconds, s.agent_seconds, s.citizen_seconds) == (240.0, 180.0, 60.0)


def test_later_events_update_the_summary(log: SessionLog) -> None:
    sid = log.start_session("anna", "Albertslund")
    log.append(sid, "topic_set", topic="moving")
    log.append(sid, "municipality_set", citizen_municipality="Egedal")
    log.append(sid, "checklist_set", checklist="flytning", steps_total=5)
    log.append(sid, "outcome_set", outcome="referred_skat_dk")
    s = log.summary(sid)
    assert (s.topic, s.citizen_municipality, s.checklist, s.steps_total, s.outcome) == (
        "moving",
        "Egedal",
        "flytning",
        5,
        "referred_skat_dk",
    )
    assert s.ended_at is None and s.total_seconds is None


@pytest.mark.parametrize(
    "key",
    [
        "text",
        "typed",
        "password",
        "code",
        "key",
        "pixels",
        "typed_text",
        "session_code",
        "screen_png",
        "hotkey_keys",
    ],
)
def test_forbidden_keys_are_rejected(log: SessionLog, key: str) -> None:
    sid = log.start_session("anna", "Albertslund")
    with pytest.raises(ValueError, match="never logged"):
        log.append(sid, "note", note="x", **{key: "secret"})
    assert [e.kind for e in log.events(sid)] == ["started"]


@pytest.mark.parametrize(
    ("kind", "data", "match"),
    [
        ("teleport", {}, "unknown event kind"),
        ("control_off", {}, "needs field 'by'"),
        ("control_off", {"by": "ghost"}, "not one of"),
        ("step_ticked", {"step": 0}, "integer"),
        ("step_ticked", {"step": True}, "integer"),
        ("note", {"note": "x" * 5000}, "longer than"),
        ("note", {"note": "ok", "extra": [1, 2]}, "must be a string"),
        ("started", {}, "start_session"),
        ("ended", {"outcome": "solved"}, "end_session"),
    ],
)
def test_invalid_events_are_rejected(
    log: SessionLog, kind: str, data: dict[str, object], match: str
) -> None:
    sid = log.start_session("anna", "Albertslund")
    with pytest.raises(ValueError, match=match):
        log.append(sid, kind, **data)


def test_no_events_after_end_or_for_unknown_sessions(log: SessionLog, clock: FakeClock) -> None:
    sid = sample_session(log, clock)
    with pytest.raises(ValueError, match="has ended"):
        log.append(sid, "pause")
    with pytest.raises(ValueError, match="unknown session"):
        log.append("6d0f6f4e-0000-4000-8000-000000000000", "pause")
    with pytest.raises(ValueError, match="not one of"):
        log.end_session(log.start_session("bo", "Egedal"), "great")


def test_events_cannot_be_updated_or_deleted(log: SessionLog, tmp_path: Path) -> None:
    log.start_session("anna", "Albertslund")
    import sqlite3

    db = sqlite3.connect(tmp_path / "sessions.db")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM events")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE events SET kind='x'")
    db.close()


def test_pending_uploads_and_mark_uploaded(log: SessionLog, clock: FakeClock) -> None:
    first = sample_session(log, clock, day=4)
    running = log.start_session("anna", "Albertslund")
    second = sample_session(log, clock, day=5)
    assert log.pending_uploads() == [first, second]
    log.mark_uploaded([first])
    assert log.pending_uploads() == [second]
    assert log.summary(first).uploaded and not log.summary(second).uploaded
    assert running not in log.pending_uploads()
    assert log.verify().ok


def test_recover_unfinished_ends_crashed_sessions(log: SessionLog) -> None:
    sid = log.start_session("anna", "Albertslund")
    assert log.recover_unfinished() == [sid]
    s = log.summary(sid)
    assert s.outcome == "interrupted" and s.ended_at is not None  # not a guessed "not solved"
    assert log.events(sid)[-1].data == {"outcome": "interrupted", "reason": "agent_app_restarted"}


def test_recovery_dates_the_end_at_the_last_event_not_at_the_restart(
    log: SessionLog, clock: FakeClock
) -> None:
    """Issue 10 item 4: a killed app's open session counted 256 s of agent-driven time
    for ~10 s of control, because the next start closed it "now"."""
    clock.set(t(4, 19, 0, 0))
    sid = log.start_session("anna", "Albertslund")
    clock.set(t(4, 19, 0, 30))
    log.append(sid, "control_on")
    clock.set(t(4, 19, 0, 40))
    log.append(sid, "outcome_set", outcome="solved")  # the app dies here
    clock.set(t(4, 19, 5, 0))  # restarted five minutes later
    assert log.recover_unfinished() == [sid]
    s = log.summary(sid)
    assert s.ended_at == t(4, 19, 0, 40) and s.total_seconds == 40
    assert s.agent_seconds == 10 and s.outcome == "solved"
    assert log.verify().ok
    assert log.session_upload(sid)["session"]["outcome"] == "solved"


def test_upload_payload(log: SessionLog, clock: FakeClock) -> None:
    sid = sample_session(log, clock)
    payload = log.session_upload(sid)
    assert json.loads(json.dumps(payload)) == payload
    assert payload["format"] == "cobrowse-session/1"
    session = payload["session"]
    assert session["session_id"] == sid and session["outcome"] == "solved"
    assert session["started_at"] == "2024-03-04T18:00:00.000000+00:00"
    assert "notes" not in session
    kinds = [(e["n"], e["kind"]) for e in payload["events"]]
    assert kinds[0] == (1, "started") and kinds[-1] == (7, "ended")
    note = next(e for e in payload["events"] if e["kind"] == "note")
    assert note["data"] == {}


def test_upload_of_a_running_session_is_refused(log: SessionLog) -> None:
    with pytest.raises(ValueError, match="has not ended"):
        log.session_upload(log.start_session("anna", "Albertslund"))


def test_corrupt_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(SessionLogError, match="not a readable session log"):
        SessionLog(bad)


def test_missing_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(SessionLogError, match="no session log"):
        SessionLog(tmp_path / "nope.db", create=False)


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("PRAGMA user_version=7").close()
    with pytest.raises(SessionLogError, match="not a cobrowse session log"):
        SessionLog(other)


def test_naive_clock_is_refused(tmp_path: Path) -> None:
    from datetime import datetime

    with SessionLog(tmp_path / "s.db", clock=lambda: datetime(2024, 3, 4, 18)) as log:
        with pytest.raises(ValueError, match="timezone-aware"):
            log.start_session("anna", "Albertslund")


@pytest.mark.parametrize(
    ("platform", "env", "expected"),
    [
        ("linux", {"XDG_DATA_HOME": "/data"}, "/data/cobrowse"),
        ("linux", {}, "/home/a/.local/share/cobrowse"),
        ("win32", {"APPDATA": "C:/Users/a/AppData/Roaming"}, "C:/Users/a/AppData/Roaming/cobrowse"),
        ("darwin", {}, "/home/a/Library/Application Support/cobrowse"),
    ],
)
def test_user_data_dir(platform: str, env: dict[str, str], expected: str) -> None:
    assert user_data_dir(env, platform, Path("/home/a")) == Path(expected)
