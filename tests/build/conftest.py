"""Frozen builds made once per test session (each takes a minute or more)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from frozen import ROOT, build, free_port

sys.path.insert(0, str(ROOT / "tests" / "e2e"))  # relayproc: the relay as a process

SETTINGS = """relay_url = "ws://127.0.0.1:{port}/v1"
hotline_name = "Testhotline"
opening_hours_text = "Mandag til torsdag kl. 19-22"
allowed_link_domains = ["borger.dk"]
[branding]
accent_colour = "#1b5e20"
"""


@pytest.fixture(scope="session")
def frozen_citizen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """The citizen client built with settings for a relay on a port picked now,
    copied alone into an empty folder: (program, relay port)."""
    work = tmp_path_factory.mktemp("citizen-build")
    port = free_port()
    settings = work / "hotline.toml"
    settings.write_text(SETTINGS.format(port=port), encoding="utf-8")
    built, output, seconds = build("citizen", work / "dist", "--settings", str(settings))
    print(f"citizen build: {seconds:.0f} s; {_size_line(output)}")
    alone = tmp_path_factory.mktemp("empty-folder") / built.name
    shutil.copy2(built, alone)
    return alone, port


@pytest.fixture(scope="session")
def frozen_relay(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("relay-build")
    built, output, seconds = build("relay", work / "dist")
    print(f"relay build: {seconds:.0f} s; {_size_line(output)}")
    return built


def _size_line(output: str) -> str:
    return next((line for line in output.splitlines() if line.startswith("SIZE")), "no size")
