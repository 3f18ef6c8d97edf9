"""Settings file, command-line overrides, link allow-list, and the broken-config window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from citizen_fakes import OFFSCREEN, Rig

from citizen_client.config import default_path, link_allowed, load
from citizen_client.devices import Devices
from citizen_client.main import build, parse_args
from cobrowse.errors import ConfigError

GOOD = 'relay_url = "wss://relay.example.dk/v1"\nlanguage = "en"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "citizen.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_is_valid() -> None:
    config = load(default_path())
    assert config.relay_url.startswith("wss://") and config.language == "da"
    assert "borger.dk" in config.allowed_link_domains and config.hours is not None


def test_overrides_win(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD), relay="ws://127.0.0.1:9/v1", lang="da")
    assert (config.relay_url, config.language) == ("ws://127.0.0.1:9/v1", "da")


def test_missing_file_is_fine_with_relay_option(tmp_path: Path) -> None:
    assert load(tmp_path / "none.toml", relay="ws://127.0.0.1:9/v1").language == "da"
    with pytest.raises(ConfigError, match="missing"):
        load(tmp_path / "none.toml")


@pytest.mark.parametrize(
    "text, words",
    [
        ("relay_url = ", "not valid TOML"),
        ('language = "da"\n', "relay_url is missing"),
        ('relay_url = "http://x.dk"\n', "wss://"),
        ('relay_url = "wss://x.dk/v1"\nlanguage = "de"\n', "da, en"),
        ('relay_url = "wss://x.dk/v1"\nallowed_link_domains = ["https://x.dk"]\n', "domain"),
        ('relay_url = "wss://x.dk/v1"\ncolour = 1\n', "unknown setting"),
    ],
)
def test_broken_files_say_what_is_wrong(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load(write(tmp_path, text))


@pytest.mark.parametrize(
    "url, ok, reason",
    [
        ("https://www.borger.dk/familie", True, "ok"),
        ("https://skat.dk", True, "ok"),
        ("http://www.borger.dk/", False, "not_https"),
        ("https://borger.dk.evil.com/", False, "not_allowed"),
        ("https://evilborger.dk/", False, "not_allowed"),
        ("https://user@borger.dk/", False, "malformed"),
        ("javascript:alert(1)", False, "not_https"),
        ("https://[bad/", False, "malformed"),
    ],
)
def test_link_allow_list(url: str, ok: bool, reason: str) -> None:
    assert link_allowed(url, ("borger.dk", "skat.dk")) == (ok, reason)


@OFFSCREEN
def test_broken_config_is_explained_in_the_window(tmp_path: Path, qtbot: Any) -> None:
    path = write(tmp_path, "relay_url = ")
    app, view = build(parse_args(["--config", str(path)]))
    assert app is None and view is not None
    heading = view.window.status.heading.text()
    assert heading == "Programmet er ikke sat rigtigt op."
    assert "not valid TOML" in view.window.status.detail.text()
    assert "Traceback" not in view.window.status.detail.text()
    view.window.status.action.click()
    assert not view.window.isVisible()
    view.dispose()


def test_a_built_program_reads_its_baked_settings(tmp_path: Path) -> None:
    assert default_path(tmp_path) == tmp_path / "citizen.toml"  # from source
    (tmp_path / "citizen.toml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "baked.toml").write_text('relay_url = "wss://baked.dk/v1"\n', encoding="utf-8")
    assert default_path(tmp_path) == tmp_path / "baked.toml"
    assert load(default_path(tmp_path)).relay_url == "wss://baked.dk/v1"


def test_hotline_name_hours_text_and_branding(tmp_path: Path) -> None:
    text = (
        'relay_url = "wss://x.dk/v1"\nhotline_name = " Vestegnens hotline "\n'
        'opening_hours_text = "Man-tors kl. 19-22"\n[branding]\naccent_colour = "#1B5E20"\n'
    )
    config = load(write(tmp_path, text))
    assert config.branding.hotline_name == "Vestegnens hotline"
    assert config.branding.accent_colour == "#1b5e20"
    assert config.hours_text == "Man-tors kl. 19-22"
    plain = load(write(tmp_path, GOOD))
    assert plain.branding.hotline_name == "" and plain.branding.accent_colour == "#0b3d91"


@pytest.mark.parametrize(
    "extra, words",
    [
        ("hotline_name = 7\n", "hotline_name must be text"),
        (f'hotline_name = "{"x" * 61}"\n', "at most 60"),
        ('[branding]\naccent_colour = "red"\n', "#0b3d91"),
        ('[branding]\nlogo = "x.png"\n', "only accent_colour"),
        ("opening_hours_text = []\n", "opening_hours_text must be text"),
    ],
)
def test_broken_branding_says_what_is_wrong(tmp_path: Path, extra: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load(write(tmp_path, 'relay_url = "wss://x.dk/v1"\n' + extra))


@OFFSCREEN
def test_branding_reaches_the_window(tmp_path: Path, qtbot: Any, qapp: Any) -> None:
    text = (
        'relay_url = "ws://127.0.0.1:9/v1"\nhotline_name = "Testhotline"\n'
        'opening_hours_text = "Man-tors kl. 19-22"\n[branding]\naccent_colour = "#1b5e20"\n'
    )
    sheet, rig = qapp.styleSheet(), Rig()
    devices = Devices(rig.injector, rig.streamer, rig.listeners)
    app, view = build(parse_args(["--config", str(write(tmp_path, text))]), devices)
    try:
        assert app is not None and view is not None
        view.unreachable(5)
        assert view.window.windowTitle() == "Hjælp til din computer – Testhotline"
        assert "#1b5e20" in qapp.styleSheet() and "#0b3d91" not in qapp.styleSheet()
        assert "Man-tors kl. 19-22" in view.window.status.detail.text()
    finally:
        if app is not None:
            app.shutdown()
        view.dispose()
        qapp.setStyleSheet(sheet)
