"""Personal data in the agent's free text: find it and mask it.

Notes and topics are the only free text in the session log, and the log is
append-only: whatever is written stays until retention purges it. So CPR numbers,
e-mail addresses and Danish phone numbers are masked before they are written
(:func:`mask_data`, applied by :class:`~cobrowse.sessionlog.SessionLog` to every
event, so no caller can bypass it), and the agent app warns the agent first
(:func:`find`), so they can rephrase.

What counts (deliberately a little eager: a false alarm costs a digit group in a
note, a miss costs a CPR number kept for years):

* CPR: ``DDMMYY-XXXX`` or ``DDMMYYXXXX``, groups optionally separated by spaces,
  dashes or dots, where DDMM is a real day of the year (29 February allowed).
* e-mail: ``name@domain.tld``.
* phone: 8 digits, alone or in groups of 2 or 4 (``12 34 56 78``, ``12-34-56-78``,
  ``1234 5678``),
  with an optional ``+45`` / ``0045`` in front (``2024-0001`` is a case number).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_SEP = r"[ \t.\-\u2010-\u2013]?"
_CPR = re.compile(rf"(?<![\d+])(\d\d){_SEP}(\d\d){_SEP}\d\d{_SEP}\d{{4}}(?!\d)")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)45[ \-]?)?"
    r"(?:\d{8}|\d\d([ \-])\d\d\1\d\d\1\d\d|\d{4} \d{4})(?!\d)"
)
_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MASKS = {"cpr": "[CPR]", "email": "[e-mail]", "phone": "[telefon]"}
LABELS = {
    "cpr": ("CPR-nummer", "CPR-numre"),
    "email": ("e-mailadresse", "e-mailadresser"),
    "phone": ("telefonnummer", "telefonnumre"),
}
FREE_TEXT = ("note", "topic", "citizen_municipality")
"""The event data fields the agent can type into."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind (a key of :data:`MASKS`) and the text."""

    kind: str
    text: str


def _plausible_cpr(match: re.Match[str]) -> bool:
    day, month = int(match.group(1)), int(match.group(2))
    return 1 <= month <= 12 and 1 <= day <= _DAYS[month - 1]


def _scan(text: str) -> tuple[str, list[Finding]]:
    found: list[Finding] = []

    def cpr(m: re.Match[str]) -> str:
        if not _plausible_cpr(m):
            return m.group(0)
        found.append(Finding("cpr", m.group(0)))
        return MASKS["cpr"]

    def other(kind: str) -> Any:
        def replace(m: re.Match[str]) -> str:
            found.append(Finding(kind, m.group(0)))
            return MASKS[kind]

        return replace

    masked = _CPR.sub(cpr, text)
    masked = _EMAIL.sub(other("email"), masked)
    masked = _PHONE.sub(other("phone"), masked)
    return masked, found


def find(text: str) -> list[Finding]:
    """Every CPR number, e-mail address and phone number in ``text``, in kind order."""
    return _scan(text)[1]


def mask(text: str) -> str:
    """``text`` with each finding replaced by its mask (``[CPR]``, ``[e-mail]``, ``[telefon]``)."""
    return _scan(text)[0]


def mask_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of event ``data`` with the free-text fields masked."""
    out = dict(data)
    for key in FREE_TEXT:
        if isinstance(out.get(key), str):
            out[key] = mask(out[key])
    return out


def describe(findings: list[Finding]) -> str:
    """Danish, for the agent: what was found (without repeating it in full)."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    parts = [f"{n} {LABELS[kind][n > 1]}" for kind, n in counts.items()]
    return ", ".join(parts)
