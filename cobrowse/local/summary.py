"""The practice session's session-log summary, written next to its screenshots.

Read back from the agent app's own session log (the same file the hotline
statistics are fed from), so the summary shows what a real session leaves
behind: metadata only - who, when, how long, topic, steps, outcome, the events'
kinds - never typed text, codes or screen content.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from cobrowse.sessionlog import SessionLog


def write_summary(log_path: Path, out: Path, shots: list[str], **extra: Any) -> Path:
    """Write ``summary.txt`` and ``summary.json`` for the log's last session
    (``extra``: more keys for the JSON file)."""
    with SessionLog(log_path, create=False) as log:
        today, day = date.today(), timedelta(days=1)
        sessions = log.sessions_between(today - day, today + day)
        if not sessions:
            raise RuntimeError("the session log holds no session")
        summary = sessions[-1]
        events = log.events(summary.session_id)
    fields = {k: _plain(v) for k, v in dataclasses.asdict(summary).items()}
    start = events[0].at
    timeline = [(round((e.at - start).total_seconds(), 1), e.kind) for e in events]
    data = {"summary": fields, "events": timeline, "screenshots": shots, **extra}
    (out / "summary.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    lines = ["Session log summary (cobrowse-local practice session)", ""]
    lines += [f"  {key:22} {value}" for key, value in fields.items()]
    lines += ["", "Events (seconds after start):"]
    lines += [f"  {at:6.1f}  {kind}" for at, kind in timeline]
    lines += ["", "Screenshots:", *(f"  {name}" for name in shots)]
    path = out / "summary.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, float):
        return round(value, 1)
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds")
    return value
