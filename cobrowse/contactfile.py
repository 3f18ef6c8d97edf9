"""Contact records as files: the CSV and JSON written by ``cobrowse-relay contacts``
and by the agent app's *Eksportér kontakter* (docs/statistics.md).

A record is one session as a municipality documents a contact (relay/contacts.py
makes them); the fields are :data:`FIELDS`, in that order.  Both writers live
here, Qt-free and relay-free, so the relay's command and the supervisor's export
write the same columns and the same document.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import date
from typing import Any, TextIO

from cobrowse.sessionlog.export import csv_cell

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


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write one row per record under a header; returns the number of rows.
    Text that would start a spreadsheet formula is defused (``csv_cell``); a
    field a record lacks is left empty."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    rows = 0
    for r in records:
        writer.writerow(["" if r.get(f) is None else csv_cell(r[f]) for f in FIELDS])
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
