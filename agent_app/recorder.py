"""Writes the session log as things happen, off the GUI thread.

Every event goes through :class:`cobrowse.sessionlog.SessionLog` (append-only,
crash-safe, fsync'd).  A single worker thread keeps the events in order and keeps
the disk wait out of the Qt event loop.  Nothing typed, no code, no key and no
screen content is ever passed in here.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from cobrowse.session.endpoint import AgentEndpoint
from cobrowse.sessionlog import SessionLog, SessionSummary
from cobrowse.sessionlog.upload import upload_pending

log = logging.getLogger(__name__)
# session.AgentSession.logged kinds that map 1:1 onto session-log kinds
PASSTHROUGH = {
    "joined",
    "paired",
    "consent_requested",
    "consent_granted",
    "consent_denied",
    "control_on",
    "control_off",
    "pause",
    "resume",
    "pointer",
    "step_shown",
    "step_ticked",
    "link_opened",
    "link_refused",
    "note",
    "topic_set",
    "checklist_set",
    "outcome_set",
    "municipality_set",
}


class SessionRecorder:
    """One agent's log; :meth:`start` on pairing, :meth:`record` per event, :meth:`end`."""

    def __init__(
        self,
        log_file: SessionLog,
        agent: str = "",
        municipality: str = "",
        *,
        retention_days: int | None = None,
    ) -> None:
        self.log = log_file
        self.retention_days = retention_days
        self.agent = agent
        self.municipality = municipality
        self.active = False  # GUI side: a session is open
        self.session_id: str | None = None  # worker side: its id once written
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="agent-sessionlog")
        self._pool.submit(self._recover)

    def _recover(self) -> None:
        ended = self.log.recover_unfinished()
        if ended:
            log.warning("closed %d session(s) left open by an earlier crash", len(ended))
        if self.retention_days:  # storage limitation: sessions older than this go
            purged = self.log.purge(timedelta(days=self.retention_days))
            if purged.sessions:
                log.info("retention: removed %d session(s) from the log", purged.sessions)
            if purged.not_uploaded:
                log.warning("retention: %d old session(s) wait for upload", purged.not_uploaded)

    def start(self, **data: Any) -> Future[str]:
        """Begin a session (citizen paired); ``data`` as for ``start_session``."""
        self.active = True
        return self._pool.submit(self._start, data)

    def _start(self, data: dict[str, Any]) -> str:
        self.session_id = self.log.start_session(
            self.agent or "agent", self.municipality or "ukendt", **data
        )
        return self.session_id

    def record(self, kind: str, data: dict[str, Any] | None = None) -> None:
        """Queue one event of the running session (ignored when none is running)."""
        if kind in PASSTHROUGH and self.active:
            self._pool.submit(self._append, kind, dict(data or {}))

    def _append(self, kind: str, data: dict[str, Any]) -> None:
        if self.session_id is None:
            return
        try:
            self.log.append(self.session_id, kind, **data)
        except ValueError as exc:  # our bug: say which event, never its data
            log.error("session log refused a %s event: %s", kind, exc)

    def end(self, outcome: str, **data: Any) -> Future[SessionSummary]:
        """End the running session; the future gives its summary."""
        self.active = False
        return self._pool.submit(self._end, outcome, data)

    def _end(self, outcome: str, data: dict[str, Any]) -> SessionSummary:
        sid, self.session_id = self.session_id, None
        if sid is None:
            raise ValueError("no session is running")
        return self.log.end_session(sid, outcome, **data)

    def upload(self, endpoint: AgentEndpoint | None) -> None:
        """Send every ended, not yet uploaded session to the relay's statistics."""
        if endpoint is not None:
            self._pool.submit(self._upload, endpoint)

    def _upload(self, endpoint: AgentEndpoint) -> None:
        try:
            upload_pending(self.log, endpoint)
        except ValueError as exc:
            log.warning("statistics upload not sent: %s", exc)

    def wait(self) -> None:
        """Block until every queued write is committed (tests, shutdown)."""
        self._pool.submit(lambda: None).result(timeout=10)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.log.close()
