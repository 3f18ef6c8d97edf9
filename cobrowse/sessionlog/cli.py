"""``cobrowse-log``: check and export the agent's session log.

    cobrowse-log verify [--db PATH]
    cobrowse-log export --from DATE --to DATE --format csv|json [--table sessions|events]
                        [--out FILE] [--db PATH]

Exit status: 0 ok, 1 the chain is broken, 2 usage or file error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from cobrowse.paths import default_session_log
from cobrowse.sessionlog import SessionLog, SessionLogError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-31") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cobrowse-log", description="Check or export the session log."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="check the hash chain; exit 1 if broken")
    export = sub.add_parser("export", help="write sessions or events for a date range")
    for p in (verify, export):
        p.add_argument(
            "--db", type=Path, default=None, help=f"session log (default {default_session_log()})"
        )
    export.add_argument("--from", dest="date_from", type=_date, required=True)
    export.add_argument("--to", dest="date_to", type=_date, required=True)
    export.add_argument("--format", choices=("csv", "json"), required=True)
    export.add_argument(
        "--table",
        choices=("sessions", "events"),
        default="sessions",
        help="which table a CSV export holds (JSON holds both)",
    )
    export.add_argument("--out", type=Path, default=None, help="output file (default stdout)")
    return parser


def _verify(log: SessionLog, out: TextIO) -> int:
    result = log.verify()
    if result.ok:
        print(f"ok: {result.message}", file=out)
        return 0
    if result.first_bad_seq is not None:
        print(f"first broken link at event {result.first_bad_seq}: {result.message}", file=out)
    else:
        print(f"log check failed: {result.message}", file=out)
    return 1


def _export(log: SessionLog, args: argparse.Namespace, out: TextIO) -> int:
    if args.date_to < args.date_from:
        print("cobrowse-log: --to is before --from", file=sys.stderr)
        return 2
    if args.out is None:
        log.export(args.date_from, args.date_to, args.format, out, table=args.table)
        return 0
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        count = log.export(args.date_from, args.date_to, args.format, f, table=args.table)
    print(f"wrote {count} sessions to {args.out}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    out = sys.stdout if out is None else out
    try:
        with SessionLog(args.db or default_session_log(), create=False) as log:
            if args.command == "verify":
                return _verify(log, out)
            return _export(log, args, out)
    except (SessionLogError, OSError) as exc:
        print(f"cobrowse-log: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
