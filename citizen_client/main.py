"""``cobrowse-citizen``: the citizen's one-window support client.

    cobrowse-citizen [--relay URL] [--lang da|en] [--config FILE]

Settings come from ``citizen.toml`` next to the program; the options override
them.  A missing or broken settings file is explained in the window itself.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from citizen_client import style
from citizen_client.app import CitizenApp
from citizen_client.config import load
from citizen_client.devices import Devices
from citizen_client.view import View
from cobrowse import __version__, platform
from cobrowse.errors import ConfigError
from cobrowse.session.endpoint import CitizenEndpoint

log = logging.getLogger("citizen_client")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cobrowse-citizen", description="Get help with your computer."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--relay", help="relay URL, e.g. wss://relay.example.dk/v1")
    parser.add_argument("--lang", choices=("da", "en"), help="language of the window")
    parser.add_argument(
        "--config", type=Path, help="settings file (default: citizen.toml next to the program)"
    )
    return parser.parse_args(argv)


def build(
    args: argparse.Namespace, devices: Devices | None = None
) -> tuple[CitizenApp | None, View | None]:
    """The app, or (when the settings are broken) a window that says so."""
    try:
        config = load(args.config, relay=args.relay, lang=args.lang)
    except ConfigError as exc:
        log.error("settings problem: %s", exc)
        view = View(args.lang or "da")
        view.config_problem(str(exc))
        view.window.status.action.clicked.connect(view.window.close)
        view.window.show()
        return None, view
    app = CitizenApp(config, CitizenEndpoint, devices or Devices.system())
    return app, app.view


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    args = parse_args(argv)
    platform.current().dpi_aware()  # Windows: per-monitor DPI, before any window
    qt = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qt, QApplication)
    qt.setApplicationName("cobrowse-citizen")
    style.apply(qt)
    app, _view = build(args)
    if app is not None:
        app.start()
    return qt.exec()


if __name__ == "__main__":
    sys.exit(main())
