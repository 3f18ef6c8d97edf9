"""``pip install cobrowse[relay]`` brings the relay and its report, not the apps.

A wheel is built from a copy of this checkout and installed with its ``relay``
extra into a fresh virtualenv (pip's index as this machine has it configured);
the relay there answers ``--help``, serves ``/healthz`` and imports no GUI,
capture, input or numeric package."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest
from deploy_files import ROOT

APPS_ONLY = {"pyside6-essentials", "mss", "pynput", "numpy", "simplejpeg", "cryptography", "spake2"}
NEVER = {"pillow"}  # only bench/webpages.py uses it: the test extra
_NAME = re.compile(r"^[A-Za-z0-9._-]+")


def _name(requirement: str) -> str:
    found = _NAME.match(requirement)
    assert found is not None, requirement
    return found.group(0).lower().replace("_", "-")


def _pip(*args: str, timeout: float = 600) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the sources (no build/ in the checkout)."""
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    for package in ("cobrowse", "relay", "agent_app", "citizen_client", "qtlang"):
        ignore = shutil.ignore_patterns("__pycache__", "*.qm")  # .qm: built, not shipped
        shutil.copytree(ROOT / package, src / package, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "-q", "--no-deps", str(src), "-w", str(out))
    (found,) = out.glob("cobrowse-*.whl")
    return found


def test_wheel_brings_the_translation_sources(wheel: Path) -> None:
    """The apps' .ts files travel in the wheel; the .qm are built from them on first use."""
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"qtlang/citizen_en.ts", "qtlang/agent_en.ts", "qtlang/build.py"} <= names


def requirements(wheel: Path) -> dict[str, set[str]]:
    """Requirement names per extra ("" for the base) from the wheel's METADATA."""
    with zipfile.ZipFile(wheel) as archive:
        (meta,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(meta).decode())
    out: dict[str, set[str]] = {"": set()}
    for extra in message.get_all("Provides-Extra") or []:
        out[extra] = set()
    for line in message.get_all("Requires-Dist") or []:
        found = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", line)
        out[found.group(1) if found else ""].add(_name(line))
    return out


def test_metadata_splits_relay_from_apps(wheel: Path) -> None:
    needs = requirements(wheel)
    assert needs[""] == {"websockets", "tzdata"}
    assert needs["relay"] == {
        "matplotlib",
        "psycopg",
        "prometheus-client",
    }  # charts; PostgreSQL; /metrics
    assert APPS_ONLY <= needs["apps"] and not needs["apps"] & {"matplotlib", "pillow"}
    assert "pillow" in needs["test"] and "cobrowse" in needs["test"]  # test = apps + relay
    assert not NEVER & (needs[""] | needs["relay"] | needs["apps"])


@pytest.fixture(scope="module")
def relay_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    venv = tmp_path_factory.mktemp("relayvenv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    result = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"{wheel}[relay]"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    yield venv


@pytest.mark.timeout(1200)
def test_relay_install_has_no_gui(relay_venv: Path) -> None:
    listed = subprocess.run(
        [str(relay_venv / "bin" / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    installed = {_name(line) for line in listed.splitlines() if line}
    assert {"cobrowse", "websockets", "tzdata", "matplotlib", "prometheus-client"} <= installed
    # numpy and Pillow come only as matplotlib's own requirements (the report's
    # charts); `serve` never imports them (test_installed_relay_serves_...)
    assert (APPS_ONLY | NEVER) & installed <= {"numpy", "pillow"}, installed
    assert {"numpy", "pillow"} <= _requires(relay_venv, "matplotlib")


def _requires(venv: Path, dist: str) -> set[str]:
    code = f"import importlib.metadata as m; print(*(m.requires({dist!r}) or []), sep='\\n')"
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return {_name(line) for line in out.splitlines() if "extra ==" not in line}


@pytest.mark.timeout(1200)
def test_installed_relay_serves_without_gui_imports(relay_venv: Path, tmp_path: Path) -> None:
    program = relay_venv / "bin" / "cobrowse-relay"
    assert subprocess.run([str(program), "--help"], capture_output=True, timeout=60).returncode == 0
    proc = subprocess.Popen(
        [str(program), "serve", "--dev", "--port", "0", "--data-dir", str(tmp_path)],
        cwd=tmp_path,  # not the checkout: only the installed package is importable
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "listening on ws://127.0.0.1:" in line, line + proc.stderr.read()
        port = int(line.split("ws://127.0.0.1:")[1].split("/")[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as reply:
            assert reply.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as reply:
            assert b"process_open_fds" in reply.read()  # prometheus_client came with [relay]
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    code = (
        "import sys, relay.cli, relay.server; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'mss', 'pynput',"
        " 'numpy', 'PIL', 'matplotlib', 'simplejpeg', 'cryptography', 'spake2'}))"
    )
    loaded = subprocess.run(
        [str(relay_venv / "bin" / "python"), "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert loaded.strip() == "[]"
