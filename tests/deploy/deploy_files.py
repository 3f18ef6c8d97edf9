"""Readers for the files in deploy/: just enough of systemd's, logrotate's and
Docker's syntax to check what the tests care about."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "cobrowse-relay.service"
LOGROTATE = DEPLOY / "cobrowse-relay.logrotate"
RELAY_TOML = DEPLOY / "relay.toml"
DOCKERFILE = DEPLOY / "Dockerfile"


def _logical_lines(path: Path) -> list[str]:
    """Lines without comments, with backslash continuations joined."""
    out: list[str] = []
    pending = ""
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        out.append(pending + line)
        pending = ""
    return out


def unit(path: Path = UNIT) -> dict[str, dict[str, list[str]]]:
    """``{section: {key: [values in order]}}``; keys may repeat, as in systemd."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for line in _logical_lines(path):
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def logrotate(path: Path = LOGROTATE) -> dict[str, list[str]]:
    """``{log path: [directives]}``."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in _logical_lines(path):
        if line.endswith("{"):
            current = blocks.setdefault(line[:-1].strip(), [])
        elif line == "}":
            current = None
        else:
            assert current is not None, f"directive outside a block: {line}"
            current.append(line)
    return blocks


def dockerfile(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """``[(INSTRUCTION, arguments)]`` in order (``# hadolint`` comments dropped)."""
    out = []
    for line in _logical_lines(path):
        word, _, rest = line.partition(" ")
        out.append((word.upper(), re.sub(r"\s+", " ", rest.strip())))
    return out


def exec_form(arguments: str) -> list[str]:
    """A JSON exec-form argument list (``CMD ["a", "b"]``), or shell words."""
    if arguments.startswith("["):
        value = json.loads(arguments)
        assert isinstance(value, list)
        return [str(item) for item in value]
    return shlex.split(arguments)
