"""``cobrowse-relay`` subcommands, called in-process through ``relay.cli.main``."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from relay.accounts import AccountStore
from relay.cli import main

ROOT = Path(__file__).resolve().parents[2]
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Cli]:
    """``cli(*args, stdin=None) -> (status, stdout, stderr)`` with --data-dir tmp_path."""
    monkeypatch.delenv("COBROWSE_RELAY_DATA", raising=False)

    def call(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main([*args, "--data-dir", str(tmp_path)])
        out = capsys.readouterr()
        return status, out.out, out.err

    yield call


def test_add_agent_prints_a_one_time_password(cli: Cli, tmp_path: Path) -> None:
    status, out, _ = cli(
        "add-agent", "anna", "--municipality", "Albertslund", "--display-name", "Anna Jensen"
    )
    assert status == 0 and "Anna Jensen, Albertslund" in out
    password = out.strip().splitlines()[-1].strip()
    assert len(password) == 20
    assert AccountStore(tmp_path / "relay.db").verify("anna", password).role == "agent"


def test_add_agent_password_stdin_and_list(cli: Cli, tmp_path: Path) -> None:
    status, out, _ = cli(
        "add-agent",
        "bo",
        "--municipality",
        "Ballerup",
        "--role",
        "supervisor",
        "--password-stdin",
        stdin="a secret from stdin\n",
    )
    assert status == 0 and "a secret from stdin" not in out
    status, out, _ = cli("list-agents")
    assert status == 0
    header, row = out.splitlines()
    assert header.split()[:2] == ["NAME", "DISPLAY"]
    assert row.split()[:5] == ["bo", "bo", "Ballerup", "supervisor", "active"]
    assert AccountStore(tmp_path / "relay.db").verify("bo", "a secret from stdin")


def test_account_lifecycle(cli: Cli, tmp_path: Path) -> None:
    run = cli
    assert run("add-agent", "anna", "--municipality", "M")[0] == 0
    assert run("disable-agent", "anna")[0] == 0
    assert "disabled" in run("list-agents")[1]
    assert run("enable-agent", "anna")[0] == 0
    assert run("set-role", "anna", "admin")[0] == 0
    status, out, _ = run("reset-password", "anna")
    new = out.strip().splitlines()[-1].strip()
    account = AccountStore(tmp_path / "relay.db").verify("anna", new)
    assert (account.role, account.disabled) == ("admin", False)


@pytest.mark.parametrize(
    "args,words",
    [
        (("disable-agent", "ghost"), "no agent called 'ghost'"),
        (("set-role", "ghost", "agent"), "no agent called 'ghost'"),
        (("add-agent", "anna", "--municipality", "M"), "already exists"),
        (("add-agent", "Bad Name", "--municipality", "M"), "lowercase"),
    ],
)
def test_account_errors_are_one_line(cli: Cli, args: tuple[str, ...], words: str) -> None:
    cli("add-agent", "anna", "--municipality", "M")
    status, _, err = cli(*args)
    assert status == 1 and words in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_commands_need_existing_data(cli: Cli) -> None:
    status, _, err = cli("list-agents")
    assert status == 1 and "no relay data" in err


def test_usage_errors(cli: Cli) -> None:
    assert cli("set-role", "anna", "king")[0] == 2
    assert cli("add-agent", "anna")[0] == 2


def test_short_password_on_stdin(cli: Cli) -> None:
    status, _, err = cli(
        "add-agent", "anna", "--municipality", "M", "--password-stdin", stdin="short\n"
    )
    assert status == 1 and "at least 12" in err


@pytest.mark.parametrize(
    "config,extra,words",
    [
        (None, ("--config", "missing.toml"), "config file not found"),
        ("[server\n", (), "not valid TOML"),
        ("[server]\nhots = 'x'\n", (), "unknown key server.hots"),
        (None, (), "no TLS certificate configured"),
        (None, ("--dev", "--host", "0.0.0.0"), "only allowed on a loopback"),
        ("[server]\ntls_cert = 'a.crt'\ntls_key = 'a.key'\n", (), "TLS file not found"),
    ],
)
def test_serve_refuses_with_a_clear_message(
    cli: Cli,
    tmp_path: Path,
    config: str | None,
    extra: tuple[str, ...],
    words: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    args = ["serve", *extra]
    if config is not None:
        (tmp_path / "relay.toml").write_text(config, encoding="utf-8")
        args += ["--config", "relay.toml"]
    status, _, err = cli(*args)
    assert status == 1 and words in err and "Traceback" not in err


def test_serve_port_in_use(cli: Cli) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        status, _, err = cli("serve", "--dev", "--port", str(port))
    assert status == 1 and f"port {port} on 127.0.0.1 is already in use" in err


def test_python_m_relay_serves_until_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "COBROWSE_RELAY_DATA": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "relay", "serve", "--dev", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once listening
        assert "listening on ws://127.0.0.1:" in line, line
        port = int(line.split("ws://127.0.0.1:")[1].split("/")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
            assert reply.status == 200
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert (tmp_path / "relay.db").exists()
