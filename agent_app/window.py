"""The main window: composes the small widgets and wires them to the session.

Left: the code page until the citizen allows viewing, then the remote view.
Right: the checklist and the session log.  All slots run on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from agent_app import texts
from agent_app.checklistpanel import ChecklistPanel
from agent_app.checknumber import CheckNumberBanner
from agent_app.codeentry import CodePage
from agent_app.frames import FrameUpdate, FrameWorker
from agent_app.logbook import Logbook
from agent_app.logpanel import LogPanel
from agent_app.recorder import SessionRecorder
from agent_app.remoteinput import InputRouter
from agent_app.remoteview import RemoteView
from agent_app.session import AgentSession
from agent_app.statsaction import StatsLauncher
from agent_app.statusline import StatusLine
from agent_app.toolbar import SessionToolbar
from cobrowse.checklists import Catalogue, Checklist
from cobrowse.errors import CodeError
from cobrowse.session import events as ev
from qtlang import translate

log = logging.getLogger(__name__)
CODE_PAGE_PHASES = ("signed_out", "ready", "joining", "pairing", "waiting_view", "view_denied")
END_QUESTION = QT_TRANSLATE_NOOP("agent", "Afslut sessionen med borgeren nu?")
FORGET_SCREEN = ("paused", "ended", "signed_out", "ready")
WAITING = QT_TRANSLATE_NOOP("agent", "Venter på borgerens skærm …")
OVERLAYS: dict[str, object] = {  # translated where shown
    "paused": QT_TRANSLATE_NOOP(
        "agent", "Borgeren har sat skærmdelingen på pause.\nDu ser intet, før borgeren fortsætter."
    ),
    "reconnecting": QT_TRANSLATE_NOOP(
        "agent", "Borgerens forbindelse er afbrudt – venter på, at borgeren kommer tilbage …"
    ),
    "ended": QT_TRANSLATE_NOOP(
        "agent", "Sessionen er slut.\nVælg udfald, og tryk »Afslut session«."
    ),
}


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: AgentSession,
        frames: FrameWorker,
        catalogue: Catalogue,
        recorder: SessionRecorder,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session, self.frames, self.recorder = session, frames, recorder
        self.setWindowTitle(translate("agent", "Digital hjælp – agent"))
        self.code_page = CodePage()
        self.view = RemoteView()
        self.canvas = self.view.canvas
        self.notice = QLabel()
        self.notice.setStyleSheet(
            "background: #fff3c4; color: #3d2e00; padding: 6px; font-weight: bold;"
        )
        self.notice.hide()
        self.check_number = CheckNumberBanner()
        self._notice_timer = QTimer(self, singleShot=True, interval=8000)
        self._notice_timer.timeout.connect(self.notice.hide)
        self.checklists = ChecklistPanel(catalogue)
        self.log_panel = LogPanel([c.topic for c in catalogue.checklists])
        self.toolbar = SessionToolbar()
        self.status = StatusLine()
        self.router = InputRouter(session.send)
        self.logbook = Logbook(recorder, self._start_data, self)
        self.summary_ready = self.logbook.summary_ready  # SessionSummary after each session
        self._log = self.logbook.log
        self.confirm_end: Callable[[], bool] = self._ask_end  # tests answer for the agent
        self._build()
        self.stats = StatsLauncher(session, self.toolbar.stats, self)  # supervisors only
        self._wire_session()
        self._wire_widgets()

    def _build(self) -> None:
        self.stack = QStackedWidget()
        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(self.code_page, 0, Qt.AlignmentFlag.AlignHCenter)
        self.stack.addWidget(page)
        self.stack.addWidget(self.view)
        left = QWidget()
        left_box = QVBoxLayout(left)
        left_box.setContentsMargins(0, 0, 0, 0)
        left_box.addWidget(self.notice)
        left_box.addWidget(self.check_number)
        left_box.addWidget(self.stack, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.checklists, translate("agent", "&Tjekliste"))
        self.tabs.addTab(self.log_panel, translate("agent", "&Log"))
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 380])
        self.setCentralWidget(splitter)
        self.addToolBar(self.toolbar)
        self.setStatusBar(self.status)
        self.resize(1280, 800)

    def _wire_session(self) -> None:
        s = self.session
        s.phase_changed.connect(self._on_phase)
        s.signed_in.connect(self._on_signed_in)
        s.join_failed.connect(self.code_page.show_error)
        s.verifier.connect(self.check_number.set_number)
        s.verifier.connect(self.toolbar.set_verifier)
        s.notice.connect(self.show_notice)
        s.screen_info.connect(self.toolbar.set_screen_info)
        s.cursor.connect(lambda c: self.canvas.set_cursor_position(c.x, c.y, c.visible))
        s.cursor_shape.connect(self.canvas.set_cursor_shape)
        s.stats.connect(self.status.link_stats)
        s.ended.connect(self._on_ended)
        s.sign_in_failed.connect(self._on_signed_out)
        s.logged.connect(self._log)
        self.frames.updated.connect(self._on_frame, Qt.ConnectionType.QueuedConnection)
        self.frames.failed.connect(self.show_notice, Qt.ConnectionType.QueuedConnection)

    def _wire_widgets(self) -> None:
        c, r = self.canvas, self.router
        c.moved.connect(r.move)
        c.button.connect(self._on_button)
        c.wheeled.connect(r.wheel)
        c.key.connect(r.key)
        c.escape.connect(self.session.release_control)
        self.code_page.join_requested.connect(self._join)
        self.code_page.ask_again.connect(self.session.request_view)
        self.toolbar.mode_selected.connect(self._select_mode)
        self.toolbar.release_control.connect(self.session.release_control)
        self.toolbar.send_escape.connect(lambda: r.tap("esc"))
        self.toolbar.fit_toggled.connect(self.view.set_fit)
        self.toolbar.end_requested.connect(self._end_clicked)
        self.toolbar.monitor_selected.connect(lambda i: self.session.send(ev.SelectMonitor(i)))
        self.checklists.chosen.connect(self._on_checklist)
        self.checklists.ticked.connect(self._on_tick)
        self.checklists.show_step.connect(self._show_step)
        self.checklists.open_link.connect(self._open_link)
        self.log_panel.logged.connect(self._log)
        self.log_panel.end_requested.connect(self.end_session)

    # --- session -> widgets ------------------------------------------------------

    def _on_signed_in(self, account: Any) -> None:
        self.code_page.set_greeting(account.display_name, account.municipality)
        self.recorder.agent, self.recorder.municipality = account.name, account.municipality
        self.recorder.upload(self.session.endpoint)  # anything a crash or lost link kept back

    def _on_phase(self, phase: str) -> None:
        self.toolbar.set_phase(phase)
        self.check_number.show_for(phase)
        self.status.set_phase(phase)
        self.code_page.show_phase(phase)
        self.checklists.set_live(phase in ("viewing", "controlling", "waiting_control", "paused"))
        on_code_page = phase in CODE_PAGE_PHASES or (phase == "ended" and not self.logbook.active)
        self.stack.setCurrentIndex(0 if on_code_page else 1)
        if phase in FORGET_SCREEN:  # nothing of the citizen's screen stays on ours
            self.canvas.clear()
            if phase != "paused":  # a pause is forgotten in order with the frames
                self.frames.reset()
        waiting = WAITING if self.canvas.image.isNull() else ""
        self.canvas.set_overlay(translate("agent", str(OVERLAYS.get(phase, waiting))))
        mode = (
            "control"
            if phase == "controlling"
            else (
                self.router.mode if phase == "viewing" and self.router.mode == "point" else "view"
            )
        )
        self._set_mode(mode)
        # A session cut off by a lost relay link still needs its outcome logged.
        can_end = phase not in ("ready", "signed_out") or self.logbook.active
        self.log_panel.end_button.setEnabled(can_end)
        self.toolbar.end.setEnabled(can_end)
        if phase == "controlling":
            self.canvas.setFocus()  # keys go to the citizen from the first press
        if phase == "ready":
            self.code_page.reset()

    def _on_frame(self, update: FrameUpdate) -> None:
        try:
            showing = self.session.phase in ("viewing", "controlling", "waiting_control")
            if showing and self.canvas.apply(update):
                if self.canvas.overlay == translate("agent", str(WAITING)):
                    self.canvas.set_overlay("")
                if not update.toggle:  # a blinking caret is no frame per second
                    self.status.frame_painted()
        finally:
            self.frames.done()

    def _on_ended(self, text: str) -> None:
        if not self.logbook.active:  # ended before the citizen ever paired: back to the code
            self.session.reset()
            self.code_page.show_error(text)
            return
        self.show_notice(text)

    def _on_signed_out(self, reason: str, text: str) -> None:
        """The relay link is gone (or the account was cut off): a session in progress
        cannot come back (the agent does not resume), so it ends here and now - its
        log gets the end at the moment of loss, and the screen is clean for the next
        sign-in."""
        if self.logbook.active:
            self.log_panel.flush()
            future = self.logbook.abandon(self.log_panel.outcome_key(), self.logbook.end_reason)
            future.add_done_callback(self.logbook.written)  # uploaded at the next sign-in
        self._clear_session()
        self._on_phase(self.session.phase)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()
        self._notice_timer.start()

    # --- agent actions -----------------------------------------------------------

    def _join(self, typed: str) -> None:
        try:
            self.session.join(typed)
        except CodeError:
            self.code_page.show_error(texts.code_error(typed))

    def _select_mode(self, mode: str) -> None:
        if mode == "control":
            if self.session.phase != "controlling":
                self.session.request_control()
                self.toolbar.set_mode(self.router.mode)
            return
        if self.session.phase == "controlling":
            self.session.release_control()
        self._set_mode(mode)

    def _set_mode(self, mode: str) -> None:
        self.router.set_mode(mode)
        self.canvas.set_mode(mode)
        self.toolbar.set_mode(mode)

    def _end_clicked(self) -> None:
        if self.logbook.active and not self.log_panel.outcome_key():
            self.tabs.setCurrentWidget(self.log_panel)
        self.log_panel.end_button.click()

    def _on_button(self, x: int, y: int, button: str, pressed: bool) -> None:
        self.router.button(x, y, button, pressed)
        if self.router.mode == "point" and pressed and button == "left":
            self._log("pointer", {})

    def _on_checklist(self, checklist: Checklist) -> None:
        self.log_panel.set_topic(checklist.topic)
        data: dict[str, object] = {"checklist": checklist.id, "steps_total": len(checklist.steps)}
        if checklist.kle:  # the topic's KLE number travels with the upload's events
            data["kle"] = checklist.kle
        self._log("checklist_set", data)

    def _on_tick(self, number: int, done: bool) -> None:
        if done:
            self._log("step_ticked", {"step": number})

    def _show_step(self, number: int, total: int, title: str, text: str) -> None:
        checklist = self.checklists.checklist
        guide = checklist.id[:64] if checklist is not None else ""
        self.session.send(ev.ShowStep(number, total, title[:200], text[:2000], guide))
        self._log("step_shown", {"step": number})
        self.show_notice(
            translate("agent", "Trin {number} vises nu hos borgeren.").format(number=number)
        )

    def _open_link(self, number: int, url: str) -> None:
        self.session.send(ev.OpenLink(url))
        self.show_notice(translate("agent", "Borgeren bliver spurgt, om linket må åbnes …"))

    def _start_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        topic = self.log_panel.topic.currentText().strip()
        municipality = self.log_panel.municipality.currentText().strip()
        checklist = self.checklists.checklist
        if topic:
            data["topic"] = topic
        if municipality:
            data["citizen_municipality"] = municipality
        if checklist is not None:
            data.update(checklist=checklist.id, steps_total=len(checklist.steps))
        return data

    # --- ending ------------------------------------------------------------------

    def end_session(self, confirm: bool = True) -> None:
        """End with the citizen (after a confirmation), write the summary, get ready."""
        live = self.session.phase not in ("ended", "ready", "signed_out")
        if live and confirm and not self.confirm_end():
            return
        if live:
            self.session.end("done")
        if self.logbook.active:
            self.log_panel.flush()
            self.logbook.finish(self.log_panel.outcome_key(), self.session.endpoint)
        self._ready_for_next()

    def _ask_end(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            translate("agent", "Afslut session"),
            translate("agent", str(END_QUESTION)),
            parent=self,
        )
        yes = box.addButton(
            translate("agent", "&Afslut sessionen"), QMessageBox.ButtonRole.AcceptRole
        )
        box.setDefaultButton(
            box.addButton(translate("agent", "&Fortsæt"), QMessageBox.ButtonRole.RejectRole)
        )
        box.exec()
        return box.clickedButton() is yes

    def _ready_for_next(self) -> None:
        self._clear_session()
        self.session.reset()
        self.show_notice(translate("agent", "Sessionen er gemt. Klar til næste borger."))

    def _clear_session(self) -> None:
        """Nothing of the last session left on screen: picture, checklist, log fields,
        check number."""
        self.frames.reset()
        self.canvas.clear()
        self.checklists.reset()
        self.log_panel.reset()
        self.toolbar.set_verifier("")
        self.check_number.set_number("")
        self.code_page.reset()
        self.code_page.show_phase(self.session.phase)
        self.tabs.setCurrentWidget(self.checklists)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.session.phase not in ("ended", "ready", "signed_out") and not self.confirm_end():
            event.ignore()
            return
        self.session.end("agent_closed")
        if self.logbook.active:
            self.logbook.abandon(self.log_panel.outcome_key())
        event.accept()
