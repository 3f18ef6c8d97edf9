"""The session log's hash chain: canonical row encoding, linking and verification.

Every event row carries ``prev_hash`` (the previous row's hash, or GENESIS for the
first) and ``hash = sha256(prev_hash + canonical_json(seq, session_id, at, kind,
data))``. One chain runs through the whole file, so removing, altering or
reordering any row breaks a link. The ``meta`` table's ``head_seq``/``head_hash``
(written in the same transaction as each event) make truncation at the end
detectable too.

Retention purges a prefix of the chain (whole sessions, oldest first). The newest
row of the ``purges`` table then names the last removed row's seq and hash (the
anchor), and verification starts from it instead of GENESIS.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8 kept as is."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def format_at(at: datetime) -> str:
    """The stored form of an event time: UTC ISO 8601 with microseconds."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("event times must be timezone-aware datetimes")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def row_hash(
    prev_hash: str, seq: int, session_id: str, at: str, kind: str, data: Mapping[str, Any]
) -> str:
    """The hash of one event row, linking it to ``prev_hash``."""
    body = canonical_json(
        {"seq": seq, "session_id": session_id, "at": at, "kind": kind, "data": dict(data)}
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Outcome of :meth:`SessionLog.verify`.

    ``first_bad_seq`` is the first event position whose integrity cannot be
    confirmed (None when ok, or when only a session summary row disagrees).
    """

    ok: bool
    first_bad_seq: int | None
    message: str
    events_checked: int = 0


def verify_chain(
    rows: Iterable[tuple[Any, ...]],
    head_seq: int,
    head_hash: str,
    anchor: tuple[int, str] = (0, GENESIS),
) -> VerifyResult:
    """Walk ``(seq, session_id, at, kind, data_json, prev_hash, hash)`` rows in seq order.

    ``anchor`` is ``(seq, hash)`` of the last purged row: the chain continues from it.
    """
    expected_prev, expected_seq, count = anchor[1], anchor[0] + 1, 0
    for seq, session_id, at, kind, data_json, prev_hash, hash_ in rows:
        bad = _check_row(
            expected_seq, expected_prev, seq, session_id, at, kind, data_json, prev_hash, hash_
        )
        if bad is not None:
            return VerifyResult(False, bad[0], bad[1], count)
        expected_prev, expected_seq, count = hash_, seq + 1, count + 1
    if expected_seq - 1 != head_seq or expected_prev != head_hash:
        last = expected_seq - 1
        return VerifyResult(
            False,
            last + 1,
            f"the log ends at event {last} but its head "
            f"records event {head_seq}: events at the end were removed",
            count,
        )
    return VerifyResult(True, None, f"{count} events, chain intact", count)


def _check_row(
    expected_seq: int,
    expected_prev: str,
    seq: int,
    session_id: str,
    at: str,
    kind: str,
    data_json: str,
    prev_hash: str,
    hash_: str,
) -> tuple[int, str] | None:
    if seq != expected_seq:
        if seq > expected_seq:
            return expected_seq, f"event {expected_seq} is missing (next is {seq})"
        return expected_seq, f"event {seq} appears out of order"
    if prev_hash != expected_prev:
        return seq, "its previous-hash does not match the event before it"
    try:
        data = json.loads(data_json)
    except (TypeError, ValueError):
        return seq, "its data is not valid JSON"
    if not isinstance(data, dict) or row_hash(prev_hash, seq, session_id, at, kind, data) != hash_:
        return seq, "its contents do not match its hash (the row was altered)"
    return None
