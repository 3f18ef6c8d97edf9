"""Contact records: one row per session, as a municipality documents its contacts.

:func:`contact_records` turns the stored sessions of a date range (Copenhagen
local dates) and, optionally, one municipality into plain records with the
fields in :data:`FIELDS`; :func:`write_csv` and :func:`to_json` write them out.
A record holds only metadata the relay already keeps: no notes, nothing a
citizen typed, no screen content, no CPR number (uploads are masked on arrival,
relay/_stats_validate.py).

Who may read what (:func:`scope`): an admin any municipality or all of them, a
supervisor their own municipality only, an agent none.  A contact's
municipality is the citizen's when the agent recorded it, else the agent's
(relay.stats.PLACE).  Callers audit every export (``contacts_export``).
"""

from __future__ import annotations

import csv
import getpass
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from cobrowse.errors import CobrowseError
from cobrowse.sessionlog.export import csv_cell
from relay.accounts import Account
from relay.audit import AuditLog
from relay.stats import COPENHAGEN, StatsStore, StoredSession

FORMAT = "cobrowse-contacts/1"
FIELDS = (
    "session_id",
    "channel",
    "municipality",
    "agent_municipality",
    "topic",
    "kle",
    "checklist",
    "step_reached",
    "steps_total",
    "started_at",
    "duration_s",
    "outcome",
    "agent",
    "driven_by",
    "agent_s",
    "citizen_s",
)
FORMATS = ("csv", "json")
ALL = "*"
"""``municipality`` in the audit line of an export of every municipality."""


@dataclass(frozen=True, slots=True)
class Period:
    """What an export covers: local dates (inclusive) and a municipality (None: all)."""

    date_from: date
    date_to: date
    municipality: str | None = None


class Forbidden(CobrowseError):
    """The account may not read these contact records."""

    reason = "forbidden"


def scope(account: Account, municipality: str | None) -> str | None:
    """The municipality ``account`` may export when asking for ``municipality``
    (None: all).  Raises :class:`Forbidden` for an agent, or a supervisor asking
    for another municipality or for all."""
    if account.role == "admin":
        return municipality
    if account.role == "supervisor" and municipality in (None, account.municipality):
        return account.municipality
    if account.role == "supervisor":
        raise Forbidden(f"a supervisor sees only {account.municipality}'s contacts")
    raise Forbidden("only supervisors and admins may export contact records")


def contact_records(
    store: StatsStore, date_from: date, date_to: date, municipality: str | None
) -> list[dict[str, Any]]:
    """The records of sessions started on ``date_from``..``date_to`` (inclusive)."""
    if date_to < date_from:
        raise ValueError("the end date is before the start date")
    sessions = store.sessions_between(date_from, date_to, COPENHAGEN, municipality)
    return [record(s) for s in sessions]


def record(s: StoredSession) -> dict[str, Any]:
    """One session as a contact record (start in Copenhagen time, seconds rounded)."""
    return {
        "session_id": s.session_id,
        "channel": s.channel,
        "municipality": s.municipality,
        "agent_municipality": s.agent_municipality,
        "topic": s.topic,
        "kle": s.kle,
        "checklist": s.checklist,
        "step_reached": s.step_reached,
        "steps_total": s.steps_total,
        "started_at": s.started_at.astimezone(COPENHAGEN).isoformat(timespec="seconds"),
        "duration_s": round(s.duration_s, 1),
        "outcome": s.outcome,
        "agent": s.agent,
        "driven_by": _driven_by(s),
        "agent_s": round(s.agent_s, 1),
        "citizen_s": round(s.citizen_s, 1),
    }


def _driven_by(s: StoredSession) -> str:
    """``citizen`` (the agent never took control), ``agent`` (the agent had control
    all along) or ``both``."""
    if s.agent_s <= 0:
        return "citizen"
    return "agent" if s.citizen_s <= 0 else "both"


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write one row per record under a header; returns the number of rows.
    Text that would start a spreadsheet formula is defused (``csv_cell``)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    rows = 0
    for r in records:
        writer.writerow(["" if r[f] is None else csv_cell(r[f]) for f in FIELDS])
        rows += 1
    return rows


def to_json(
    records: list[dict[str, Any]], date_from: date, date_to: date, municipality: str | None
) -> str:
    """The records with what was asked for, as one JSON document."""
    doc = {
        "format": FORMAT,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "municipality": municipality,
        "contacts": records,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def export_main(
    location: Path | str, period: Period, fmt: str, out: TextIO, audit: AuditLog
) -> int:
    """``cobrowse-relay contacts``: write the period's records to ``out`` as ``fmt``
    (csv or json) and audit the export under the OS user; returns the row count."""
    with StatsStore(location) as store:
        records = contact_records(store, period.date_from, period.date_to, period.municipality)
    if fmt == "csv":
        write_csv(records, out)
    else:
        out.write(to_json(records, period.date_from, period.date_to, period.municipality))
    audit.write(
        "contacts_export",
        operator=getpass.getuser(),
        role="operator",
        municipality=period.municipality or ALL,
        date_from=period.date_from.isoformat(),
        date_to=period.date_to.isoformat(),
        format=fmt,
        rows=len(records),
        via="cli",
    )
    return len(records)
