"""``cobrowse-agent``: the agent app's command line."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from agent_app.app import AgentApp
from cobrowse import __version__, platform
from cobrowse.paths import default_session_log, user_data_dir
from qtlang import LANGUAGES, install


def language(settings: QSettings) -> str:
    """The agent's language: the ``language`` setting (``--lang`` stores it), else Danish."""
    lang = str(settings.value("language", "da"))
    return lang if lang in LANGUAGES else "da"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cobrowse-agent", description="Digital hjælp – agent-programmet"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--relay", default="", help="relay URL, e.g. wss://relay.kommune.dk/v1")
    parser.add_argument("--name", default="", help="your agent name (pre-filled)")
    parser.add_argument(
        "--checklists",
        type=Path,
        default=user_data_dir() / "checklists",
        help="the hotline's folder of extra checklists (*.toml)",
    )
    parser.add_argument(
        "--log", type=Path, default=default_session_log(), help="the session log file (SQLite)"
    )
    parser.add_argument(
        "--retention-days",
        type=int,
        default=None,
        help="keep ended sessions in the log this many days (remembered; default 90)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the window (remembered; default Danish)",
    )
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.retention_days is not None and args.retention_days < 1:
        parser.error("--retention-days must be 1 or more")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    platform.current().dpi_aware()  # Windows: per-monitor DPI, before any window
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("cobrowse-agent")
    app.setOrganizationName("cobrowse")
    settings = QSettings()
    if args.retention_days is not None:
        settings.setValue("retention_days", args.retention_days)
    if args.lang:
        settings.setValue("language", args.lang)
    install("agent", language(settings))
    agent = AgentApp(settings, args.log, args.checklists, args.relay, args.name)
    for problem in agent.catalogue.problems:
        logging.getLogger("agent_app").warning("checklist skipped: %s", problem)
    agent.start()
    code = app.exec()
    agent.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
