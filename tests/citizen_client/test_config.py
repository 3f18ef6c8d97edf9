"""Settings file, command-line overrides, link allow-list, and the broken-config window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from citizen_fakes import OFFSCREEN

from citizen_client.config import default_path, link_allowed, load
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
