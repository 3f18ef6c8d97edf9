"""Units of the relay's defences: address groups, the lockout table under a flood
of names, password checks counted before hashing, the socket budget, rate-limited
log lines, config keys, and spreadsheet-safe CSV (issue 10, findings 12, 14-16)."""

from __future__ import annotations

import csv
import io
import logging
import resource
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from relay_helpers import FakeClock

from cobrowse.errors import ConfigError
from cobrowse.sessionlog import SessionLog
from cobrowse.sessionlog.export import csv_cell, write_events_csv, write_sessions_csv
from relay import ratelimit
from relay.config import load_config
from relay.guard import (
    ACCEPT_BURST,
    FD_RESERVE,
    ConnectionGuard,
    LogThrottle,
    address_group,
    socket_budget,
)
from relay.ratelimit import LoginThrottle, RateLimiter
from relay.report import build_report, write_csv
from relay.stats import StatsStore

FORMULA = ("=", "+", "-", "@", "\t", "\r")


def test_address_groups() -> None:
    assert address_group("203.0.113.7") == "203.0.113.7/32"
    assert address_group("203.0.113.7", v4_prefix=24) == "203.0.113.0/24"
    a, b = address_group("2001:db8:1:2::1"), address_group("2001:db8:1:2:ffff::9")
    assert a == b == "2001:db8:1:2::/64"
    assert address_group("2001:db8:1:3::1") != a
    assert address_group("2001:db8:1:3::1", v6_prefix=48) == "2001:db8:1::/48"
    assert address_group("::ffff:203.0.113.7") == "203.0.113.7/32"
    assert address_group("?") == "?"


def test_a_lockout_survives_a_flood_of_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """The table used to clear everything at MAX_KEYS names, unlocking a locked account."""
    monkeypatch.setattr(ratelimit, "MAX_KEYS", 1000)
    clock = FakeClock()
    throttle = LoginThrottle(limit=5, base=30, cap=3600, clock=clock)
    for _ in range(5):
        throttle.failed("anna")
    assert throttle.locked_for("anna") == 30
    for n in range(5000):
        throttle.failed(f"spray-{n}")
        clock.advance(0.001)
    assert throttle.locked_for("anna") > 0
    assert len(throttle) <= 1000


def test_a_full_table_of_lockouts_refuses_new_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MAX_KEYS", 10)
    throttle = LoginThrottle(limit=1, base=30, cap=3600, clock=FakeClock())
    for n in range(10):
        throttle.failed(f"locked-{n}")
    assert not throttle.begin("newcomer")  # fail closed, no lockout dropped
    assert all(throttle.locked_for(f"locked-{n}") for n in range(10))


def test_password_checks_are_counted_before_hashing() -> None:
    throttle = LoginThrottle(limit=5, base=30, cap=3600, clock=FakeClock(), concurrent=2)
    assert throttle.begin("anna") and throttle.begin("anna")
    assert not throttle.begin("anna")  # two checks under way already
    throttle.end("anna", failed=True)
    throttle.end("anna", failed=True)
    for _ in range(3):
        assert throttle.begin("anna")
        throttle.end("anna", failed=True)
    assert not throttle.begin("anna") and throttle.locked_for("anna") == 30


def test_checks_under_way_never_exceed_the_failures_left() -> None:
    throttle = LoginThrottle(limit=5, base=30, cap=3600, clock=FakeClock(), concurrent=10)
    for _ in range(4):
        throttle.failed("anna")
    assert throttle.begin("anna")
    assert not throttle.begin("anna")  # only one failure left before the lockout


def test_a_success_clears_the_account() -> None:
    throttle = LoginThrottle(limit=5, base=30, cap=3600, clock=FakeClock())
    for _ in range(3):
        throttle.failed("anna")
    assert throttle.begin("anna")
    throttle.end("anna", failed=False)
    throttle.succeeded("anna")
    assert len(throttle) == 0


def test_bucket_flood_drops_oldest_not_all(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MAX_KEYS", 100)
    clock = FakeClock()
    limiter = RateLimiter(burst=2, per_minute=0.001, clock=clock)
    assert limiter.allow("greedy") and limiter.allow("greedy")
    clock.advance(1)
    for n in range(200):
        limiter.allow(f"k{n}")
    assert len(limiter) <= 100
    assert limiter.allow("k199", cost=2) is False  # a recent key kept its bucket


def test_socket_budget_follows_the_open_files_limit() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert socket_budget() == soft - FD_RESERVE - ACCEPT_BURST
    assert socket_budget(50) == 50


def test_the_soft_open_files_limit_is_raised_at_start_up() -> None:
    """In a child process (the test's own limit stays as it is)."""
    script = (
        "import resource\n"
        "from relay.guard import raise_fd_limit, socket_budget\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, 4096))\n"
        "print(raise_fd_limit(), socket_budget())\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["4096", str(4096 - FD_RESERVE - ACCEPT_BURST)]


def test_connection_guard_caps_total_and_group() -> None:
    guard = ConnectionGuard(total=3, per_group=2, group=address_group)
    assert guard.admit("10.0.0.1") and guard.admit("10.0.0.1")
    assert not guard.admit("10.0.0.1")
    assert guard.admit("10.0.0.2") and not guard.admit("10.0.0.3")
    guard.release("10.0.0.1")
    assert guard.admit("10.0.0.3") and guard.refused == 2


def test_log_throttle(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    throttle = LogThrottle(every=10, clock=clock)
    with caplog.at_level(logging.WARNING):
        for _ in range(1000):
            throttle.warn("out of file descriptors")
        clock.advance(10)
        throttle.warn("out of file descriptors")
    assert len(caplog.records) == 2
    assert "999 more like this" in caplog.records[1].getMessage()


def test_limit_keys_in_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(
        "[limits]\nmax_connections = 500\ncitizens_per_group = 2\n"
        "[rate_limits]\ngroup_prefix_v6 = 56\nuploads_per_minute = 30\n"
    )
    config = load_config(path)
    assert (config.max_connections, config.citizens_per_group) == (500, 2)
    assert (config.group_prefix_v6, config.uploads_per_minute) == (56, 30.0)
    path.write_text("[rate_limits]\ngroup_prefix_v4 = 33\n")
    with pytest.raises(ConfigError, match="group_prefix_v4"):
        load_config(path)


def test_csv_cell() -> None:
    for prefix in FORMULA:
        assert csv_cell(f"{prefix}1+1") == f"'{prefix}1+1"
    assert csv_cell("Flytning") == "Flytning" and csv_cell(-3) == -3


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(FORMULA), row


EVIL = '=HYPERLINK("http://evil.example","klik")'


def test_report_csv_has_no_live_formulas(tmp_path: Path) -> None:
    start = datetime(2024, 3, 4, 18, 0, tzinfo=UTC)
    times = iter(start + timedelta(minutes=m) for m in range(10))
    with SessionLog(tmp_path / "agent.db", clock=lambda: next(times)) as log:
        sid = log.start_session("anna", "Albertslund", topic=EVIL, checklist="@SUM(A1)")
        log.end_session(sid, "solved")
        payload = log.session_upload(sid)
    with StatsStore(tmp_path / "stats.db") as store:
        store.store_upload(payload, "anna")
        out = tmp_path / "report.csv"
        write_csv(build_report(store, date(2024, 3, 4), date(2024, 3, 4)), out)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert ["topic", "'" + EVIL, "1"] in rows
    _no_formula(rows)


def test_log_export_csv_has_no_live_formulas(tmp_path: Path) -> None:
    with SessionLog(tmp_path / "agent.db") as log:
        sid = log.start_session("anna", "Albertslund", topic="+45 12345678")
        log.append(sid, "note", note=EVIL)
        log.end_session(sid, "solved")
        summary, events = log.summary(sid), log.events(sid)
    for write, items in ((write_sessions_csv, [summary]), (write_events_csv, events)):
        buffer = io.StringIO()
        write(items, buffer)  # type: ignore[operator]
        _no_formula(list(csv.reader(io.StringIO(buffer.getvalue()))))
