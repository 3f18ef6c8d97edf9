"""Opening hours on the relay (config, closed hotline) and ``cobrowse-relay report``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from relay_helpers import FakeClock, clients, config, run

from cobrowse.errors import ConfigError
from cobrowse.hours import OpeningHours
from relay.cli import main
from relay.config import RelayConfig, load_config
from relay.server import Relay
from relay.stats import StatsStore

CLOSED = datetime(2024, 3, 8, 12, 0, tzinfo=UTC)  # Friday 13:00 in Copenhagen
OPEN = datetime(2024, 3, 4, 18, 30, tzinfo=UTC)  # Monday 19:30


class WallClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@asynccontextmanager
async def hotline(
    data_dir: Path, wallclock: Callable[[], datetime], clock: FakeClock | None = None
) -> AsyncIterator[Relay]:
    relay = Relay(
        config(data_dir, always_open=False), wallclock=wallclock, clock=clock or FakeClock()
    )
    await relay.start()
    try:
        yield relay
    finally:
        await relay.stop()


def test_closed_hotline_tells_citizens_when_it_opens_and_admits_agents(data_dir: Path) -> None:
    async def body() -> None:
        async with hotline(data_dir, WallClock(CLOSED)) as relay, clients(relay) as c:
            citizen = await c.open()
            await citizen.send(type="hello", version=1, role="citizen")
            closed = await citizen.expect("hotline")
            assert closed["open"] is False
            assert closed["next_opening"] == "2024-03-11T19:00:00+01:00"
            assert closed["message_en"].startswith("The hotline is closed. Open Monday")
            assert closed["message_da"].startswith("Hotlinen er lukket.")
            assert await citizen.closed() == (4423, "closed")
            await c.agent("anna")  # agents may sign in at any hour
            assert relay.hub.presence() == (1, 0)

    run(body)


def test_open_hours_admit_and_a_code_expiring_after_closing_says_closed(data_dir: Path) -> None:
    wall, clock = WallClock(OPEN), FakeClock()

    async def body() -> None:
        async with hotline(data_dir, wall, clock) as relay, clients(relay) as c:
            citizen, _ = await c.citizen()
            assert (await citizen.expect("hotline"))["open"] is True
            wall.now, _ = OPEN + timedelta(hours=3), clock.advance(601)  # 22:30, code expired
            await relay.sweep()
            assert (await citizen.expect("hotline"))["open"] is False
            assert await citizen.closed() == (4423, "closed")

    run(body)


def test_dev_relays_are_open_around_the_clock_unless_told_otherwise() -> None:
    assert RelayConfig(dev=True).hotline_always_open
    assert not RelayConfig().hotline_always_open
    assert not RelayConfig(dev=True, always_open=False).hotline_always_open
    assert RelayConfig(always_open=True).hotline_always_open


def test_opening_hours_in_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(
        "[opening_hours]\nalways_open = false\nclosed_dates = [2024-12-24]\n"
        '[opening_hours.weekly]\nfriday = ["10:00-12:00"]\n',
        encoding="utf-8",
    )
    loaded = load_config(path)
    assert loaded.always_open is False and date(2024, 12, 24) in loaded.opening_hours.closed_dates
    assert loaded.opening_hours.is_open(CLOSED - timedelta(hours=2))  # Friday 11:00
    assert RelayConfig().opening_hours == OpeningHours()


@pytest.mark.parametrize(
    "text, message",
    [
        ('[opening_hours]\nalways_open = "yes"\n', "opening_hours.always_open must be bool"),
        ('[opening_hours]\nweekly = {monday = ["19-22"]}\n', "opening_hours.weekly.monday"),
        ("[opening_hours]\nopen = true\n", "unknown key(s) open"),
        ('[opening_hours]\ntimezone = "Mars/Olympus"\n', "unknown time zone"),
    ],
)
def test_bad_opening_hours_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="relay.toml: ") as info:
        load_config(path)
    assert message in str(info.value)


def test_report_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COBROWSE_RELAY_DATA", raising=False)
    data = ["--data-dir", str(tmp_path)]
    assert main(["report", "--from", "2024-03-01", "--to", "2024-03-31", *data]) == 1
    assert "no statistics at" in capsys.readouterr().err
    StatsStore(tmp_path / "stats.db").close()
    assert main(["report", "--from", "2024-03-31", "--to", "2024-03-01", *data]) == 1
    assert "before --from" in capsys.readouterr().err
    assert main(["report", "--from", "1.3.2024", "--to", "2024-03-01", *data]) == 2
    assert "'1.3.2024' is not a date like 2024-03-01" in capsys.readouterr().err
    html, csv = tmp_path / "r.html", tmp_path / "r.csv"
    assert (
        main(
            [
                "report",
                "--from",
                "2024-03-01",
                "--to",
                "2024-03-31",
                "--html",
                str(html),
                "--csv",
                str(csv),
                *data,
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Hotline statistics 2024-03-01 to 2024-03-31" in out and "Contacts" in out
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert csv.read_text(encoding="utf-8").startswith("section,key,value")
