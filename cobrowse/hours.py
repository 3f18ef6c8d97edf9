"""The hotline's opening hours: weekly schedule, closed dates, time zone.

All computation uses aware datetimes and compares instants in UTC, so midnight,
closed dates and daylight-saving changes come out right. A period whose end is
not after its start (``"20:00-02:00"``) runs past midnight and belongs to the
day it starts on: closing that date closes the whole period. Config form::

    [opening_hours]
    timezone = "Europe/Copenhagen"
    closed_dates = [2024-12-24, "2024-12-31"]
    [opening_hours.weekly]
    monday = ["19:00-22:00"]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cobrowse._hours_text import DAYS as DAYS  # day and month names, for the apps
from cobrowse._hours_text import MONTHS as MONTHS
from cobrowse._hours_text import describe_next, describe_week
from cobrowse.errors import ConfigError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_PERIOD_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_KEYS = {"timezone", "weekly", "closed_dates"}


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """Open from ``start`` to ``end`` minutes after local midnight (end may be 1440)."""

    start: int
    end: int

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @classmethod
    def parse(cls, text: str, where: str = "period") -> Period:
        """Parse ``"HH:MM-HH:MM"``; raise ConfigError naming ``where`` if malformed."""
        m = _PERIOD_RE.match(text.strip()) if isinstance(text, str) else None
        if m is None:
            raise ConfigError(f"{where}: {text!r} is not a period like '19:00-22:00'")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
            raise ConfigError(f"{where}: {text!r} has an impossible time of day")
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end or (end == 0 and start == 0):
            raise ConfigError(f"{where}: {text!r} is empty")
        return cls(start, end)


DEFAULT_WEEK: Mapping[int, tuple[Period, ...]] = {
    day: (Period(19 * 60, 22 * 60),) for day in range(4)
}


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening periods (weekday 0=Monday -> periods), a zone and closed dates."""

    weekly: Mapping[int, tuple[Period, ...]] = field(default_factory=lambda: dict(DEFAULT_WEEK))
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Copenhagen"))
    closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if not any(self.weekly.values()):
            raise ConfigError(
                "opening hours: the hotline is never open; give at least one weekly period"
            )

    @classmethod
    def from_config(
        cls, section: Mapping[str, Any] | None, name: str = "opening_hours"
    ) -> OpeningHours:
        """Build from a parsed TOML table; missing keys take the defaults.

        Raises ConfigError saying which key is wrong.
        """
        section = section or {}
        unknown = set(section) - _KEYS
        if unknown:
            raise ConfigError(
                f"{name}: unknown key(s) {', '.join(sorted(unknown))}; "
                f"allowed: {', '.join(sorted(_KEYS))}"
            )
        weekly = (
            _parse_week(section["weekly"], f"{name}.weekly")
            if "weekly" in section
            else dict(DEFAULT_WEEK)
        )
        return cls(
            weekly,
            _parse_zone(section.get("timezone", "Europe/Copenhagen"), name),
            _parse_dates(section.get("closed_dates", []), f"{name}.closed_dates"),
        )

    def openings_on(self, day: date) -> list[tuple[datetime, datetime]]:
        """The periods starting on local date ``day``, as (start, end) UTC instants."""
        if day in self.closed_dates:
            return []
        periods = self.weekly.get(day.weekday(), ())
        return [
            (
                self._instant(day, p.start),
                self._instant(day + timedelta(days=p.crosses_midnight), p.end),
            )
            for p in periods
        ]

    def _instant(self, day: date, minutes: int) -> datetime:
        day += timedelta(days=minutes // 1440)
        minutes %= 1440
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.tz)
        return local.astimezone(UTC)

    def _local_date(self, now: datetime) -> date:
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("opening hours need a timezone-aware datetime")
        return now.astimezone(self.tz).date()

    def is_open(self, now: datetime) -> bool:
        """True if ``now`` (aware) falls in an opening period."""
        today = self._local_date(now)
        return any(
            start <= now < end
            for day in (today - timedelta(days=1), today)
            for start, end in self.openings_on(day)
        )

    def _starts_from(self, now: datetime) -> Iterator[datetime]:
        day = self._local_date(now) - timedelta(days=1)
        # Every week has an opening day, and closed dates can block only finitely many.
        for offset in range(7 * (len(self.closed_dates) + 2) + 2):
            for start, _ in sorted(self.openings_on(day + timedelta(days=offset))):
                if start >= now:
                    yield start

    def next_opening(self, now: datetime) -> datetime:
        """Start of the first period beginning at or after ``now``, in the local zone."""
        for start in self._starts_from(now):
            return start.astimezone(self.tz)
        raise ConfigError("opening hours: every coming opening is a closed date")

    def closed_message(self, now: datetime, lang: str = "da") -> str:
        """What a citizen sees outside opening hours: that the hotline is closed,
        the weekly hours, and when it opens next (``lang`` is "da" or "en")."""
        if lang not in ("da", "en"):
            raise ValueError(f"unknown language {lang!r}; use 'da' or 'en'")
        closed = "Hotlinen er lukket." if lang == "da" else "The hotline is closed."
        week = describe_week(self.weekly, lang)
        upcoming = describe_next(self.next_opening(now), now.astimezone(self.tz), lang)
        return f"{closed} {week} {upcoming}"


def _parse_week(table: Any, where: str) -> dict[int, tuple[Period, ...]]:
    if not isinstance(table, Mapping):
        raise ConfigError(f'{where} must be a table of weekday = ["HH:MM-HH:MM", ...]')
    week: dict[int, tuple[Period, ...]] = {}
    for name, periods in table.items():
        if name not in WEEKDAYS:
            raise ConfigError(f"{where}: {name!r} is not a weekday ({', '.join(WEEKDAYS)})")
        if not isinstance(periods, list):
            raise ConfigError(f'{where}.{name} must be a list like ["19:00-22:00"]')
        parsed = sorted(Period.parse(p, f"{where}.{name}") for p in periods)
        _check_overlap(parsed, f"{where}.{name}")
        week[WEEKDAYS.index(name)] = tuple(parsed)
    return week


def _check_overlap(periods: list[Period], where: str) -> None:
    for earlier, later in zip(periods, periods[1:], strict=False):
        if earlier.crosses_midnight or later.start < earlier.end:
            raise ConfigError(f"{where}: periods overlap")


def _parse_zone(name: Any, section: str) -> ZoneInfo:
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{section}.timezone: unknown time zone {name!r} (e.g. 'Europe/Copenhagen')"
        ) from None


def _parse_dates(values: Any, where: str) -> frozenset[date]:
    if not isinstance(values, list):
        raise ConfigError(f"{where} must be a list of dates like 2024-12-24")
    dates = set()
    for value in values:
        if isinstance(value, datetime) or not isinstance(value, date | str):
            raise ConfigError(f"{where}: {value!r} is not a date like 2024-12-24")
        try:
            dates.add(value if isinstance(value, date) else date.fromisoformat(value))
        except ValueError:
            raise ConfigError(f"{where}: {value!r} is not a date like 2024-12-24") from None
    return frozenset(dates)
