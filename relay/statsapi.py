"""Statistics over the agent's connection: session uploads and the hotline report.

``stats_upload`` stores each session with :class:`~relay.stats.StatsStore` under the
signed-in account; ``stats_request`` builds the report for supervisors and admins.
The database work runs in a worker thread (``asyncio.to_thread``), never on the
relay's event loop.  Both return the message to send back (docs/protocol.md §1).
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import date
from typing import Any

from relay._stats_validate import check_municipality
from relay.accounts import Account
from relay.audit import AuditLog
from relay.contacts import ALL, Forbidden, contact_records, scope
from relay.db import DatabaseError
from relay.report import build_report, report_to_dict
from relay.stats import StatsStore

log = logging.getLogger(__name__)
STATS_ROLES = ("supervisor", "admin")
_MAX_REASON = 200
MAX_REPORT = 96 * 1024
"""Largest ``stats`` message: well under what an agent accepts (128 KiB)."""
_LONG_TABLES = ("per_topic", "per_municipality")
_CHECKLIST_TABLES = ("checklist_stops", "stuck")
OTHERS = "(andre)"
UNAVAILABLE = "The statistics database cannot be reached; try again later."
CONTACTS = "contacts_request"
CONTACTS_PAGE = 100
"""Contact records per ``contacts`` message: at most ~750 bytes each, under MAX_REPORT."""


class StatsService:
    """Upload and report handling on top of one :class:`StatsStore`."""

    def __init__(self, store: StatsStore, audit: AuditLog) -> None:
        self.store, self.audit = store, audit

    async def upload(self, account: Account, sessions: list[dict[str, Any]]) -> dict[str, Any]:
        """Store ``sessions``; the ``stats_stored`` answer lists stored and rejected ids."""
        stored, rejected = await asyncio.to_thread(self._store_all, account, sessions)
        self.audit.write(
            "stats_upload",
            agent=account.name,
            municipality=account.municipality,
            stored=len(stored),
            rejected=len(rejected),
        )
        return {"type": "stats_stored", "session_ids": stored, "rejected": rejected}

    def refuse_upload(self, account: Account, sessions: list[dict[str, Any]]) -> dict[str, Any]:
        """The ``stats_stored`` answer for an upload over the account's rate: every
        session rejected as ``rate_limited`` (nothing stored, the app retries later)."""
        self.audit.write(
            "stats_upload",
            agent=account.name,
            municipality=account.municipality,
            stored=0,
            rejected=len(sessions),
            reason="rate_limited",
        )
        rejected = [{"session_id": _session_id(p), "reason": "rate_limited"} for p in sessions]
        return {"type": "stats_stored", "session_ids": [], "rejected": rejected}

    def _store_all(
        self, account: Account, sessions: list[dict[str, Any]]
    ) -> tuple[list[str], list[dict[str, Any]]]:
        stored: list[str] = []
        rejected: list[dict[str, Any]] = []
        for payload in sessions:
            sid = _session_id(payload)
            try:
                check_municipality(payload, account.municipality)
                self.store.store_upload(payload, account.name)
            except ValueError as exc:
                rejected.append({"session_id": sid, "reason": str(exc)[:_MAX_REASON]})
                continue
            except DatabaseError:
                log.exception("storing an uploaded session failed")
                rejected.append({"session_id": sid, "reason": "unavailable"})
                continue
            assert sid is not None  # a valid upload has a string session_id
            stored.append(sid)
        return stored, rejected

    async def report(self, account: Account, date_from: date, date_to: date) -> dict[str, Any]:
        """The ``stats`` answer, or an ``error`` (forbidden role, reversed range)."""
        if account.role not in STATS_ROLES:
            return _error(
                "forbidden", "Only supervisors and admins may read the hotline's statistics."
            )
        if date_to < date_from:
            return _error("bad_range", "The end date is before the start date.")
        try:
            report = await asyncio.to_thread(build_report, self.store, date_from, date_to)
        except DatabaseError:
            log.exception("reading the statistics failed")
            return _error("unavailable", UNAVAILABLE)
        self.audit.write(
            "stats_read",
            agent=account.name,
            municipality=account.municipality,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
        )
        return {"type": "stats", "report": fit_report(report_to_dict(report))}

    async def contacts(
        self,
        account: Account,
        date_from: date,
        date_to: date,
        municipality: str | None,
        offset: int = 0,
    ) -> dict[str, Any]:
        """One page of contact records (the ``contacts`` answer), or an ``error``;
        a supervisor gets their own municipality's only.  Every page is audited."""
        try:
            place = scope(account, municipality)
        except Forbidden as exc:
            return _error("forbidden", str(exc), CONTACTS)
        if date_to < date_from:
            return _error("bad_range", "The end date is before the start date.", CONTACTS)
        try:
            records = await asyncio.to_thread(
                contact_records, self.store, date_from, date_to, place
            )
        except DatabaseError:
            log.exception("reading the contact records failed")
            return _error("unavailable", UNAVAILABLE, CONTACTS)
        page = records[offset : offset + CONTACTS_PAGE]
        self.audit.write(
            "contacts_export",
            agent=account.name,
            role=account.role,
            municipality=place or ALL,
            date_from=date_from.isoformat(),
            date_to=date_to.isoformat(),
            format="json",
            rows=len(page),
            via="relay",
        )
        return _contacts_page(place, records, offset, page)


def _contacts_page(
    place: str | None, records: list[dict[str, Any]], offset: int, page: list[dict[str, Any]]
) -> dict[str, Any]:
    following = offset + len(page)
    return {
        "type": "contacts",
        "municipality": place,
        "total": len(records),
        "offset": offset,
        "next_offset": following if following < len(records) else None,
        "contacts": page,
    }


def fit_report(report: dict[str, Any], limit: int = MAX_REPORT) -> dict[str, Any]:
    """``report`` small enough to send: while too big, keep fewer of the long tables'
    rows (the busiest; the rest summed as ``(andre)``) and checklists, and say so
    with ``"trimmed": true``.  Totals and every other figure stay exact."""
    keep = max(len(report[t]) for t in _LONG_TABLES)
    keep = max(keep, len(report["checklist_stops"]), len(report.get("stuck", ())))
    fitted = report
    while len(json.dumps({"type": "stats", "report": fitted}).encode()) > limit and keep > 1:
        keep //= 2
        fitted = dict(report, trimmed=True)
        for table in _LONG_TABLES:
            fitted[table] = _top(report[table], keep)
        for table in _CHECKLIST_TABLES:
            fitted[table] = _busiest(report.get(table, []), keep)
    return fitted


def _busiest(rows: list[dict[str, Any]], keep: int) -> list[dict[str, Any]]:
    """The ``keep`` checklists with the most sessions."""
    return sorted(rows, key=lambda row: -row["sessions"])[:keep]


def _top(table: dict[str, int], keep: int) -> dict[str, int]:
    """The first ``keep`` rows of a ranked table and the others summed."""
    rows = list(table.items())
    if len(rows) <= keep:
        return table
    top = dict(rows[: keep - 1])
    top[OTHERS] = sum(n for _, n in rows[keep - 1 :])
    return top


def _session_id(payload: dict[str, Any]) -> str | None:
    session = payload.get("session")
    sid = session.get("session_id") if isinstance(session, dict) else None
    return sid[:64] if isinstance(sid, str) else None


def _error(reason: str, message: str, request: str = "stats_request") -> dict[str, Any]:
    return {"type": "error", "request": request, "reason": reason, "message": message}
