"""Where the agent app keeps its files on each platform."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

APP_NAME = "cobrowse"


def user_data_dir(
    env: Mapping[str, str] | None = None, platform: str | None = None, home: Path | None = None
) -> Path:
    """The per-user data folder: ``$XDG_DATA_HOME/cobrowse`` (default
    ``~/.local/share/cobrowse``) on Linux, ``%APPDATA%\\cobrowse`` on Windows and
    ``~/Library/Application Support/cobrowse`` on macOS. The folder is not created.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform.startswith("win"):
        base = Path(env["APPDATA"]) if env.get("APPDATA") else home / "AppData" / "Roaming"
    elif platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / APP_NAME


def default_session_log(env: Mapping[str, str] | None = None) -> Path:
    """The agent app's session log: ``<user data dir>/sessions.db``."""
    return user_data_dir(env) / "sessions.db"
