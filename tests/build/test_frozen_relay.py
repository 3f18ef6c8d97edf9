"""The built relay: every command runs frozen, ``report --html`` draws its charts,
``serve`` listens and stops cleanly on SIGTERM, and accounts are managed."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cobrowse import __version__
from cobrowse.sessionlog import SessionLog
from relay.cli import _parser
from relay.stats import StatsStore

pytestmark = [pytest.mark.frozen, pytest.mark.timeout(1200)]
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "relay"))
from test_report import CASES, Clock, record  # noqa: E402 - the report tests' data set


def run(relay: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(relay), *args], input=stdin, capture_output=True, text=True, timeout=120
    )


def commands() -> list[str]:
    parser = _parser()
    action = next(a for a in parser._actions if a.dest == "command")  # noqa: SLF001
    choices: dict[str, Any] = action.choices or {}  # type: ignore[assignment]
    return sorted(choices)


def test_every_command_answers_help_and_version(frozen_relay: Path) -> None:
    assert run(frozen_relay, "--version").stdout.strip() == f"cobrowse-relay {__version__}"
    for command in commands():
        done = run(frozen_relay, command, "--help")
        assert done.returncode == 0 and "usage: cobrowse-relay" in done.stdout, done.stderr


def test_report_html_with_charts(frozen_relay: Path, tmp_path: Path) -> None:
    clock = Clock()
    with (
        SessionLog(tmp_path / "agent.db", clock=clock) as log,
        StatsStore(tmp_path / "stats.db") as store,
    ):
        for case in CASES:
            assert store.store_upload(log.session_upload(record(log, clock, case)), "anna")
    page, table = tmp_path / "r.html", tmp_path / "r.csv"
    done = run(
        frozen_relay,
        "report",
        "--data-dir",
        str(tmp_path),
        "--from",
        str(date(2024, 3, 4)),
        "--to",
        str(date(2024, 3, 10)),
        "--html",
        str(page),
        "--csv",
        str(table),
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"Contacts\s+6", done.stdout)
    assert page.read_text(encoding="utf-8").count("<svg") >= 2 and table.stat().st_size


def test_accounts_and_serve(frozen_relay: Path, tmp_path: Path) -> None:
    data = ["--data-dir", str(tmp_path)]
    made = run(frozen_relay, "add-agent", "anna", "--municipality", "Albertslund", *data)
    assert made.returncode == 0, made.stderr
    assert "anna" in run(frozen_relay, "list-agents", *data).stdout
    serve = subprocess.Popen(
        [str(frozen_relay), "serve", "--dev", "--port", "0", *data],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert serve.stdout is not None
        for line in serve.stdout:  # blocks until the relay says where it listens
            if line.startswith("cobrowse relay listening on ws://127.0.0.1:"):
                break
        serve.terminate()
        assert serve.wait(60) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait(10)
