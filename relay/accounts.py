"""Agent accounts: ``DATA_DIR/relay.db`` (or any relay/db.py database), scrypt hashes.

Only IT staff create accounts (``cobrowse-relay add-agent``).  A password is
stored as a self-describing string ``scrypt$n$r$p$salt$hash`` (base64 parts) and
checked in constant time.  :meth:`AccountStore.verify` is deliberately slow
(scrypt): call it from a worker thread, never on an event loop.

A store holds one connection (relay/db.py) and may be shared by threads.  The
table lives in the "accounts" migration track (relay/migrations.py), so the same
store works on PostgreSQL given a ``postgresql://`` URL (docs/relay.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cobrowse.errors import CobrowseError
from relay.db import Database, IntegrityError
from relay.migrations import Migration, migrate

ROLES = ("agent", "supervisor", "admin")
MIN_PASSWORD = 12
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

_AGENTS = """
CREATE TABLE IF NOT EXISTS agents (
    name TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    municipality TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin')),
    pw_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
)
"""
MIGRATIONS = (Migration(1, "agent accounts (the table as before migrations)", (_AGENTS,)),)
_COLUMNS = "name, display_name, municipality, role, disabled, created"


class AccountError(CobrowseError):
    """An account operation failed; the message says why."""

    reason = "account"


class UnknownAgent(AccountError):
    reason = "unknown_agent"


class DuplicateAgent(AccountError):
    reason = "duplicate_agent"


class BadLogin(AccountError):
    """Wrong name or password (deliberately not saying which)."""

    reason = "bad_login"


class AccountDisabled(AccountError):
    """The password was right but IT staff disabled the account."""

    reason = "account_disabled"


@dataclass(frozen=True, slots=True)
class Account:
    """One agent account as shown to the relay; never carries the hash."""

    name: str
    display_name: str
    municipality: str
    role: str
    disabled: bool
    created: str


def hash_password(password: str, salt: bytes | None = None) -> str:
    """Hash ``password`` with scrypt (n=2**14, r=8, p=1, 16-byte salt)."""
    salt = secrets.token_bytes(16) if salt is None else salt
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return "$".join(
        ["scrypt", str(_SCRYPT_N), str(_SCRYPT_R), str(_SCRYPT_P), _b64(salt), _b64(digest)]
    )


def check_password(password: str, stored: str) -> bool:
    """True if ``password`` matches the ``stored`` hash (constant-time compare)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


def generate_password(length: int = 20) -> str:
    """A strong random password without look-alike characters (~114 bits)."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


_DUMMY_HASH = hash_password("no such agent", salt=b"\0" * 16)


class AccountStore:
    """The agents table in the database at ``location`` (a SQLite file, created if
    missing, or a ``postgresql://`` URL)."""

    def __init__(self, location: Path | str) -> None:
        self.location = location
        self._db = Database(location, wal=False)  # relay.db stays one plain file
        migrate(self._db, "accounts", MIGRATIONS)

    def close(self) -> None:
        self._db.close()

    def add(
        self, name: str, display_name: str, municipality: str, password: str, role: str = "agent"
    ) -> Account:
        """Create an account; raises :class:`DuplicateAgent` or :class:`AccountError`."""
        _check_name(name)
        _check_role(role)
        _check_password(password)
        if not display_name.strip() or not municipality.strip():
            raise AccountError("display name and municipality must not be empty")
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        row = (name, display_name.strip(), municipality.strip(), role, hash_password(password))
        try:
            with self._db.transaction() as tx:
                tx.execute("INSERT INTO agents VALUES (?, ?, ?, ?, ?, 0, ?)", (*row, created))
        except IntegrityError:
            raise DuplicateAgent(f"agent {name!r} already exists") from None
        return self.get(name)

    def get(self, name: str) -> Account:
        """The account called ``name``; raises :class:`UnknownAgent`."""
        rows = self._db.query(f"SELECT {_COLUMNS} FROM agents WHERE name = ?", (name,))
        if not rows:
            raise UnknownAgent(f"no agent called {name!r}")
        return _account(rows[0])

    def verify(self, name: str, password: str) -> Account:
        """Check a login.  Slow on purpose: run it in a thread.

        Raises :class:`BadLogin` for an unknown name or a wrong password (same
        work either way), :class:`AccountDisabled` if the password is right but
        the account is disabled.
        """
        rows = self._db.query("SELECT pw_hash FROM agents WHERE name = ?", (name,))
        stored = _DUMMY_HASH if not rows else str(rows[0][0])
        if not check_password(password, stored) or not rows:
            raise BadLogin("wrong name or password")
        account = self.get(name)
        if account.disabled:
            raise AccountDisabled(f"agent {name!r} is disabled")
        return account

    def list(self) -> list[Account]:
        """All accounts, sorted by name."""
        return [_account(r) for r in self._db.query(f"SELECT {_COLUMNS} FROM agents ORDER BY name")]

    def disable(self, name: str) -> None:
        self._update(name, "disabled = 1", ())

    def enable(self, name: str) -> None:
        self._update(name, "disabled = 0", ())

    def set_role(self, name: str, role: str) -> None:
        _check_role(role)
        self._update(name, "role = ?", (role,))

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        self._update(name, "pw_hash = ?", (hash_password(password),))

    def _update(self, name: str, assignment: str, args: tuple[str, ...]) -> None:
        with self._db.transaction() as tx:
            changed = tx.execute(f"UPDATE agents SET {assignment} WHERE name = ?", (*args, name))
        if changed == 0:
            raise UnknownAgent(f"no agent called {name!r}")


def _account(row: tuple[object, ...]) -> Account:
    return Account(str(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]), str(row[5]))


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"agent name {name!r} must be 1-64 lowercase letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        )


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"password must have at least {MIN_PASSWORD} characters")
