"""The smoke test's hook: off by default; when asked, each shown code goes to a file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from citizen_fakes import CODE, OFFSCREEN

from citizen_client import testhook
from citizen_client.app import CitizenApp
from cobrowse.session.endpoint import CodeReady

pytestmark = OFFSCREEN


def test_off_unless_the_variable_is_set(
    citizen: CitizenApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(testhook.ENV, raising=False)
    assert testhook.install(citizen) is None


def test_each_shown_code_is_written_privately(
    citizen: CitizenApp, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "code.json"
    monkeypatch.setenv(testhook.ENV, str(target))
    assert testhook.install(citizen) is not None
    citizen.bridge.post(CodeReady(CODE))  # as the network thread does
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert json.loads(target.read_text())["code"] == CODE.display() == citizen.view.code
    if os.name == "posix":  # Windows keeps it in the user's own folder instead
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
