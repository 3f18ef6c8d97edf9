"""Guidance checklists: the model and a TOML loader.

A checklist file looks like this (all text in Danish)::

    title = "Aktivér Digital Post"
    topic = "Digital Post"
    kle = "00.01.00"                         # optional: the topic's KLE number
    keywords = ["e-boks", "mit.dk"]          # optional, used by search

    [[steps]]
    title = "Åbn borger.dk"                  # the agent's own words
    notes = "Only for the agent."            # optional
    citizen_text = "Vi åbner borger.dk."     # optional: what the citizen may see
    link = "https://www.borger.dk/"          # optional, https only

``title`` and ``notes`` are written for the agent and never reach the citizen's
screen.  ``citizen_text`` is the only thing the citizen sees of a step ("Trin 2 af
5" and this text, in plain words, at most :data:`MAX_CITIZEN_TEXT` characters); a
step without it is for the agent alone and cannot be shown to the citizen.

``kle`` is the topic's number in KLE, the municipalities' shared subject
classification (``NN.NN.NN``); it goes with the session to the relay's contact
records (docs/statistics.md).

The checklist's id is the file name without ``.toml``.  :func:`load_folders` loads
the shipped defaults and the hotline's own folder; a file in a later folder
replaces a default with the same id.  A bad file is reported as a
:class:`Problem` (file and line) and skipped - it never stops the others.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cobrowse.errors import ConfigError

DEFAULT_FOLDER = Path(__file__).with_name("checklists")
MAX_STEPS = 99
MAX_CITIZEN_TEXT = 300  # the citizen's step banner is small
_TOP_KEYS = {"title", "topic", "kle", "keywords", "steps"}
_KLE = re.compile(r"\d{2}\.\d{2}\.\d{2}")
_STEP_KEYS = {"title", "notes", "citizen_text", "link"}
_LINE_RE = re.compile(r"at line (\d+)")


@dataclass(frozen=True, slots=True)
class Step:
    """One step: ``title`` and ``notes`` are for the agent; ``citizen_text`` is all
    the citizen ever sees of it."""

    title: str
    notes: str = ""
    citizen_text: str = ""
    link: str = ""

    @property
    def for_citizen(self) -> bool:
        """Can the step be shown on the citizen's screen (it has a citizen text)?"""
        return bool(self.citizen_text)


@dataclass(frozen=True, slots=True)
class Checklist:
    id: str
    title: str
    topic: str
    steps: tuple[Step, ...]
    keywords: tuple[str, ...] = ()
    source: Path | None = field(default=None, compare=False)
    kle: str | None = None

    def matches(self, query: str) -> bool:
        """True if every word of ``query`` occurs in the title, topic or keywords."""
        haystack = " ".join((self.title, self.topic, *self.keywords)).casefold()
        return all(word in haystack for word in query.casefold().split())


@dataclass(frozen=True, slots=True)
class Problem:
    """A checklist file that could not be loaded; ``line`` is 0 when unknown."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ChecklistError(ConfigError):
    """A checklist file is invalid; carries the file and line."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        self.problem = Problem(path, line, message)
        super().__init__(str(self.problem))


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Everything loaded: checklists sorted by title, and the files that were skipped."""

    checklists: tuple[Checklist, ...]
    problems: tuple[Problem, ...]

    def search(self, query: str) -> list[Checklist]:
        return [c for c in self.checklists if c.matches(query)]

    def get(self, checklist_id: str) -> Checklist | None:
        return next((c for c in self.checklists if c.id == checklist_id), None)


def load_file(path: Path) -> Checklist:
    """Load one checklist file; raises :class:`ChecklistError` with file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ChecklistError(path, 0, f"cannot read the file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError(
            path, _toml_error_line(str(exc), text), f"not valid TOML: {exc}"
        ) from None
    return _build(path, text, data)


def shipped_kle() -> dict[str, str]:
    """The KLE number of each shipped checklist that has one, by checklist id."""
    return {c.id: c.kle for c in load_folders([DEFAULT_FOLDER]).checklists if c.kle}


def load_folders(folders: Iterable[Path]) -> Catalogue:
    """Load every ``*.toml`` in ``folders`` (missing folders are fine)."""
    found: dict[str, Checklist] = {}
    problems: list[Problem] = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*.toml")) if Path(folder).is_dir() else ():
            try:
                checklist = load_file(path)
            except ChecklistError as exc:
                problems.append(exc.problem)
                continue
            found[checklist.id] = checklist
    ordered = sorted(found.values(), key=lambda c: c.title.casefold())
    return Catalogue(tuple(ordered), tuple(problems))


# --- validation -----------------------------------------------------------------


def _build(path: Path, text: str, data: dict[str, Any]) -> Checklist:
    lines = _Lines(path, text)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise lines.error(key, f"unknown key {key!r} (allowed: {', '.join(sorted(_TOP_KEYS))})")
    title = _text(lines, data, "title", required=True)
    topic = _text(lines, data, "topic", required=True)
    kle = _text(lines, data, "kle", required=False) or None
    if kle is not None and not _KLE.fullmatch(kle):
        raise lines.error("kle", f"'kle' must be a KLE number like 27.24.00, not {kle!r}")
    keywords = data.get("keywords", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise lines.error("keywords", "'keywords' must be a list of strings")
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ChecklistError(path, 0, "a checklist needs at least one [[steps]] entry")
    if len(raw_steps) > MAX_STEPS:
        raise ChecklistError(path, 0, f"more than {MAX_STEPS} steps")
    steps = tuple(_step(lines, n, raw) for n, raw in enumerate(raw_steps, 1))
    return Checklist(path.stem, title, topic, steps, tuple(keywords), path, kle)


def _step(lines: _Lines, number: int, raw: object) -> Step:
    line = lines.step_line(number)
    if not isinstance(raw, dict):
        raise ChecklistError(lines.path, line, f"step {number} must be a table")
    unknown = set(raw) - _STEP_KEYS
    if unknown:
        raise ChecklistError(
            lines.path,
            line,
            f"step {number}: unknown key "
            f"{sorted(unknown)[0]!r} (allowed: {', '.join(sorted(_STEP_KEYS))})",
        )
    values: dict[str, str] = {}
    for key in sorted(_STEP_KEYS):
        value = raw.get(key, "")
        if not isinstance(value, str):
            raise ChecklistError(lines.path, line, f"step {number}: {key!r} must be text")
        values[key] = value.strip()
    if not values["title"]:
        raise ChecklistError(lines.path, line, f"step {number} has no title")
    if len(values["citizen_text"]) > MAX_CITIZEN_TEXT:
        raise ChecklistError(
            lines.path,
            line,
            f"step {number}: citizen_text is {len(values['citizen_text'])} characters; "
            f"at most {MAX_CITIZEN_TEXT} fit on the citizen's screen",
        )
    if values["link"] and not _is_https(values["link"]):
        raise ChecklistError(lines.path, line, f"step {number}: link must be an https:// address")
    return Step(**values)


def _text(lines: _Lines, data: dict[str, Any], key: str, *, required: bool) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise lines.error(key, f"{key!r} must be non-empty text")
    return value.strip()


def _toml_error_line(message: str, text: str) -> int:
    match = _LINE_RE.search(message)
    if match:
        return int(match.group(1))
    return max(1, len(text.splitlines())) if "end of document" in message else 0


def _is_https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname) and " " not in url


class _Lines:
    """Finds the line of a top-level key or of the n-th ``[[steps]]`` header."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self._lines: Sequence[str] = text.splitlines()

    def error(self, key: str, message: str) -> ChecklistError:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        line = next((i for i, s in enumerate(self._lines, 1) if pattern.match(s)), 0)
        return ChecklistError(self.path, line, message)

    def step_line(self, number: int) -> int:
        headers = [i for i, s in enumerate(self._lines, 1) if s.strip() == "[[steps]]"]
        return headers[number - 1] if number <= len(headers) else 0
