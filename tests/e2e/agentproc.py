"""The test's side of :mod:`agent_app.driver`: start the real agent app as a child
process, send it commands, read its screen back, SIGKILL it
(:class:`cobrowse.local.driven.DrivenApp`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cobrowse.local.driven import DrivenApp


class AgentProcess(DrivenApp):
    """``state`` is the agent's screen as last reported (see agent_app.driver.screen)."""

    def __init__(self, relay_url: str, log: Path, settings: Path) -> None:
        self.log = log
        args = [sys.executable, "-m", "agent_app.driver", "--relay", relay_url]
        args += ["--log", str(log), "--settings", str(settings)]
        super().__init__("agent app", args, dict(os.environ, QT_QPA_PLATFORM="offscreen"))
