"""Glue between what happens in a session and the session log.

:class:`Logbook` decides when a log session starts (the citizen paired), keeps the
reason the session ended, and writes the summary when the agent finishes -
handing the :class:`~cobrowse.sessionlog.SessionSummary` back as a queued signal
and sending ended sessions on to the relay's statistics.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, Signal

from agent_app.recorder import SessionRecorder
from cobrowse.session.endpoint import AgentEndpoint
from cobrowse.sessionlog import SessionSummary

log = logging.getLogger(__name__)


class Logbook(QObject):
    summary_ready = Signal(object)  # SessionSummary, once the ended event is committed

    def __init__(
        self,
        recorder: SessionRecorder,
        start_data: Callable[[], dict[str, Any]],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.recorder = recorder
        self._start_data = start_data
        self.end_reason = "agent_ended"

    @property
    def active(self) -> bool:
        return self.recorder.active

    def log(self, kind: str, data: dict[str, Any]) -> None:
        """One happening, as reported by the session or the panels."""
        if kind == "paired":
            self.end_reason = "agent_ended"
            self.recorder.start(**self._start_data())
            self.recorder.record("joined")
        elif kind == "session_ended" and (data["by_peer"] or data["reason"] != "done"):
            by_citizen = data["by_peer"] and data["reason"] == "done"
            self.end_reason = "citizen_ended" if by_citizen else str(data["reason"])
        self.recorder.record(kind, data)

    def finish(self, outcome: str, endpoint: AgentEndpoint | None) -> None:
        """End the log session with ``outcome``; the summary arrives via the signal."""
        future = self.recorder.end(outcome, reason=self.end_reason)
        future.add_done_callback(self.written)
        self.recorder.upload(endpoint)

    def abandon(self, outcome: str, reason: str = "app_closed") -> Future[SessionSummary]:
        """End the log session now although the agent did not finish it (the app is
        closing, or the relay link is gone): the outcome chosen so far, or
        ``interrupted`` - never a guessed "not solved"."""
        return self.recorder.end(outcome or "interrupted", reason=reason)

    def written(self, future: Future[SessionSummary]) -> None:
        """Hand the summary on (``summary_ready``) once the end is committed."""
        if future.exception() is None:  # runs on the log thread: the signal is queued
            self.summary_ready.emit(future.result())
        else:
            log.error("the session summary could not be written: %s", future.exception())
