"""Every command answers --version (IT staff and the hotline ask which one runs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from cobrowse import __version__


def _mains() -> dict[str, Callable[..., Any]]:
    from agent_app.main import main as agent
    from citizen_client.main import main as citizen
    from cobrowse.local import main as local
    from cobrowse.sessionlog.cli import main as log
    from relay.cli import main as relay

    return {
        "cobrowse-relay": relay,
        "cobrowse-agent": agent,
        "cobrowse-citizen": citizen,
        "cobrowse-log": log,
        "cobrowse-local": local,
    }


@pytest.mark.parametrize(
    "command",
    ["cobrowse-relay", "cobrowse-agent", "cobrowse-citizen", "cobrowse-log", "cobrowse-local"],
)
def test_version(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    try:  # the relay's main returns argparse's exit status; the others exit
        status = _mains()[command](["--version"])
    except SystemExit as exited:
        status = exited.code
    assert status in (0, None)
    assert capsys.readouterr().out.strip() == f"{command} {__version__}"
