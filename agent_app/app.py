"""Builds the agent app from its parts and runs the sign-in flow.

Kept apart from :mod:`agent_app.main` (argument parsing) so tests can build the
whole app with a temporary session log, checklist folder and settings file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSettings

from agent_app.frames import Compositor, FrameWorker, default_compositor
from agent_app.recorder import SessionRecorder
from agent_app.session import AgentSession
from agent_app.signin import SignInDialog
from agent_app.window import MainWindow
from cobrowse.checklists import DEFAULT_FOLDER, Catalogue, load_folders
from cobrowse.sessionlog import SessionLog


class AgentApp(QObject):
    """Owns the session, the frame worker, the recorder, the window and the sign-in dialog."""

    def __init__(
        self,
        settings: QSettings,
        log_path: Path,
        checklist_folder: Path | None,
        relay_url: str = "",
        name: str = "",
        make_compositor: Callable[[], Compositor] = default_compositor,
    ) -> None:
        super().__init__()
        self.catalogue: Catalogue = load_folders(
            [DEFAULT_FOLDER, *([checklist_folder] if checklist_folder else [])]
        )
        self.frames = FrameWorker(make_compositor)
        self.session = AgentSession(self.frames.sink, frame_forget=self.frames.forget, parent=self)
        self.recorder = SessionRecorder(SessionLog(log_path))
        self.window = MainWindow(self.session, self.frames, self.catalogue, self.recorder)
        self.dialog = SignInDialog(settings, relay_url, name, self.window)
        self.dialog.submitted.connect(self.session.sign_in)
        self.dialog.rejected.connect(self._dialog_closed)
        self.session.signed_in.connect(lambda _: self.dialog.accept())
        self.session.sign_in_failed.connect(self._sign_in_failed)

    def start(self) -> None:
        self.window.show()
        self.dialog.open()

    def _sign_in_failed(self, reason: str, text: str) -> None:
        if not self.dialog.isVisible():
            self.dialog.open()
        self.dialog.show_error(text)

    def _dialog_closed(self) -> None:
        if self.session.account is None and self.session.phase == "signed_out":
            self.window.close()

    def shutdown(self) -> None:
        self.frames.close()
        self.session.shutdown()
        self.recorder.close()
