"""*Eksportér kontakter*: every contact record of a period fetched page by page and
written to one CSV or JSON file, off the Qt thread.

The window only knows a *contacts fetcher*: ``fetch(date_from, date_to,
municipality, offset)`` returns a ``concurrent.futures.Future`` of one
``contacts`` message (``AgentEndpoint.request_contacts`` fits; docs/protocol.md
§1).  :func:`start_export` runs the whole export on a worker thread and returns a
future of the number of records written; the worker never touches a widget.  The
file appears only when every page arrived and was written (a temporary file next
to it is renamed over it), so a failed export leaves no half file behind and
never overwrites an earlier export with a part of one.
"""

from __future__ import annotations

import concurrent.futures
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cobrowse.contactfile import to_json, write_csv

ContactsFetcher = Callable[
    [date, date, str | None, int], "concurrent.futures.Future[dict[str, Any]]"
]
PAGE_TIMEOUT = 60.0
"""Seconds to wait for one page of records before the export gives up."""
MAX_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class Export:
    """What to export: local dates (inclusive), a municipality (None: all), a
    format (``csv`` or ``json``) and the file to write."""

    date_from: date
    date_to: date
    municipality: str | None
    fmt: str
    path: Path


def start_export(fetch: ContactsFetcher, job: Export) -> concurrent.futures.Future[int]:
    """Run ``job`` on a worker thread; the future resolves to the records written
    or fails with the fetcher's error (e.g. ``StatsError``) or an ``OSError``."""
    future: concurrent.futures.Future[int] = concurrent.futures.Future()

    def work() -> None:
        try:
            future.set_result(run_export(fetch, job))
        except Exception as exc:  # noqa: BLE001 - handed to the window
            future.set_exception(exc)

    threading.Thread(target=work, name="contacts-export", daemon=True).start()
    return future


def run_export(fetch: ContactsFetcher, job: Export) -> int:
    """Fetch every page, then write the file; returns the number of records."""
    records = fetch_all(fetch, job.date_from, job.date_to, job.municipality)
    write_file(job, records)
    return len(records)


def fetch_all(
    fetch: ContactsFetcher, date_from: date, date_to: date, municipality: str | None
) -> list[dict[str, Any]]:
    """Every record of the period, following ``next_offset`` (a worker thread only:
    it waits for each page).  A session seen twice (the list moved while paging,
    a new upload) is kept once."""
    records: dict[str, dict[str, Any]] = {}
    offset: int | None = 0
    for _ in range(MAX_PAGES):
        if offset is None:
            break
        page = fetch(date_from, date_to, municipality, offset).result(PAGE_TIMEOUT)
        for record in page["contacts"]:
            records.setdefault(str(record.get("session_id")), record)
        offset = page.get("next_offset")
    return list(records.values())


def write_file(job: Export, records: list[dict[str, Any]]) -> None:
    """Write ``records`` to ``job.path`` all at once (temporary file, then rename)."""
    folder = job.path.parent
    handle, temporary = tempfile.mkstemp(prefix=".kontakter-", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            if job.fmt == "csv":
                write_csv(records, out)
            else:
                out.write(to_json(records, job.date_from, job.date_to, job.municipality))
        os.replace(temporary, job.path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def suggested_name(job_from: date, job_to: date, municipality: str | None, fmt: str) -> str:
    """A file name that says what is in it: ``kontakter-Ballerup-2024-03-01-2024-03-31.csv``."""
    place = (municipality or "alle").replace(" ", "_").replace("/", "_")
    return f"kontakter-{place}-{job_from.isoformat()}-{job_to.isoformat()}.{fmt}"
