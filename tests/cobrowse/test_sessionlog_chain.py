"""Session log: tamper detection, export and the cobrowse-log command."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sessionlog_helpers import FakeClock, sample_session, t

from cobrowse.sessionlog import SessionLog
from cobrowse.sessionlog.chain import row_hash
from cobrowse.sessionlog.cli import main


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    clock = FakeClock(t(4, 18))
    with SessionLog(tmp_path / "sessions.db", clock=clock) as log:
        sample_session(log, clock, day=4)  # events 1-7
        sample_session(log, clock, day=6)  # events 8-14
    return tmp_path / "sessions.db"


@pytest.fixture
def raw(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A direct connection with the append-only triggers dropped, as an attacker would."""
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("DROP TRIGGER events_no_update")
    db.execute("DROP TRIGGER events_no_delete")
    yield db
    db.close()


def verify(db_path: Path) -> tuple[bool, int | None, str]:
    with SessionLog(db_path, create=False) as log:
        result = log.verify()
    return result.ok, result.first_bad_seq, result.message


def test_intact_log_verifies(db_path: Path) -> None:
    assert verify(db_path) == (True, None, "14 events, chain intact")


def test_altered_data_is_found(db_path: Path, raw: sqlite3.Connection) -> None:
    raw.execute("""UPDATE events SET data='{"step":4}' WHERE seq=5""")
    ok, seq, message = verify(db_path)
    assert (ok, seq) == (False, 5) and "altered" in message


def test_altered_and_rehashed_row_breaks_the_next_link(
    db_path: Path, raw: sqlite3.Connection
) -> None:
    sid, at, data, prev = raw.execute(
        "SELECT session_id, at, data, prev_hash FROM events WHERE seq=3"
    ).fetchone()
    forged = row_hash(prev, 3, sid, at, "pause", json.loads(data))
    raw.execute("UPDATE events SET kind='pause', hash=? WHERE seq=3", (forged,))
    ok, seq, message = verify(db_path)
    assert (ok, seq) == (False, 4) and "previous-hash" in message


def test_deleted_row_is_found(db_path: Path, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM events WHERE seq=9")
    ok, seq, message = verify(db_path)
    assert (ok, seq, message) == (False, 9, "event 9 is missing (next is 10)")


def test_deleted_last_rows_are_found(db_path: Path, raw: sqlite3.Connection) -> None:
    raw.execute("DELETE FROM events WHERE seq>=13")
    ok, seq, message = verify(db_path)
    assert (ok, seq) == (False, 13) and "removed" in message


def test_reordered_rows_are_found(db_path: Path, raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE events SET seq=-1 WHERE seq=3")
    raw.execute("UPDATE events SET seq=3 WHERE seq=4")
    raw.execute("UPDATE events SET seq=4 WHERE seq=-1")
    assert verify(db_path)[:2] == (False, 3)


def test_edited_summary_row_is_found(db_path: Path, raw: sqlite3.Connection) -> None:
    raw.execute("UPDATE sessions SET outcome='not_solved'")
    ok, seq, message = verify(db_path)
    assert (ok, seq) == (False, None) and "summary row" in message


def test_export_json_for_a_date_range(db_path: Path) -> None:
    out = io.StringIO()
    with SessionLog(db_path, create=False) as log:
        assert log.export(date(2024, 3, 4), date(2024, 3, 5), "json", out) == 1
    doc = json.loads(out.getvalue())
    assert [s["started_at"][:10] for s in doc["sessions"]] == ["2024-03-04"]
    assert [e["seq"] for e in doc["events"]] == list(range(1, 8))
    assert doc["sessions"][0]["agent_seconds"] == 180.0


def test_export_csv_sessions_and_events(db_path: Path) -> None:
    sessions, events = io.StringIO(), io.StringIO()
    with SessionLog(db_path, create=False) as log:
        assert log.export(date(2024, 3, 1), date(2024, 3, 31), "csv", sessions) == 2
        log.export(date(2024, 3, 6), date(2024, 3, 6), "csv", events, table="events")
    rows = list(csv.DictReader(io.StringIO(sessions.getvalue())))
    assert [r["outcome"] for r in rows] == ["solved", "solved"]
    assert rows[0]["notes"] == "wanted help with a letter"
    event_rows = list(csv.DictReader(io.StringIO(events.getvalue())))
    assert [r["seq"] for r in event_rows] == [str(n) for n in range(8, 15)]
    assert json.loads(event_rows[4]["data"]) == {"step": 2}


def test_export_uses_copenhagen_dates(tmp_path: Path) -> None:
    clock = FakeClock(t(4, 23, 30))  # 00:30 on 5 March in Copenhagen
    with SessionLog(tmp_path / "s.db", clock=clock) as log:
        log.start_session("anna", "Albertslund")
        assert log.export(date(2024, 3, 4), date(2024, 3, 4), "json", io.StringIO()) == 0
        assert log.export(date(2024, 3, 5), date(2024, 3, 5), "json", io.StringIO()) == 1


def test_cli_verify(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--db", str(db_path)]) == 0
    assert capsys.readouterr().out == "ok: 14 events, chain intact\n"


def test_cli_verify_broken(
    db_path: Path, raw: sqlite3.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    raw.execute("DELETE FROM events WHERE seq=2")
    assert main(["verify", "--db", str(db_path)]) == 1
    assert capsys.readouterr().out.startswith("first broken link at event 2: ")


def test_cli_export_to_file(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert (
        main(
            [
                "export",
                "--db",
                str(db_path),
                "--from",
                "2024-03-01",
                "--to",
                "2024-03-31",
                "--format",
                "csv",
                "--table",
                "events",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert len(out.read_text().splitlines()) == 15


def test_cli_missing_and_corrupt_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--db", str(tmp_path / "none.db")]) == 2
    assert "no session log" in capsys.readouterr().err
    (tmp_path / "bad.db").write_bytes(b"\x00garbage" * 1000)
    assert main(["verify", "--db", str(tmp_path / "bad.db")]) == 2
    assert "not a readable session log" in capsys.readouterr().err


def test_cli_bad_date(db_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "export",
                "--db",
                str(db_path),
                "--from",
                "yesterday",
                "--to",
                "2024-03-01",
                "--format",
                "json",
            ]
        )
    assert exc.value.code == 2
