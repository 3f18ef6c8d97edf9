"""Shared helpers for the session-log tests: a fake clock and a filled log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cobrowse.sessionlog import SessionLog


class FakeClock:
    """Returns ``now``; every call advances it by ``step`` seconds."""

    def __init__(self, start: datetime, step: float = 1.0) -> None:
        self.now = start
        self.step = timedelta(seconds=step)

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now

    def set(self, when: datetime) -> None:
        self.now = when


def t(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """A UTC time in March 2024."""
    return datetime(2024, 3, day, hour, minute, second, tzinfo=UTC)


def sample_session(log: SessionLog, clock: FakeClock, day: int = 4) -> str:
    """A 10-minute session with 3 minutes of agent control, ended 'solved'."""
    clock.set(t(day, 18, 0))
    sid = log.start_session(
        "anna",
        "Albertslund",
        citizen_municipality="Ballerup",
        topic="digital_post",
        checklist="digital-post",
        steps_total=4,
    )
    clock.set(t(day, 18, 1))
    log.append(sid, "consent_granted", what="view")
    clock.set(t(day, 18, 2))
    log.append(sid, "control_on")
    clock.set(t(day, 18, 5))
    log.append(sid, "control_off", by="citizen")
    clock.set(t(day, 18, 6))
    log.append(sid, "step_ticked", step=2)
    log.append(sid, "note", note="wanted help with a letter")
    clock.set(t(day, 18, 10))
    log.end_session(sid, "solved")
    return sid


def open_log(path: Path, clock: FakeClock) -> SessionLog:
    return SessionLog(path, clock=clock)
