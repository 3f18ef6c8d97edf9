"""Session codes: a 3-digit relay nameplate followed by 6 secret digits.

The relay allocates the nameplate; the citizen's client draws the secret digits
locally, so the relay never learns them.  Shown and typed as ``123 456 789``;
spaces and dashes are tolerated when typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from cobrowse.errors import CodeError

NAMEPLATE_DIGITS = 3
SECRET_DIGITS = 6
CODE_DIGITS = NAMEPLATE_DIGITS + SECRET_DIGITS
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015.]+")


@dataclass(frozen=True, slots=True)
class SessionCode:
    """A full session code.  ``str()`` never reveals it; use :meth:`display`."""

    nameplate: str
    secret: str

    def __post_init__(self) -> None:
        if not (self.nameplate.isdigit() and len(self.nameplate) == NAMEPLATE_DIGITS):
            raise CodeError("The first part of the code must be 3 digits.")
        if not (self.secret.isdigit() and len(self.secret) == SECRET_DIGITS):
            raise CodeError("The code must have 9 digits.")

    def display(self) -> str:
        """The code as shown to the citizen: ``123 456 789``."""
        digits = self.nameplate + self.secret
        return f"{digits[0:3]} {digits[3:6]} {digits[6:9]}"

    def pake_password(self) -> bytes:
        """The password both sides feed into SPAKE2 (nameplate bound in)."""
        return f"cobrowse-v1:{self.nameplate}:{self.secret}".encode("ascii")

    def __repr__(self) -> str:
        return f"SessionCode(nameplate={self.nameplate!r}, secret=<hidden>)"

    __str__ = __repr__


def validate_nameplate(text: str) -> str:
    """Return ``text`` if it is a 3-digit nameplate, else raise :class:`CodeError`."""
    if not (isinstance(text, str) and text.isascii() and text.isdigit()):
        raise CodeError("A nameplate is 3 digits.")
    if len(text) != NAMEPLATE_DIGITS:
        raise CodeError("A nameplate is 3 digits.")
    return text


def draw_secret(randbelow: Callable[[int], int]) -> str:
    """Draw the 6 secret digits with ``randbelow`` (e.g. ``secrets.randbelow``)."""
    return "".join(str(randbelow(10)) for _ in range(SECRET_DIGITS))


def parse_code(text: str) -> SessionCode:
    """Parse a typed code such as ``"123 456 789"`` or ``"123-456789"``.

    Raises :class:`CodeError` whose message says what is wrong, in words an
    agent can act on (too few digits, letters in it, ...).
    """
    compact = _SEPARATORS.sub("", text.strip())
    if not compact:
        raise CodeError("Type the 9-digit code the citizen reads to you.")
    bad = sorted({ch for ch in compact if not (ch.isascii() and ch.isdigit())})
    if bad:
        shown = " ".join(repr(ch) for ch in bad[:3])
        raise CodeError(f"The code may only contain digits (found {shown}).")
    if len(compact) < CODE_DIGITS:
        raise CodeError(
            f"The code has 9 digits; {len(compact)} typed, {CODE_DIGITS - len(compact)} missing."
        )
    if len(compact) > CODE_DIGITS:
        raise CodeError(
            f"The code has 9 digits; {len(compact)} typed, {len(compact) - CODE_DIGITS} too many."
        )
    return SessionCode(compact[:NAMEPLATE_DIGITS], compact[NAMEPLATE_DIGITS:])
