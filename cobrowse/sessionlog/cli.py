"""``cobrowse-log``: check and export the agent's session log.

    cobrowse-log verify [--db PATH] [--relay URL --agent NAME [--password-file FILE]]
    cobrowse-log export --from DATE --to DATE --format csv|json [--table sessions|events]
                        [--out FILE] [--db PATH]
    cobrowse-log purge --older-than DAYS [--include-not-uploaded] [--db PATH]

``verify --relay`` also compares each session's chain head with the one the relay
kept at upload (signing in as the agent; the password is asked for unless
``--password-file`` names a file holding it).

Exit status: 0 ok, 1 the chain is broken (or differs from the relay's), 2 usage,
file or relay error.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from cobrowse import __version__
from cobrowse.errors import ProtocolError, TransportError
from cobrowse.paths import default_session_log
from cobrowse.sessionlog import SessionLog, SessionLogError
from cobrowse.sessionlog.anchor import check_against_relay


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-31") from None


def _days(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days (1 or more)")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cobrowse-log", description="Check or export the session log."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    verify = sub.add_parser("verify", help="check the hash chain; exit 1 if broken")
    export = sub.add_parser("export", help="write sessions or events for a date range")
    purge = sub.add_parser("purge", help="delete sessions that ended more than DAYS ago")
    purge.add_argument("--older-than", dest="days", type=_days, required=True, metavar="DAYS")
    purge.add_argument(
        "--include-not-uploaded",
        action="store_true",
        help="also delete old sessions the relay's statistics never received",
    )
    verify.add_argument("--relay", default=None, help="also check against this relay's heads")
    verify.add_argument("--agent", default=None, help="agent name to sign in with (--relay)")
    verify.add_argument("--password-file", type=Path, default=None)
    for p in (verify, export, purge):
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


def _verify(log: SessionLog, args: argparse.Namespace, out: TextIO) -> int:
    result = log.verify()
    if result.ok:
        print(f"ok: {result.message}", file=out)
        return _verify_relay(log, args, out) if args.relay else 0
    if result.first_bad_seq is not None:
        print(f"first broken link at event {result.first_bad_seq}: {result.message}", file=out)
    else:
        print(f"log check failed: {result.message}", file=out)
    return 1


def _verify_relay(log: SessionLog, args: argparse.Namespace, out: TextIO) -> int:
    if not args.agent:
        print("cobrowse-log: --relay needs --agent NAME", file=sys.stderr)
        return 2
    if args.password_file is not None:
        password = args.password_file.read_text(encoding="utf-8").rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.agent}: ")
    check = check_against_relay(log, args.relay, args.agent, password)
    for sid in check.rewritten:
        print(f"session {sid}: its chain head differs from the relay's (rewritten)", file=out)
    if check.anchor_ok is False:
        print("the purge anchor differs from the relay's head for its session", file=out)
    print(
        f"{'ok' if check.ok else 'REWRITTEN'}: {check.matched} session(s) match the relay, "
        f"{len(check.rewritten)} differ, {len(check.not_anchored)} not anchored yet",
        file=out,
    )
    return 0 if check.ok else 1


def _purge(log: SessionLog, days: int, everything: bool, out: TextIO) -> int:
    result = log.purge(timedelta(days=days), keep_not_uploaded=not everything)
    print(
        f"purged {result.sessions} session(s) ({result.events} events) "
        f"that ended more than {days} days ago",
        file=out,
    )
    if result.not_uploaded:
        print(
            f"kept {result.not_uploaded} old session(s) not yet uploaded to the relay "
            "(and everything after them); --include-not-uploaded deletes them too",
            file=out,
        )
    return 0


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
                return _verify(log, args, out)
            if args.command == "purge":
                return _purge(log, args.days, args.include_not_uploaded, out)
            return _export(log, args, out)
    except (SessionLogError, OSError, TransportError, ProtocolError) as exc:
        print(f"cobrowse-log: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
