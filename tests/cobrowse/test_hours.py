"""Opening hours: edges, midnight, closed dates, DST weeks, wording and config errors."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cobrowse.errors import ConfigError
from cobrowse.hours import OpeningHours

CPH = ZoneInfo("Europe/Copenhagen")
DEFAULT = OpeningHours()


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("when", "is_open"),
    [
        (local(2024, 3, 7, 21, 59), True),  # Thursday 21:59
        (local(2024, 3, 7, 21, 59, 59), True),
        (local(2024, 3, 7, 22, 0), False),  # Thursday 22:00
        (local(2024, 3, 4, 19, 0), True),  # Monday 19:00
        (local(2024, 3, 4, 18, 59, 59), False),
        (local(2024, 3, 8, 20, 0), False),  # Friday
        (local(2024, 3, 10, 20, 0), False),  # Sunday
        (local(2024, 3, 5, 0, 0), False),  # midnight
        (utc(2024, 3, 4, 18, 30), True),  # 19:30 in winter time
    ],
)
def test_default_hours(when: datetime, is_open: bool) -> None:
    assert DEFAULT.is_open(when) is is_open


def test_next_opening_across_the_weekend() -> None:
    assert DEFAULT.next_opening(local(2024, 3, 7, 22, 0)) == local(2024, 3, 11, 19, 0)
    assert DEFAULT.next_opening(local(2024, 3, 9, 12, 0)) == local(2024, 3, 11, 19, 0)


def test_next_opening_later_the_same_day_and_while_open() -> None:
    assert DEFAULT.next_opening(local(2024, 3, 4, 8, 0)) == local(2024, 3, 4, 19, 0)
    assert DEFAULT.next_opening(local(2024, 3, 4, 19, 0)) == local(2024, 3, 4, 19, 0)
    assert DEFAULT.next_opening(local(2024, 3, 4, 19, 1)) == local(2024, 3, 5, 19, 0)


def test_closed_date() -> None:
    hours = OpeningHours(closed_dates=frozenset({date(2024, 3, 11)}))
    assert not hours.is_open(local(2024, 3, 11, 19, 30))
    assert hours.is_open(local(2024, 3, 12, 19, 30))
    assert hours.next_opening(local(2024, 3, 8, 12, 0)) == local(2024, 3, 12, 19, 0)


def test_spring_dst_week() -> None:
    # Clocks go forward on Sunday 31 March 2024: 19:00 is 18:00 UTC before, 17:00 after.
    assert not DEFAULT.is_open(utc(2024, 3, 28, 17, 30))
    assert DEFAULT.is_open(utc(2024, 3, 28, 18, 30))
    assert DEFAULT.is_open(utc(2024, 4, 1, 17, 30))
    assert not DEFAULT.is_open(utc(2024, 4, 1, 20, 0))  # 22:00 summer time
    start = DEFAULT.next_opening(local(2024, 3, 29, 12))
    assert start == local(2024, 4, 1, 19) and start.astimezone(UTC) == utc(2024, 4, 1, 17)
    assert start.utcoffset() is not None and start.utcoffset().total_seconds() == 7200


def test_autumn_dst_week() -> None:
    # Clocks go back on Sunday 27 October 2024.
    assert DEFAULT.is_open(utc(2024, 10, 24, 19, 30))  # 21:30 summer time
    assert not DEFAULT.is_open(utc(2024, 10, 31, 21, 30))  # 22:30 winter time
    assert DEFAULT.is_open(utc(2024, 10, 31, 20, 30))
    start = DEFAULT.next_opening(local(2024, 10, 25, 12))
    assert start.astimezone(UTC) == utc(2024, 10, 28, 18)


def test_period_spanning_the_dst_changes() -> None:
    hours = OpeningHours.from_config({"weekly": {"sunday": ["01:00-04:00"]}})
    [(start, end)] = hours.openings_on(date(2024, 3, 31))
    assert (end - start).total_seconds() == 2 * 3600  # an hour is skipped
    [(start, end)] = hours.openings_on(date(2024, 10, 27))
    assert (end - start).total_seconds() == 4 * 3600  # an hour is repeated
    assert hours.is_open(utc(2024, 10, 27, 2, 30))


def test_period_past_midnight() -> None:
    hours = OpeningHours.from_config(
        {"weekly": {"friday": ["22:00-02:00"]}, "closed_dates": ["2024-03-15"]}
    )
    assert hours.is_open(local(2024, 3, 8, 23, 59))
    assert hours.is_open(local(2024, 3, 9, 0, 0))
    assert hours.is_open(local(2024, 3, 9, 1, 59))
    assert not hours.is_open(local(2024, 3, 9, 2, 0))
    assert not hours.is_open(local(2024, 3, 16, 1, 0))  # its Friday is a closed date
    assert hours.next_opening(local(2024, 3, 9, 1, 0)) == local(2024, 3, 22, 22, 0)


def test_period_to_midnight() -> None:
    hours = OpeningHours.from_config({"weekly": {"monday": ["20:00-24:00"]}})
    assert hours.is_open(local(2024, 3, 4, 23, 59, 59))
    assert not hours.is_open(local(2024, 3, 5, 0, 0))


def test_closed_message_english() -> None:
    assert DEFAULT.closed_message(local(2024, 3, 8, 20), "en") == (
        "The hotline is closed. Open Monday–Thursday 19–22. Next opening: Monday 11 March at 19:00."
    )
    assert DEFAULT.closed_message(local(2024, 3, 4, 10), "en").endswith(
        "Next opening: today at 19:00."
    )


def test_closed_message_danish() -> None:
    assert DEFAULT.closed_message(local(2024, 3, 8, 20)) == (
        "Hotlinen er lukket. Åben mandag–torsdag kl. 19–22. "
        "Vi åbner igen mandag den 11. marts kl. 19.00."
    )
    assert DEFAULT.closed_message(local(2024, 3, 4, 22, 30)).endswith(
        "Vi åbner igen i morgen kl. 19.00."
    )


def test_message_for_a_mixed_week() -> None:
    hours = OpeningHours.from_config(
        {
            "weekly": {
                "monday": ["19:00-22:00"],
                "tuesday": ["19:00-22:00"],
                "saturday": ["10:00-12:30", "13:00-15:00"],
            }
        }
    )
    assert hours.closed_message(local(2024, 3, 6, 12), "en").startswith(
        "The hotline is closed. Open Monday–Tuesday 19–22, "
        "Saturday 10–12:30 and 13–15. Next opening: Saturday 9 March at 10:00."
    )


def test_config_from_toml() -> None:
    doc = tomllib.loads("""
        [opening_hours]
        timezone = "Europe/Copenhagen"
        closed_dates = [2024-12-24, "2024-12-31"]
        [opening_hours.weekly]
        tuesday = ["18:30-21:00"]
    """)
    hours = OpeningHours.from_config(doc["opening_hours"])
    assert hours.closed_dates == {date(2024, 12, 24), date(2024, 12, 31)}
    assert hours.is_open(local(2024, 3, 5, 18, 30))
    assert not hours.is_open(local(2024, 3, 4, 19, 30))
    assert OpeningHours.from_config(None) == OpeningHours()


@pytest.mark.parametrize(
    ("section", "match"),
    [
        ({"weekly": {"monday": ["19-22"]}}, r"opening_hours\.weekly\.monday: '19-22' is not"),
        ({"weekly": {"monday": ["19:00-25:00"]}}, "impossible time"),
        ({"weekly": {"monday": ["19:00-19:00"]}}, "empty"),
        ({"weekly": {"funday": ["19:00-22:00"]}}, "not a weekday"),
        ({"weekly": {"monday": "19:00-22:00"}}, "must be a list"),
        ({"weekly": {"monday": ["19:00-22:00", "21:00-23:00"]}}, "overlap"),
        ({"weekly": {}}, "never open"),
        ({"weekly": ["monday"]}, "must be a table"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"closed_dates": ["24/12"]}, "not a date"),
        ({"closed_dates": "2024-12-24"}, "must be a list"),
        ({"opening": {}}, "unknown key"),
    ],
)
def test_config_errors(section: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        OpeningHours.from_config(section)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        DEFAULT.is_open(datetime(2024, 3, 4, 19, 30))
    with pytest.raises(ValueError, match="language"):
        DEFAULT.closed_message(local(2024, 3, 4, 10), "de")
