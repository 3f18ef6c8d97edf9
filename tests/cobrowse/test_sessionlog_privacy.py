"""Personal data in notes and topics is masked before it is logged, and retention
purges old sessions while the chain still verifies (issue 10, item 10)."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sessionlog_helpers import FakeClock, sample_session, t

from cobrowse.sessionlog import SessionLog
from cobrowse.sessionlog import personal as pd
from cobrowse.sessionlog.cli import main


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("CPR 010203-1234 i brevet", "CPR [CPR] i brevet", ["cpr"]),
        ("0102031234", "[CPR]", ["cpr"]),
        ("01 02 03 1234", "[CPR]", ["cpr"]),
        ("29.02.88-1234", "[CPR]", ["cpr"]),
        ("310403-1234", "310403-1234", []),  # 31 April is no date
        ("320103-1234", "320103-1234", []),
        ("ring 12 34 56 78", "ring [telefon]", ["phone"]),
        ("ring 12-34-56-78", "ring [telefon]", ["phone"]),
        ("tlf. +45 1234 5678", "tlf. [telefon]", ["phone"]),
        ("0045 12345678 eller 87654321", "[telefon] eller [telefon]", ["phone", "phone"]),
        ("skriv til anna.j+hj@kommune.dk.", "skriv til [e-mail].", ["email"]),
        ("sag 2024-0001, 123456, kl. 10-12", "sag 2024-0001, 123456, kl. 10-12", []),
        ("Beløb 1.234.567 kr", "Beløb 1.234.567 kr", []),
    ],
)
def test_personal_data_is_found_and_masked(text: str, masked: str, kinds: list[str]) -> None:
    assert pd.mask(text) == masked
    assert [f.kind for f in pd.find(text)] == kinds


def test_describe_counts_in_danish() -> None:
    found = pd.find("010203-1234, 020304-2345 og anna@kommune.dk")
    assert pd.describe(found) == "2 CPR-numre, 1 e-mailadresse"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(t(4, 18))


@pytest.fixture
def log(tmp_path: Path, clock: FakeClock) -> SessionLog:
    return SessionLog(tmp_path / "sessions.db", clock=clock)


def test_notes_and_topics_are_stored_masked_everywhere(log: SessionLog) -> None:
    sid = log.start_session("anna", "Albertslund", topic="Brev til 010203-1234")
    log.append(sid, "note", note="Borgeren 010203-1234, anna@x.dk, 12 34 56 78")
    log.append(sid, "topic_set", topic="Pas for 0102031234")
    log.append(sid, "municipality_set", citizen_municipality="Ballerup 12345678")
    log.end_session(sid, "solved")
    stored = [json.dumps(dict(e.data)) for e in log.events(sid)]
    assert not any(s for s in stored if "1234" in s or "@" in s)
    assert log.summary(sid).notes == ("Borgeren [CPR], [e-mail], [telefon]",)
    assert log.summary(sid).topic == "Pas for [CPR]"
    assert log.summary(sid).citizen_municipality == "Ballerup [telefon]"
    out = io.StringIO()
    log.export(t(4, 0).date(), t(4, 0).date(), "csv", out, table="events")
    assert "010203" not in out.getvalue() and "[CPR]" in out.getvalue()
    assert "010203" not in json.dumps(log.session_upload(sid))
    assert log.verify().ok


def three_sessions(log: SessionLog, clock: FakeClock) -> list[str]:
    """Three uploaded sessions (events 1-21)."""
    ids = [sample_session(log, clock, day=d) for d in (4, 6, 20)]
    log.mark_uploaded(ids)
    return ids


def test_purge_removes_old_sessions_and_the_rest_still_verifies(
    log: SessionLog, clock: FakeClock
) -> None:
    old, older, recent = three_sessions(log, clock)
    clock.set(t(30, 12))
    result = log.purge(timedelta(days=14))
    assert (result.sessions, result.events, result.anchor_seq) == (2, 14, 14)
    assert log.events(old) == [] and log.events(older) == []
    assert [e.seq for e in log.events(recent)][0] == 15
    check = log.verify()
    assert check.ok and check.message == "7 events, chain intact"
    assert log.anchor()[0] == 14 and log.anchor()[2] == older
    assert log.purge(timedelta(days=14)).sessions == 0  # nothing more is old enough
    sid = log.start_session("anna", "Albertslund")
    log.end_session(sid, "solved")
    assert log.verify().ok


def test_after_a_purge_ordinary_deletes_and_updates_are_still_refused(
    log: SessionLog, clock: FakeClock, tmp_path: Path
) -> None:
    three_sessions(log, clock)
    clock.set(t(30, 12))
    log.purge(timedelta(days=14))
    db = sqlite3.connect(tmp_path / "sessions.db", isolation_level=None)
    for sql in (
        "DELETE FROM events WHERE seq=16",
        "DELETE FROM events",
        "UPDATE events SET kind='pause' WHERE seq=16",
        "DELETE FROM purges",
        "UPDATE purges SET anchor_seq=20",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
    db.close()
    assert log.verify().ok


def test_a_session_still_running_keeps_everything_after_it(
    log: SessionLog, clock: FakeClock
) -> None:
    first = sample_session(log, clock, day=4)
    log.mark_uploaded([first])
    clock.set(t(5, 9))
    running = log.start_session("anna", "Albertslund")
    sample_session(log, clock, day=6)
    clock.set(t(30, 12))
    result = log.purge(timedelta(days=14))
    assert result.sessions == 1 and log.events(first) == []
    assert log.events(running) and log.verify().ok


def test_a_version_1_log_is_migrated_and_can_be_purged(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "v1.db"
    with SessionLog(path, clock=clock) as log:
        three_sessions(log, clock)
    db = sqlite3.connect(path, isolation_level=None)  # back to the version-1 schema
    db.executescript(
        "DROP TRIGGER events_no_delete; DROP TABLE purges; "
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'session log events are append-only'); END; "
        "PRAGMA user_version=1;"
    )
    db.close()
    clock.set(t(30, 12))
    with SessionLog(path, clock=clock) as log:
        assert log.purge(timedelta(days=14)).sessions == 2
        assert log.verify().ok


def test_cli_purge(tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sessions.db"
    with SessionLog(path, clock=clock) as log:
        sample_session(log, clock, day=4)  # never uploaded
    assert main(["purge", "--older-than", "1", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "purged 0 session(s)" in out and "kept 1 old session(s) not yet uploaded" in out
    assert main(["purge", "--older-than", "1", "--include-not-uploaded", "--db", str(path)]) == 0
    assert "purged 1 session(s) (7 events)" in capsys.readouterr().out
    assert main(["verify", "--db", str(path)]) == 0
    with pytest.raises(SystemExit):
        main(["purge", "--older-than", "0", "--db", str(path)])


def test_purge_needs_a_positive_period(log: SessionLog) -> None:
    with pytest.raises(ValueError, match="positive"):
        log.purge(timedelta(0))
