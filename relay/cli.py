"""``cobrowse-relay``: run the relay and manage agent accounts.

Every subcommand accepts ``--data-dir`` (default ``$COBROWSE_RELAY_DATA`` or
``./cobrowse-relay-data``) and ``--config``.  Errors print one line and exit
non-zero; there are no tracebacks for things an operator can fix.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import getpass
import logging
import os
import signal
import sqlite3
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from cobrowse import __version__
from cobrowse.errors import CobrowseError
from relay.accounts import ROLES, AccountStore, generate_password
from relay.audit import AuditLog
from relay.config import DEFAULT_DATA_DIR, RelayConfig, check_serve_config, load_config
from relay.contacts import FORMATS, Period, export_main
from relay.guard import raise_fd_limit
from relay.guides import publish_main
from relay.messages import parse_date
from relay.report import report_main
from relay.server import Relay
from relay.statscopy import copy_stats

PROG = "cobrowse-relay"


class CliError(CobrowseError):
    """Something the operator can fix; printed as one line."""


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error already printed by argparse
        return int(exc.code or 0)
    command: Callable[[argparse.Namespace], int] = args.func
    try:
        return command(args)
    except (CobrowseError, sqlite3.Error) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
    except OSError as exc:
        print(
            f"{PROG}: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        return 130
    return 1


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        help="folder with relay.db and audit.jsonl "
        "(default: $COBROWSE_RELAY_DATA or ./cobrowse-relay-data)",
    )
    common.add_argument("--config", type=Path, help="relay.toml with server settings")
    parser = argparse.ArgumentParser(prog=PROG, description="The cobrowse relay.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, func: Callable[[argparse.Namespace], int], text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(func=func)
        return p

    serve = command("serve", _serve, "run the relay")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="TCP port (default 8765; 0 picks one)")
    serve.add_argument(
        "--dev", action="store_true", help="plain ws without TLS; only on a loopback address"
    )
    add = command("add-agent", _add_agent, "create an agent account")
    add.add_argument("name", help="login name, e.g. anna.jensen")
    add.add_argument("--municipality", required=True)
    add.add_argument("--display-name", help='name the citizen sees, e.g. "Anna Jensen"')
    add.add_argument("--role", choices=ROLES, default="agent")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of generating one",
    )
    command("list-agents", _list_agents, "list agent accounts")
    for name, func, text in (
        ("disable-agent", _disable, "disable an account"),
        ("enable-agent", _enable, "enable a disabled account"),
    ):
        command(name, func, text).add_argument("name")
    role = command("set-role", _set_role, "change an account's role")
    role.add_argument("name")
    role.add_argument("role", choices=ROLES)
    reset = command("reset-password", _reset_password, "give an account a new password")
    reset.add_argument("name")
    reset.add_argument("--password-stdin", action="store_true")
    report = command("report", _report, "hotline statistics for a date range")
    _period_arguments(report)
    report.add_argument("--municipality", help="only this municipality's contacts")
    report.add_argument(
        "--html", type=Path, metavar="FILE", help="also write a printable HTML report with charts"
    )
    report.add_argument(
        "--csv", type=Path, metavar="FILE", help="also write the figures as section,key,value rows"
    )
    contacts = command(
        "contacts", _contacts, "contact records, one per session (audited in audit.jsonl)"
    )
    _period_arguments(contacts)
    contacts.add_argument("--municipality", help="only this municipality's contacts")
    contacts.add_argument("--format", choices=FORMATS, default="csv")
    contacts.add_argument("--out", type=Path, metavar="FILE", help="default: standard output")
    copy = command(
        "copy-stats",
        _copy_stats,
        "copy the statistics from stats.db into a PostgreSQL database (all or nothing)",
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="the target, e.g. postgresql://cobrowse@db/cobrowse",
    )
    copy.add_argument(
        "--from",
        dest="source",
        type=Path,
        metavar="FILE",
        help="the SQLite statistics file (default: stats.db in the data folder)",
    )
    copy.add_argument(
        "--dry-run", action="store_true", help="say what would be copied; write nothing"
    )
    guides = command(
        "publish-guides", _publish_guides, "write the checklists' citizen texts as web pages"
    )
    guides.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write")
    guides.add_argument(
        "--checklists",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="the hotline's own checklist folder (repeatable; adds to and replaces defaults)",
    )
    return parser


def _period_arguments(p: argparse.ArgumentParser) -> None:
    for flag, dest, text in (
        ("--from", "date_from", "first day, YYYY-MM-DD (Copenhagen local date)"),
        ("--to", "date_to", "last day, YYYY-MM-DD (inclusive)"),
    ):
        p.add_argument(flag, dest=dest, type=_date, required=True, metavar="DATE", help=text)


def _date(text: str) -> date:
    try:
        return parse_date(text)
    except CobrowseError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2024-03-01") from None


def _config(args: argparse.Namespace) -> RelayConfig:
    """Defaults < $COBROWSE_RELAY_DATA < config file < command-line flags."""
    env = os.environ.get("COBROWSE_RELAY_DATA")
    config = RelayConfig(data_dir=Path(env) if env else DEFAULT_DATA_DIR)
    if args.config is not None:
        config = load_config(args.config, config)
    if args.data_dir is not None:
        config = config.replace(data_dir=args.data_dir)
    return config


def _store(args: argparse.Namespace, create: bool = False) -> AccountStore:
    path = _config(args).data_dir / "relay.db"
    if not create and not path.exists():
        raise CliError(f"no relay data at {path} (wrong --data-dir? add an agent first)")
    return AccountStore(path)


def _serve(args: argparse.Namespace) -> int:
    config = _config(args)
    overrides = {"host": args.host, "port": args.port, "dev": args.dev or None}
    config = config.replace(**{k: v for k, v in overrides.items() if v is not None})
    check_serve_config(config)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("websockets").setLevel(logging.WARNING)
    raise_fd_limit()
    try:
        asyncio.run(_run(config))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise CliError(f"port {config.port} on {config.host} is already in use") from None
        raise CliError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}"
        ) from None
    return 0


async def _run(config: RelayConfig) -> None:
    relay = Relay(config)
    await relay.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C still works
            loop.add_signal_handler(sig, stop.set)
    if hasattr(signal, "SIGHUP"):  # systemctl reload: new TLS certificate, sessions stay
        loop.add_signal_handler(signal.SIGHUP, relay.reload_tls)
    # only now: a SIGTERM from whoever waits for this line stops the relay cleanly
    print(f"cobrowse relay listening on {relay.url} (data in {config.data_dir})", flush=True)
    try:
        await stop.wait()
    finally:
        await relay.stop()


def _add_agent(args: argparse.Namespace) -> int:
    password = _read_password() if args.password_stdin else generate_password()
    account = _store(args, create=True).add(
        args.name, args.display_name or args.name, args.municipality, password, args.role
    )
    print(
        f"Created {account.role} {account.name} ({account.display_name}, {account.municipality})."
    )
    if not args.password_stdin:
        _show_password(account.name, password)
    return 0


def _list_agents(args: argparse.Namespace) -> int:
    accounts = _store(args).list()
    if not accounts:
        print(f"No agents yet. Add one with: {PROG} add-agent NAME --municipality M")
        return 0
    rows = [("NAME", "DISPLAY NAME", "MUNICIPALITY", "ROLE", "STATUS", "CREATED")]
    rows += [
        (
            a.name,
            a.display_name,
            a.municipality,
            a.role,
            "disabled" if a.disabled else "active",
            a.created,
        )
        for a in accounts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _disable(args: argparse.Namespace) -> int:
    _store(args).disable(args.name)
    print(f"Disabled {args.name}; they can no longer log in.")
    return 0


def _enable(args: argparse.Namespace) -> int:
    _store(args).enable(args.name)
    print(f"Enabled {args.name}.")
    return 0


def _set_role(args: argparse.Namespace) -> int:
    _store(args).set_role(args.name, args.role)
    print(f"{args.name} is now {args.role}.")
    return 0


def _reset_password(args: argparse.Namespace) -> int:
    store = _store(args)
    password = _read_password() if args.password_stdin else generate_password()
    store.set_password(args.name, password)
    print(f"New password set for {args.name}.")
    if not args.password_stdin:
        _show_password(args.name, password)
    return 0


def _report(args: argparse.Namespace) -> int:
    if args.date_to < args.date_from:
        raise CliError(f"--to {args.date_to} is before --from {args.date_from}")
    path = _stats_location(args)
    for out in (args.html, args.csv):
        if out is not None and not out.parent.is_dir():
            raise CliError(f"cannot write {out}: folder {out.parent} does not exist")
    try:
        text = report_main(
            path, args.date_from, args.date_to, args.html, args.csv, args.municipality
        )
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(text, end="")
    for label, out in (("HTML", args.html), ("CSV", args.csv)):
        if out is not None:
            print(f"{label} report written to {out}")
    return 0


def _contacts(args: argparse.Namespace) -> int:
    if args.date_to < args.date_from:
        raise CliError(f"--to {args.date_to} is before --from {args.date_from}")
    if args.out is not None and not args.out.parent.is_dir():
        raise CliError(f"cannot write {args.out}: folder {args.out.parent} does not exist")
    location, config = _stats_location(args), _config(args)
    period = Period(args.date_from, args.date_to, args.municipality)
    audit = AuditLog(config.data_dir / "audit.jsonl")
    try:
        with contextlib.ExitStack() as stack:
            out = sys.stdout
            if args.out is not None:
                out = stack.enter_context(args.out.open("w", encoding="utf-8", newline=""))
            rows = export_main(location, period, args.format, out, audit)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    finally:
        audit.close()
    if args.out is not None:
        print(f"{rows} contact records written to {args.out}", file=sys.stderr)
    return 0


def _stats_location(args: argparse.Namespace) -> Path | str:
    """The configured statistics database; a SQLite file must exist already."""
    location = _config(args).stats_location
    if isinstance(location, Path) and not location.exists():
        raise CliError(
            f"no statistics at {location} (wrong --data-dir? the relay creates it "
            "when it first runs, agents' apps fill it)"
        )
    return location


def _copy_stats(args: argparse.Namespace) -> int:
    config = _config(args)
    source = args.source or config.data_dir / "stats.db"
    try:
        summary = copy_stats(source, args.to, dry_run=args.dry_run)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    print(summary.text(), end="")
    if not args.dry_run:
        audit = AuditLog(config.data_dir / "audit.jsonl")
        audit.write(
            "stats_copy",
            operator=getpass.getuser(),
            rows=summary.copied["stat_sessions"],
            via="cli",
        )
        audit.close()
        print("Next: point [stats] database in relay.toml at this database; restart the relay.")
    return 0


def _publish_guides(args: argparse.Namespace) -> int:
    for folder in args.checklists:
        if not folder.is_dir():
            raise CliError(f"checklist folder {folder} does not exist")
    print(publish_main(args.out, args.checklists), end="")
    return 0


def _read_password() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CliError("no password on standard input")
    return password


def _show_password(name: str, password: str) -> None:
    print(f"One-time password for {name} (shown only now; hand it over in person):")
    print(f"  {password}")
