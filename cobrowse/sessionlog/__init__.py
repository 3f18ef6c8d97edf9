"""The agent-side session log: an append-only, hash-chained event log in SQLite
(:mod:`.store`), its record model (:mod:`.model`), hash chain (:mod:`.chain`),
schema (:mod:`.db`), exports (:mod:`.export`), the upload to the hotline
statistics (:mod:`.upload`) and the ``cobrowse-log`` command (:mod:`.cli`)."""

from cobrowse.sessionlog.store import (
    KINDS,
    OUTCOMES,
    Event,
    SessionLog,
    SessionLogError,
    SessionSummary,
    VerifyResult,
    agent_driven_seconds,
    validate_data,
)

__all__ = [
    "KINDS",
    "OUTCOMES",
    "Event",
    "SessionLog",
    "SessionLogError",
    "SessionSummary",
    "VerifyResult",
    "agent_driven_seconds",
    "validate_data",
]
