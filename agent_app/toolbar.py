"""The session toolbar: view / point / control, hand back control, fit or 1:1, monitor, end;
for supervisors also *Statistik* (shown by :class:`agent_app.statsaction.StatsLauncher`)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar, QWidget

from cobrowse.session import events as ev
from qtlang import translate

_LIVE = ("viewing", "controlling", "waiting_control")


class SessionToolbar(QToolBar):
    mode_selected = Signal(str)  # "view" | "point" | "control"
    release_control = Signal()
    send_escape = Signal()
    fit_toggled = Signal(bool)
    monitor_selected = Signal(int)
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Session", parent)
        self.setMovable(False)
        self.group = QActionGroup(self)
        self.view = self._mode(
            translate("agent", "Se"),
            "view",
            "Ctrl+1",
            translate("agent", "Se borgerens skærm (intet sendes)"),
        )
        self.point = self._mode(
            translate("agent", "Peg"),
            "point",
            "Ctrl+2",
            translate("agent", "Klik for at vise en ring på borgerens skærm"),
        )
        self.control = self._mode(
            translate("agent", "Styr"),
            "control",
            "Ctrl+3",
            translate("agent", "Bed borgeren om lov til at styre mus og tastatur"),
        )
        self.release = self.addAction(translate("agent", "Giv kontrol tilbage (Esc)"))
        self.release.triggered.connect(self.release_control)
        self.escape = self.addAction(translate("agent", "Send Esc"))
        self.escape.setToolTip(
            translate("agent", "Tryk Esc på borgerens pc (Esc her giver kontrollen tilbage)")
        )
        self.escape.triggered.connect(self.send_escape)
        self.addSeparator()
        self.fit = self.addAction(translate("agent", "Tilpas til vindue"))
        self.fit.setCheckable(True)
        self.fit.setChecked(True)
        self.fit.setToolTip(
            translate("agent", "Skaleret til vinduet; slå fra for 1:1 med rullepaneler")
        )
        self.fit.toggled.connect(self.fit_toggled)
        self.monitor_label = QLabel(translate("agent", " Skærm: "))
        self.monitors = QComboBox()
        self.monitors.activated.connect(self.monitor_selected)
        self._monitor_actions = (self.addWidget(self.monitor_label), self.addWidget(self.monitors))
        self.addSeparator()
        self.verifier = QLabel()
        self.addWidget(self.verifier)
        self.addSeparator()
        self.end = self.addAction(translate("agent", "Afslut session"))
        self.end.setToolTip(translate("agent", "Afslut sessionen og gem loggen (Ctrl+E)"))
        self.end.setShortcut(QKeySequence("Ctrl+E"))
        self.end.triggered.connect(self.end_requested)
        self.stats_separator = self.addSeparator()
        self.stats = self.addAction(translate("agent", "Statistik"))
        self.stats.setToolTip(
            translate("agent", "Hotlinens statistik – kun supervisorer (Ctrl+Shift+S)")
        )
        self.stats.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.stats.visibleChanged.connect(
            lambda: self.stats_separator.setVisible(self.stats.isVisible())
        )
        for action in self._monitor_actions:
            action.setVisible(False)
        self.set_phase("ready")

    def _mode(self, text: str, mode: str, shortcut: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{tip} ({shortcut})")
        action.setData(mode)
        action.triggered.connect(lambda: self.mode_selected.emit(mode))
        self.group.addAction(action)
        self.addAction(action)
        return action

    def set_phase(self, phase: str) -> None:
        live = phase in _LIVE
        self.view.setEnabled(live)
        self.point.setEnabled(live)
        self.control.setEnabled(phase in ("viewing", "controlling"))
        self.control.setText(
            translate("agent", "Venter på lov …")
            if phase == "waiting_control"
            else translate("agent", "Styr")
        )
        self.release.setVisible(phase == "controlling")
        self.escape.setVisible(phase == "controlling")
        self.monitors.setEnabled(live)
        self.end.setEnabled(phase not in ("ready", "signed_out"))
        if phase == "ready":
            for action in self._monitor_actions:
                action.setVisible(False)
        if phase == "controlling":
            self.control.setChecked(True)
        elif phase not in _LIVE:
            self.view.setChecked(True)

    def set_mode(self, mode: str) -> None:
        {"view": self.view, "point": self.point, "control": self.control}[mode].setChecked(True)

    def set_verifier(self, digits: str) -> None:
        label = translate("agent", "Kontroltal: <b>{digits}</b>").format(digits=digits)
        self.verifier.setText(f"  {label}  " if digits else "")

    def set_screen_info(self, info: ev.ScreenInfo) -> None:
        self.monitors.clear()
        for n, (_, _, w, h) in enumerate(info.monitors, 1):
            self.monitors.addItem(f"{n}: {w}×{h}")
        self.monitors.setCurrentIndex(info.current)
        for action in self._monitor_actions:
            action.setVisible(len(info.monitors) > 1)
