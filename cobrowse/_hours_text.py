"""Danish and English wording of opening hours (internal to cobrowse.hours)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "da": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
}
MONTHS = {
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
    "da": (
        "januar",
        "februar",
        "marts",
        "april",
        "maj",
        "juni",
        "juli",
        "august",
        "september",
        "oktober",
        "november",
        "december",
    ),
}


class _Period(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def _clock(minutes: int, lang: str) -> str:
    """19:00 -> "19"; 19:30 -> "19:30" (en) or "19.30" (da)."""
    hours, mins = divmod(minutes, 60)
    if mins == 0:
        return str(hours)
    return f"{hours}{'.' if lang == 'da' else ':'}{mins:02d}"


def _periods(periods: Sequence[_Period], lang: str) -> str:
    spans = [f"{_clock(p.start, lang)}–{_clock(p.end, lang)}" for p in periods]
    joined = f" {'og' if lang == 'da' else 'and'} ".join(spans)
    return f"kl. {joined}" if lang == "da" else joined


def _groups(weekly: Mapping[int, Sequence[_Period]]) -> list[tuple[int, int]]:
    """Runs of consecutive weekdays with the same periods, as (first, last)."""
    groups: list[tuple[int, int]] = []
    for day in range(7):
        if not weekly.get(day):
            continue
        if groups and groups[-1][1] == day - 1 and weekly[groups[-1][0]] == weekly[day]:
            groups[-1] = (groups[-1][0], day)
        else:
            groups.append((day, day))
    return groups


def describe_week(weekly: Mapping[int, Sequence[_Period]], lang: str) -> str:
    """E.g. "Open Monday–Thursday 19–22." / "Åben mandag–torsdag kl. 19–22."."""
    names = DAYS[lang]
    parts = []
    for first, last in _groups(weekly):
        days = names[first] if first == last else f"{names[first]}–{names[last]}"
        parts.append(f"{days} {_periods(weekly[first], lang)}")
    return f"{'Åben' if lang == 'da' else 'Open'} {', '.join(parts)}."


def describe_next(start: datetime, now: datetime, lang: str) -> str:
    """When the next opening is, relative to ``now`` (both in the local zone)."""
    at = f"{start.hour:02d}.{start.minute:02d}" if lang == "da" else f"{start:%H:%M}"
    if start.date() == now.date():
        day = "i dag" if lang == "da" else "today"
    elif start.date() == now.date() + timedelta(days=1):
        day = "i morgen" if lang == "da" else "tomorrow"
    elif lang == "da":
        day = f"{DAYS['da'][start.weekday()]} den {start.day}. {MONTHS['da'][start.month - 1]}"
    else:
        day = f"{DAYS['en'][start.weekday()]} {start.day} {MONTHS['en'][start.month - 1]}"
    if lang == "da":
        return f"Vi åbner igen {day} kl. {at}."
    return f"Next opening: {day} at {at}."
