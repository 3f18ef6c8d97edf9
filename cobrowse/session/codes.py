"""Session codes: a 4-digit relay nameplate followed by 6 secret digits.

The relay allocates the nameplate; the citizen's client draws the secret digits
locally, so the relay never learns them.  Shown and typed as ``1234 567 890``
(the nameplate, then the secret in two groups of three: short groups are easy to
read aloud on the phone); spaces and dashes are tolerated when typed.  Why four
nameplate digits: docs/protocol.md "Codes and the nameplate space".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cobrowse.errors import CodeError

NAMEPLATE_DIGITS = 4
SECRET_DIGITS = 6
CODE_DIGITS = NAMEPLATE_DIGITS + SECRET_DIGITS
EXAMPLE_CODE = "1234 567 890"  # how a code looks (placeholders, help texts)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")


@dataclass(frozen=True, slots=True)
class SessionCode:
    """A full session code.  ``str()`` never reveals it; use :meth:`display`."""

    nameplate: str
    secret: str

    def __post_init__(self) -> None:
        if not (self.nameplate.isdigit() and len(self.nameplate) == NAMEPLATE_DIGITS):
            raise CodeError(f"The first part of the code must be {NAMEPLATE_DIGITS} digits.")
        if not (self.secret.isdigit() and len(self.secret) == SECRET_DIGITS):
            raise CodeError(f"The code must have {CODE_DIGITS} digits.")

    def display(self) -> str:
        """The code as shown to the citizen: ``1234 567 890``."""
        half = SECRET_DIGITS // 2
        return f"{self.nameplate} {self.secret[:half]} {self.secret[half:]}"

    def pake_password(self) -> bytes:
        """The password both sides feed into SPAKE2 (nameplate bound in)."""
        return f"cobrowse-v1:{self.nameplate}:{self.secret}".encode("ascii")

    def __repr__(self) -> str:
        return f"SessionCode(nameplate={self.nameplate!r}, secret=<hidden>)"

    __str__ = __repr__


def validate_nameplate(text: str) -> str:
    """Return ``text`` if it is a nameplate (4 digits), else raise :class:`CodeError`."""
    ok = isinstance(text, str) and text.isascii() and text.isdigit()
    if not ok or len(text) != NAMEPLATE_DIGITS:
        raise CodeError(f"A nameplate is {NAMEPLATE_DIGITS} digits.")
    return text


def draw_secret(randbelow: Callable[[int], int]) -> str:
    """Draw the 6 secret digits with ``randbelow`` (e.g. ``secrets.randbelow``)."""
    return "".join(str(randbelow(10)) for _ in range(SECRET_DIGITS))


def parse_code(text: str) -> SessionCode:
    """Parse a typed code such as ``"1234 567 890"`` or ``"1234-567890"``.

    Raises :class:`CodeError` whose message says what is wrong, in words an
    agent can act on (too few digits, letters in it, ...).
    """
    compact = _SEPARATORS.sub("", text.strip())
    if not compact:
        raise CodeError(f"Type the {CODE_DIGITS}-digit code the citizen reads to you.")
    bad = sorted({ch for ch in compact if not (ch.isascii() and ch.isdigit())})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:3])
        raise CodeError(f"The code may only contain digits (found {shown}).")
    if len(compact) < CODE_DIGITS:
        raise CodeError(
            f"The code has {CODE_DIGITS} digits; {len(compact)} typed, "
            f"{CODE_DIGITS - len(compact)} missing."
        )
    if len(compact) > CODE_DIGITS:
        raise CodeError(
            f"The code has {CODE_DIGITS} digits; {len(compact)} typed, "
            f"{len(compact) - CODE_DIGITS} too many."
        )
    return SessionCode(compact[:NAMEPLATE_DIGITS], compact[NAMEPLATE_DIGITS:])
