"""The *Statistik* action: shown to supervisors and admins, opens one StatsWindow.

:class:`StatsLauncher` follows the signed-in account: the action is visible and
enabled only while a ``supervisor`` or ``admin`` is signed in (the relay checks the
role again on every request).  Triggering it opens the :class:`StatsWindow`, or
raises it when it is already open.  The window asks the *current* endpoint
(``AgentEndpoint.request_stats`` only queues work on the network thread, so the GUI
never waits); when nobody is signed in the answer is a ``not_signed_in`` refusal.
When the account loses access (signed out, or someone without the role signs in)
the window is closed, so no figures stay on screen for the next person.
"""

from __future__ import annotations

import concurrent.futures
from datetime import date
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from agent_app.session import AgentSession
from agent_app.stats_controls import Viewer
from agent_app.stats_window import StatsWindow
from cobrowse.session.endpoint import SignedIn, StatsError

STATS_ROLES = ("supervisor", "admin")


class StatsLauncher:
    """Owns the supervisor's statistics window for ``parent``."""

    def __init__(self, session: AgentSession, action: QAction, parent: QWidget) -> None:
        self.session, self.action, self.parent = session, action, parent
        self.window: StatsWindow | None = None
        self._account = ""
        action.triggered.connect(self.open)
        session.signed_in.connect(self._on_signed_in)
        session.phase_changed.connect(self._on_phase)
        self._allow(False)

    @property
    def allowed(self) -> bool:
        return self.action.isEnabled()

    def open(self) -> StatsWindow | None:
        """Show (or raise) the window and, the first time, fetch this month's figures."""
        if not self.allowed:
            return None
        if self.window is None:
            account = self.session.account
            viewer = Viewer(account.role, account.municipality) if account else None
            self.window = StatsWindow(
                self.fetch, self.parent, viewer=viewer, contacts=self.fetch_contacts
            )
            self.window.refresh()
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        return self.window

    def fetch(
        self, date_from: date, date_to: date, municipality: str | None = None
    ) -> concurrent.futures.Future[dict[str, Any]]:
        endpoint = self.session.endpoint
        if endpoint is None or self.session.account is None:
            return _refused()
        return endpoint.request_stats(date_from, date_to, municipality)

    def fetch_contacts(
        self, date_from: date, date_to: date, municipality: str | None, offset: int
    ) -> concurrent.futures.Future[dict[str, Any]]:
        """One page of contact records (called on the export's worker thread:
        ``request_contacts`` only queues work on the network thread)."""
        endpoint = self.session.endpoint
        if endpoint is None or self.session.account is None:
            return _refused()
        return endpoint.request_contacts(date_from, date_to, municipality, offset)

    def _on_signed_in(self, account: SignedIn) -> None:
        if account.name != self._account:
            self._close()  # another person: never show them the last one's window
        self._account = account.name
        self._allow(account.role in STATS_ROLES)

    def _on_phase(self, phase: str) -> None:
        if phase == "signed_out":
            self._allow(False)

    def _allow(self, allowed: bool) -> None:
        self.action.setVisible(allowed)
        self.action.setEnabled(allowed)
        if not allowed:
            self._close()

    def _close(self) -> None:
        window, self.window = self.window, None
        if window is not None:
            window.close()
            window.deleteLater()


def _refused() -> concurrent.futures.Future[dict[str, Any]]:
    refused: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
    refused.set_exception(StatsError("not_signed_in", "not signed in"))
    return refused
