"""The real agent app in a process of its own, driven through its widgets.

``python -m agent_app.driver --relay URL --log FILE --settings FILE [--name NAME]``
runs the whole app (sign-in dialog, main window) on whatever Qt platform the
environment names.  Commands arrive as JSON lines on stdin and are done the way an
agent would, by pressing the app's own buttons and typing into its widgets:

``sign_in`` (``password``), ``join`` (``code``), ``mode`` (``view``/``point``),
``click`` (``x``, ``y`` on the citizen's screen), ``control``, ``release``,
``type`` (``text``), ``checklist`` (``query``: the first match is chosen),
``tick`` / ``show_step`` (``step``, 1-based), ``outcome`` (``key``, e.g.
``solved``), ``end`` (answers "Ja" to "Afslut?"), ``shot`` (``path``: the window
as PNG), ``place`` (``x``, ``y``, ``width``, ``height``), ``quit``.

What the widgets show is written to stdout as a JSON line whenever it changes (see
:func:`screen`), so a program in another process - ``cobrowse-local``'s scripted
guidance, the whole-system tests - can read the agent's screen back.  When stdin
closes, the app quits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from agent_app.app import AgentApp
from cobrowse.local.driven import read_commands_in_background

DEFAULT_PASSWORD = "correct horse battery"  # the whole-system tests' account


def screen(agent: AgentApp, notices: list[str], summaries: list[str]) -> dict[str, Any]:
    """What the agent's window shows, read back from its widgets."""
    w = agent.window
    return {
        "phase": agent.session.phase,
        "status": w.status.state.text(),
        "notice": w.notice.text() if w.notice.isVisible() else "",
        "notices": list(notices),
        "verifier": w.toolbar.verifier.text(),
        "end_enabled": w.toolbar.end.isEnabled(),
        "end_button": w.log_panel.end_button.isEnabled(),
        "control_enabled": w.toolbar.control.isEnabled(),
        "page": "code" if w.stack.currentIndex() == 0 else "view",
        "view_blank": w.canvas.image.isNull(),
        "overlay": w.canvas.overlay,
        "code_error": w.code_page.error.text(),
        "sign_in_visible": agent.dialog.isVisible(),
        "sign_in_error": agent.dialog.error.text() if agent.dialog.error.isVisible() else "",
        "summaries": list(summaries),
    }


def on_canvas(agent: AgentApp, x: int, y: int) -> QPoint:
    """Where the citizen's screen point ``x``, ``y`` is on the agent's canvas."""
    canvas = agent.window.canvas
    s, off = canvas.scale(), canvas._offset()
    return QPoint(int(off.x() + (x + 0.5) * s), int(off.y() + (y + 0.5) * s))


class Driver(QObject):
    command = Signal(dict)

    def __init__(self, agent: AgentApp) -> None:
        super().__init__()
        self.agent = agent
        self.notices: list[str] = []
        self.summaries: list[str] = []
        self._last = ""
        self.done = 0  # the id of the last command done
        self.frames = 0  # pictures of the citizen's screen painted
        agent.frames.updated.connect(self._painted)
        agent.window.summary_ready.connect(lambda s: self.summaries.append(s.session_id))
        self.command.connect(self.do)
        self._timer = QTimer(self, interval=50)
        self._timer.timeout.connect(self.report)
        self._timer.start()

    def do(self, msg: dict[str, Any]) -> None:
        handler = getattr(self, f"_{msg['cmd']}")
        handler(msg)
        self.done = msg.get("id", self.done)
        self.report(force=True)

    def _painted(self, update: object) -> None:
        self.frames += 1

    # --- the agent's hands ------------------------------------------------------------

    def _sign_in(self, msg: dict[str, Any]) -> None:
        self.agent.dialog.password.setText(msg.get("password", DEFAULT_PASSWORD))
        self.agent.dialog.buttons.accepted.emit()

    def _join(self, msg: dict[str, Any]) -> None:
        page = self.agent.window.code_page
        page.code.setText(msg["code"])
        page.connect_button.click()

    def _mode(self, msg: dict[str, Any]) -> None:
        toolbar = self.agent.window.toolbar
        {"view": toolbar.view, "point": toolbar.point}[msg["mode"]].trigger()

    def _click(self, msg: dict[str, Any]) -> None:
        at = on_canvas(self.agent, msg["x"], msg["y"])
        QTest.mouseClick(self.agent.window.canvas, Qt.MouseButton.LeftButton, pos=at)

    def _control(self, msg: dict[str, Any]) -> None:
        self.agent.window.toolbar.control.trigger()

    def _release(self, msg: dict[str, Any]) -> None:
        self.agent.window.toolbar.release.trigger()

    def _type(self, msg: dict[str, Any]) -> None:
        QTest.keyClicks(self.agent.window.canvas, msg["text"])

    def _checklist(self, msg: dict[str, Any]) -> None:
        panel = self.agent.window.checklists
        panel.search.setText(msg["query"])
        panel.search.returnPressed.emit()

    def _tick(self, msg: dict[str, Any]) -> None:
        item = self.agent.window.checklists.steps.item(msg["step"] - 1)
        item.setCheckState(Qt.CheckState.Checked)

    def _show_step(self, msg: dict[str, Any]) -> None:
        panel = self.agent.window.checklists
        panel.steps.setCurrentRow(msg["step"] - 1)
        panel.show_button.click()

    def _outcome(self, msg: dict[str, Any]) -> None:
        w = self.agent.window
        w.tabs.setCurrentWidget(w.log_panel)
        box = w.log_panel.outcome
        index = msg["index"] if "index" in msg else box.findData(msg["key"])
        box.setCurrentIndex(index)
        box.activated.emit(index)

    def _end(self, msg: dict[str, Any]) -> None:
        window = self.agent.window
        ask, window.confirm_end = window.confirm_end, lambda: True  # the agent says "Ja"
        try:
            window.toolbar.end.trigger()
        finally:
            window.confirm_end = ask

    def _shot(self, msg: dict[str, Any]) -> None:
        if not self.agent.window.grab().save(msg["path"]):
            print(f"agent driver: could not save {msg['path']}", file=sys.stderr)

    def _place(self, msg: dict[str, Any]) -> None:
        self.agent.window.setGeometry(msg["x"], msg["y"], msg["width"], msg["height"])

    def _quit(self, msg: dict[str, Any]) -> None:
        self.agent.window.confirm_end = lambda: True
        self.agent.window.close()
        QApplication.quit()

    # --- the agent's eyes -------------------------------------------------------------

    def report(self, force: bool = False) -> None:
        notice = self.agent.window.notice
        if notice.isVisible() and notice.text() and notice.text() not in self.notices:
            self.notices.append(notice.text())
        state = screen(self.agent, self.notices, self.summaries)
        line = json.dumps({**state, "frames": self.frames, "done": self.done}, ensure_ascii=False)
        if force or line != self._last:
            self._last = line
            print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent_app.driver")
    parser.add_argument("--relay", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    parser.add_argument("--name", default="anna")
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    settings = QSettings(str(args.settings), QSettings.Format.IniFormat)
    agent = AgentApp(settings, args.log, None, args.relay, args.name)
    driver = Driver(agent)
    agent.start()
    read_commands_in_background(driver.command.emit)
    code = app.exec()
    agent.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
