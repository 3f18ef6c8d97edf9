"""Retention: remove whole sessions older than N days from the front of the chain.

The log is one hash chain, so only a *prefix* can go without breaking it: the
sessions removed are the oldest ended sessions up to the first one that must be
kept (still running, ended within the retention period, or - unless asked to -
not yet uploaded to the relay's statistics).  Before deleting, the
last removed row's seq and hash are written to the append-only ``purges`` table;
verification starts from that anchor, and the delete trigger refuses any row above
it.  The anchor's session was uploaded with that same hash as its chain head, so
``cobrowse-log verify --relay`` can check the anchor too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from cobrowse.sessionlog.chain import GENESIS

DEFAULT_DAYS = 90
"""How long the agent app keeps ended sessions unless its settings say otherwise."""


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What one purge removed (zero sessions when nothing was old enough)."""

    sessions: int
    events: int
    anchor_seq: int
    not_uploaded: int = 0  # old enough, but kept until the relay has them


def anchor(db: sqlite3.Connection) -> tuple[int, str, str | None]:
    """``(seq, hash, session_id)`` of the newest purge anchor, or ``(0, GENESIS, None)``."""
    row = db.execute(
        "SELECT anchor_seq, anchor_hash, anchor_session FROM purges "
        "ORDER BY anchor_seq DESC LIMIT 1"
    ).fetchone()
    return (0, GENESIS, None) if row is None else (int(row[0]), str(row[1]), str(row[2]))


def cut(spans: Iterable[tuple[int, int, bool]]) -> int:
    """The last seq that can go: ``spans`` are ``(first_seq, last_seq, purgeable)``
    per session.  A boundary is clean where no earlier session runs past it."""
    done = reach = 0
    for first, last, purgeable in sorted(spans):
        if first > reach:
            done = reach
        if not purgeable:
            return done
        reach = max(reach, last)
    return reach


def purge(
    db: sqlite3.Connection, cutoff: str, now: str, *, keep_not_uploaded: bool = True
) -> PurgeResult:
    """Remove the sessions that ended before ``cutoff`` (stored time text), as far
    as the chain allows; call inside a transaction."""
    spans = db.execute(
        "SELECT e.session_id, MIN(e.seq), MAX(e.seq), s.ended_at, s.uploaded FROM events e "
        "JOIN sessions s USING (session_id) GROUP BY e.session_id"
    ).fetchall()
    old = {sid for sid, _, _, ended, _ in spans if ended is not None and ended < cutoff}
    waiting = {sid for sid, _, _, _, uploaded in spans if sid in old and not uploaded}
    keep = waiting if keep_not_uploaded else set()
    last = cut((first, end, sid in old - keep) for sid, first, end, _, _ in spans)
    if last <= anchor(db)[0]:
        return PurgeResult(0, 0, anchor(db)[0], len(keep))
    row = db.execute("SELECT hash, session_id FROM events WHERE seq=?", (last,)).fetchone()
    gone = [sid for sid, first, _, _, _ in spans if first <= last]
    db.execute("INSERT INTO purges VALUES (?, ?, ?, ?, ?)", (last, row[0], row[1], now, len(gone)))
    events = db.execute("DELETE FROM events WHERE seq <= ?", (last,)).rowcount
    db.executemany("DELETE FROM sessions WHERE session_id=?", [(sid,) for sid in gone])
    return PurgeResult(len(gone), events, last, len(keep))
