"""Send ended sessions from the agent's session log to the relay's statistics.

The agent app calls :func:`upload_pending` when a session ends and right after
signing in (for any session a crash or a lost connection kept back)::

    futures = upload_pending(log, endpoint)   # returns at once

Every session :meth:`SessionLog.pending_uploads` lists is sent, in batches within
the protocol's limits.  When the relay's ``stats_stored`` answer arrives, the
sessions it holds are marked uploaded.  That happens on the endpoint's network
thread (one short SQLite transaction; :class:`SessionLog` is thread-safe), so the
caller never waits.  Sending twice is harmless: the relay stores a session once.
Rejected sessions stay pending and are logged; they are tried again next time.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import logging
from typing import Any

from cobrowse.session.endpoint import (
    MAX_UPLOAD_BYTES,
    MAX_UPLOAD_SESSIONS,
    AgentEndpoint,
    StatsStored,
)
from cobrowse.sessionlog import SessionLog

log = logging.getLogger(__name__)
_ENVELOPE = len('{"type":"stats_upload","sessions":[]}')


def upload_pending(
    log_: SessionLog, endpoint: AgentEndpoint
) -> list[concurrent.futures.Future[StatsStored]]:
    """Send every pending session; one future per batch, resolved once the
    stored sessions are marked uploaded (or failed with ``StatsError``)."""
    payloads = [log_.session_upload(sid) for sid in log_.pending_uploads()]
    futures = []
    for batch in batches(payloads):
        done: concurrent.futures.Future[StatsStored] = concurrent.futures.Future()
        sent = endpoint.upload(batch)
        sent.add_done_callback(functools.partial(_acknowledged, log_, done=done))
        futures.append(done)
    return futures


def batches(payloads: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Split payloads into messages within the protocol's count and size limits.

    A session too large to send at all is left out (and stays pending).
    """
    out: list[list[dict[str, Any]]] = []
    batch: list[dict[str, Any]] = []
    size = _ENVELOPE
    for payload in payloads:
        length = (
            len(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")) + 1
        )
        if _ENVELOPE + length > MAX_UPLOAD_BYTES:
            log.warning(
                "session %s is too large to upload (%d bytes)",
                payload["session"]["session_id"],
                length,
            )
            continue
        if batch and (size + length > MAX_UPLOAD_BYTES or len(batch) == MAX_UPLOAD_SESSIONS):
            out.append(batch)
            batch, size = [], _ENVELOPE
        batch.append(payload)
        size += length
    if batch:
        out.append(batch)
    return out


def _acknowledged(
    log_: SessionLog,
    sent: concurrent.futures.Future[StatsStored],
    *,
    done: concurrent.futures.Future[StatsStored],
) -> None:
    """On the network thread: mark what the relay holds, then resolve ``done``."""
    try:
        stored = sent.result()
        log_.mark_uploaded(stored.session_ids)
    except Exception as exc:  # noqa: BLE001 - handed to whoever waits on ``done``
        log.warning("statistics upload not acknowledged: %s", exc)
        done.set_exception(exc)
        return
    for session_id, reason in stored.rejected:
        log.warning("the relay refused session %s: %s", session_id, reason)
    done.set_result(stored)
