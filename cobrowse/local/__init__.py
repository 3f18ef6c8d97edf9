"""``cobrowse-local``: the whole product on one PC - a relay, a citizen's PC, an agent app.

With a display, the citizen's PC is a window of its own (Xephyr, a nested X
display with a window manager) showing a practice self-service form and the
citizen client; the agent app opens on your own screen, already signed in to a
demo account.  Read the code in the citizen's window, type it in the agent app,
and practise: point, ask for control, type into the form, tick the checklist,
end (:mod:`cobrowse.local.nested`).

With ``--headless`` (or no display at all) the same session runs on Xvfb, plays a
short scripted guidance and writes screenshots of both apps and the session-log
summary to a folder it names (:mod:`cobrowse.local.headless`).

Every process it starts is stopped when it ends - on Ctrl+C, SIGTERM, SIGHUP, or
a closed window - and dies with it even on SIGKILL (:mod:`cobrowse.local.children`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

from cobrowse import __version__
from cobrowse.local.children import Children, Stopped, stop_on_signals

NEEDS = ("Xvfb", "openbox", "chromium", "xdotool", "setxkbmap")


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "cobrowse" / "local"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cobrowse-local",
        description="The whole product on this PC: a relay, a citizen's PC with a practice "
        "form, and the agent app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--headless",
        action="store_true",
        help="no windows: play a scripted session on Xvfb and save screenshots",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for the screenshots and summary (--headless; default: a new "
        "folder under the data folder)",
    )
    parser.add_argument("--data-dir", type=Path, default=default_data_dir())
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(f"cobrowse-local: {text}", flush=True)


def missing_tools(headless: bool) -> list[str]:
    needs = [*NEEDS, *(() if headless else ("Xephyr", "xkbcomp"))]
    return [tool for tool in needs if shutil.which(tool) is None]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    headless = args.headless or not os.environ.get("DISPLAY")
    if not args.headless and headless:
        say("no display here (DISPLAY is not set): playing the session headless")
    missing = missing_tools(headless)
    if missing:
        say(f"missing: {', '.join(missing)} - run 'bash scripts/setup.sh' as root")
        return 2
    stop_on_signals()
    children = Children()
    try:
        if headless:
            return _headless(args, children)
        from cobrowse.local.nested import run as run_nested

        return int(run_nested(args.data_dir, children, say))
    except (KeyboardInterrupt, Stopped) as why:
        say(f"stopping ({why or 'Ctrl+C'})")
        return 130 if isinstance(why, KeyboardInterrupt) else 143
    finally:
        children.close()


def _headless(args: argparse.Namespace, children: Children) -> int:
    from cobrowse.local.driven import DriveError
    from cobrowse.local.headless import run as run_headless

    stamp = datetime.now().strftime("%Y-%m-%d-%H%M%S")
    out = (args.out or args.data_dir / "demo" / stamp).resolve()
    say(f"screenshots and summary go to {out}")
    try:
        summary = run_headless(out, children, say)
    except DriveError as exc:
        say(f"the practice session stopped: {exc}")
        return 1
    say(f"done - summary: {summary}")
    say(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
