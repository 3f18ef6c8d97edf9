"""Metadata audit log: one JSON object per line at ``DATA_DIR/audit.jsonl``.

Only the fields listed in :data:`FIELDS` are ever written, so a password, the
secret part of a code, a resume token or session content cannot slip into the
log by accident: anything else passed in is dropped.  Each line is flushed as it
is written.  If the file is moved away or deleted (logrotate's default ``create``
mode), the next line goes to a new file at the same path, as with
:class:`logging.handlers.WatchedFileHandler`; no restart or signal is needed.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

FIELDS = frozenset(
    {
        "agent",
        "municipality",
        "role",
        "nameplate",
        "outcome",
        "reason",
        "addr",
        "bytes_citizen_to_agent",
        "bytes_agent_to_citizen",
        "duration",
        "started",
        "stored",
        "rejected",
        "date_from",
        "date_to",
        "operator",  # the OS user who ran a cobrowse-relay command
        "format",
        "rows",
        "via",
    }
)


def iso(stamp: float) -> str:
    """``stamp`` (seconds since the epoch) as an ISO 8601 UTC string."""
    return datetime.fromtimestamp(stamp, UTC).isoformat(timespec="milliseconds")


class AuditLog:
    """Append-only JSON-lines writer; safe to call from several threads."""

    def __init__(self, path: Path | str, wallclock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.wallclock = wallclock
        self._lock = threading.Lock()
        self._file: IO[str] | None = None

    def write(self, event: str, **fields: object) -> None:
        """Append one line ``{"time": ..., "event": event, <allowed fields>}``."""
        line: dict[str, object] = {"time": iso(self.wallclock()), "event": event}
        line.update((k, v) for k, v in fields.items() if k in FIELDS and v is not None)
        text = json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n"
        with self._lock:
            try:
                if self._file is not None and self._rotated(self._file):
                    self._file.close()
                    self._file = None
                if self._file is None:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    self._file = self.path.open("a", encoding="utf-8")
                self._file.write(text)
                self._file.flush()
            except OSError as exc:  # the relay keeps serving; operators see the log
                log.error("cannot write audit log %s: %s", self.path, exc.strerror)

    def _rotated(self, file: IO[str]) -> bool:
        """True if ``path`` no longer names the file we hold open."""
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return True
        held = os.fstat(file.fileno())
        return (now.st_dev, now.st_ino) != (held.st_dev, held.st_ino)

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
