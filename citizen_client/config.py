"""The citizen client's settings: a TOML file shipped next to the program.

Looked up as ``citizen.toml`` beside the executable (installed builds) or beside
this module (running from source); ``--config PATH`` names another file.
``--relay URL`` and ``--lang da|en`` override the file.  Every problem raises
:class:`cobrowse.errors.ConfigError` with a message that says what to fix.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from citizen_client.texts import LANGUAGES
from cobrowse.errors import ConfigError
from cobrowse.hours import OpeningHours

FILE_NAME = "citizen.toml"
DEFAULT_DOMAINS = ("borger.dk", "skat.dk", "mitid.dk", "e-boks.dk", "virk.dk", "sundhed.dk")
_KEYS = {"relay_url", "language", "allowed_link_domains", "opening_hours", "guide_url"}


@dataclass(frozen=True)
class CitizenConfig:
    relay_url: str = ""
    language: str = "da"
    allowed_link_domains: tuple[str, ...] = DEFAULT_DOMAINS
    hours: OpeningHours | None = None
    guide_url: str = ""  # where `cobrowse-relay publish-guides` pages are; "" = no button


def default_path() -> Path:
    """``citizen.toml`` next to the program."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent / FILE_NAME
    return Path(__file__).resolve().parent / FILE_NAME


def load(
    path: Path | None = None, *, relay: str | None = None, lang: str | None = None
) -> CitizenConfig:
    """Read the config file and apply the command-line overrides."""
    path = path or default_path()
    if path.exists():
        config = parse(_read(path), str(path))
    elif relay:
        config = CitizenConfig()  # a relay on the command line is enough
    else:
        raise ConfigError(f"settings file {path} is missing")
    if relay:
        config = replace(config, relay_url=check_relay_url(relay, "--relay"))
    if lang:
        config = replace(config, language=check_language(lang, "--lang"))
    return config


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc.__class__.__name__}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc})") from None


def parse(data: dict[str, Any], where: str = FILE_NAME) -> CitizenConfig:
    unknown = set(data) - _KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
    if "relay_url" not in data:
        raise ConfigError(f"{where}: relay_url is missing")
    domains = data.get("allowed_link_domains", list(DEFAULT_DOMAINS))
    hours = data.get("opening_hours")
    return CitizenConfig(
        relay_url=check_relay_url(data["relay_url"], f"{where}: relay_url"),
        language=check_language(data.get("language", "da"), f"{where}: language"),
        allowed_link_domains=check_domains(domains, f"{where}: allowed_link_domains"),
        hours=OpeningHours.from_config(hours) if hours is not None else None,
        guide_url=check_guide_url(data.get("guide_url", ""), f"{where}: guide_url"),
    )


def check_relay_url(url: Any, where: str) -> str:
    if not isinstance(url, str):
        raise ConfigError(f"{where} must be text such as wss://relay.example.dk/v1")
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ConfigError(f"{where} must start with wss:// (or ws:// for a local test relay)")
    return url


def check_guide_url(url: Any, where: str) -> str:
    """The guides' folder address: https, or "" for none."""
    parts = urlsplit(url) if isinstance(url, str) else None
    if url == "" or (parts is not None and parts.scheme == "https" and parts.hostname):
        return str(url)
    raise ConfigError(f"{where} must be an https:// address such as https://kommune.dk/hjaelp/")


def check_language(lang: Any, where: str) -> str:
    if lang not in LANGUAGES:
        raise ConfigError(f"{where} must be one of {', '.join(LANGUAGES)}")
    return str(lang)


def check_domains(domains: Any, where: str) -> tuple[str, ...]:
    if not isinstance(domains, list) or not all(isinstance(d, str) and d for d in domains):
        raise ConfigError(f"{where} must be a list of domain names")
    cleaned = tuple(d.strip().lower().lstrip(".") for d in domains)
    bad = [d for d in cleaned if "/" in d or ":" in d or " " in d or "." not in d]
    if bad:
        raise ConfigError(f"{where}: {bad[0]!r} is not a domain name")
    return cleaned


def link_allowed(url: str, domains: tuple[str, ...]) -> tuple[bool, str]:
    """May the agent open ``url``?  Returns (allowed, reason word)."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False, "malformed"
    if parts.scheme != "https":
        return False, "not_https"
    if parts.username or parts.password or not host:
        return False, "malformed"
    if not any(host == d or host.endswith("." + d) for d in domains):
        return False, "not_allowed"
    return True, "ok"
