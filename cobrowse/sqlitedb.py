"""One SQLite connection shared by threads: a lock, explicit transactions, close."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self


class LockedDatabase:
    """Base for stores that own ``self._db`` (autocommit mode) behind ``self._lock``.

    Subclasses set ``self._db`` in ``__init__`` (``isolation_level=None``,
    ``check_same_thread=False``) and write only inside ``with self._tx() as db:``.
    """

    _db: sqlite3.Connection
    _lock: threading.Lock

    def close(self) -> None:
        """Close the database; the object is unusable afterwards."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on error."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
