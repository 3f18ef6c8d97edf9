"""One database connection for the relay's stores: SQLite (a file) or PostgreSQL (a URL).

The stores write their SQL once, in the subset both backends understand, with
``?`` placeholders; :class:`Database` turns them into psycopg's ``%s`` for
PostgreSQL.  What differs between the two is kept here and in the migrations
(relay/migrations.py), not in every query.  Why no SQLAlchemy: docs/statistics.md.

A :class:`Database` is shared by threads behind a lock.  Every call blocks, so
code on the relay's event loop calls it through ``asyncio.to_thread``.  Errors of
either driver come out as :class:`DatabaseError` (a unique key broken:
:class:`IntegrityError`), with any password in the URL left out of the message.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Self

from cobrowse.errors import CobrowseError

__all__ = ["Database", "DatabaseError", "IntegrityError", "Tx", "is_url", "redact"]

Row = tuple[Any, ...]
_URL = re.compile(r"postgres(?:ql)?://", re.IGNORECASE)
_SECRET = re.compile(r"(://[^:/@]*:)[^@]*@")


class DatabaseError(CobrowseError):
    """The database refused or failed; the message names the database, not its password."""

    reason = "database"


class IntegrityError(DatabaseError):
    """A unique or check constraint was broken."""


def is_url(location: str | Path) -> bool:
    """True if ``location`` names a PostgreSQL database (``postgresql://...``)."""
    return isinstance(location, str) and _URL.match(location) is not None


def redact(location: str | Path) -> str:
    """``location`` fit for logs and messages: a URL's password becomes ``***``."""
    return _SECRET.sub(r"\1***@", str(location))


class Tx:
    """The statements of one transaction (see :meth:`Database.transaction`)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the number of rows it changed."""
        return int(self._db._run(lambda c: c.execute(self._db._sql(sql), params).rowcount))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._db._run(lambda c: c.cursor().executemany(self._db._sql(sql), rows))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        rows: list[Row] = self._db._run(lambda c: c.execute(self._db._sql(sql), params).fetchall())
        return rows

    @property
    def dialect(self) -> str:
        return self._db.dialect


class Database:
    """An open database at ``location``: a file path (SQLite, created if missing)
    or a ``postgresql://`` URL (the database must exist; psycopg 3 is needed).

    ``wal``: put a SQLite file in write-ahead-log mode (readers never wait for the
    writer); without it every commit lands in the file itself, which may then be
    copied as it is."""

    def __init__(self, location: str | Path, *, wal: bool = True) -> None:
        self.location = location
        self._wal = wal
        self.dialect = "postgresql" if is_url(location) else "sqlite"
        self._lock = threading.RLock()
        self._conn: Any = None
        self._closed = False
        self._connect()

    def __repr__(self) -> str:
        return f"Database({redact(self.location)!r})"

    def _connect(self) -> None:
        if self.dialect == "postgresql":
            self._conn = _connect_postgresql(str(self.location))
            return
        path = Path(self.location)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=10
        )
        try:
            if self._wal:
                _write_ahead_log(self._conn)
            else:
                self._conn.execute("SELECT 1")
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise DatabaseError(f"{path} is not a usable database: {exc}") from exc

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == "postgresql" else sql

    def _run(self, work: Any) -> Any:
        """``work(connection)`` under the lock, driver errors as :class:`DatabaseError`."""
        with self._lock:
            try:
                return work(self._conn)
            except sqlite3.IntegrityError as exc:
                raise IntegrityError(str(exc)) from exc
            except sqlite3.Error as exc:
                raise DatabaseError(f"{redact(self.location)}: {exc}") from exc
            except Exception as exc:
                ours = _postgresql_error(exc, self.location)
                if ours is exc:
                    raise
                raise ours from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The rows of one read-only statement (outside any transaction)."""
        with self._lock:
            self._reconnect_if_broken()
            return Tx(self).query(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One transaction, committed on success and rolled back on any error.

        SQLite takes the write lock at once (``BEGIN IMMEDIATE``); PostgreSQL runs
        at its default READ COMMITTED level.
        """
        with self._lock:
            self._reconnect_if_broken()
            begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
            self._run(lambda c: c.execute(begin))
            try:
                yield Tx(self)
            except BaseException:
                self._rollback()
                raise
            self._run(lambda c: c.execute("COMMIT"))

    def _rollback(self) -> None:
        try:
            self._run(lambda c: c.execute("ROLLBACK"))
        except DatabaseError:
            pass  # the connection broke: the server rolled back; reconnect next time

    def _reconnect_if_broken(self) -> None:
        """PostgreSQL restarted or the line broke: open a new connection once."""
        if self._closed:
            raise DatabaseError(f"{redact(self.location)} was closed")
        if self.dialect == "postgresql" and (self._conn.closed or self._conn.broken):
            self._conn.close()
            self._connect()

    def close(self) -> None:
        """Close the connection; the object is unusable afterwards."""
        with self._lock:
            self._closed = True
            self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect_postgresql(url: str) -> Any:
    try:
        import psycopg
    except ImportError:
        raise DatabaseError(
            "a postgresql:// database needs psycopg 3: pip install 'cobrowse[relay]'"
        ) from None
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise DatabaseError(f"cannot connect to {redact(url)}: {_first_line(exc)}") from None


def _postgresql_error(exc: Exception, location: str | Path) -> Exception:
    """A psycopg error as ours; anything else (our own bug) unchanged."""
    try:
        import psycopg
    except ImportError:
        return exc
    if isinstance(exc, psycopg.errors.IntegrityError):
        return IntegrityError(_first_line(exc))
    if isinstance(exc, psycopg.Error):
        return DatabaseError(f"{redact(location)}: {_first_line(exc)}")
    return exc


def _first_line(exc: Exception) -> str:
    return redact(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)


def _write_ahead_log(conn: sqlite3.Connection, patience: float = 30.0) -> None:
    """Put the SQLite file in WAL mode.  The switch needs the file to itself, and the
    busy time-out does not always cover it: relays opening a new database together
    can be told "locked" while another one switches or migrates.  Once any of them
    has switched, the file stays in WAL mode, so a "locked" with WAL already on is
    done; otherwise try again (briefly) until ``patience`` runs out."""
    deadline = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
                return
            if time.monotonic() > deadline:
                raise
        time.sleep(0.05)  # a bounded back-off between attempts, like SQLite's own
