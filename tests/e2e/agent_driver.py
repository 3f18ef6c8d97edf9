"""The real agent app in a process of its own, driven through its widgets.

Run as ``python agent_driver.py --relay URL --log FILE --settings FILE``.  Commands
arrive as JSON lines on stdin (``{"cmd": "sign_in"}``, ``{"cmd": "join", "code":
...}``, ``control``, ``release``, ``type`` with ``text``, ``outcome`` with
``index``, ``end``, ``quit``); each is done the way an agent would, by pressing
the app's own buttons and typing into its widgets.  What the widgets show is
written to stdout as a JSON line whenever it changes (see :func:`screen`), so a
test in another process can read the agent's screen back - and can SIGKILL it.

The app runs on Qt's offscreen platform: it must not take the keyboard focus from
the citizen's browser on the test's X display.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QObject, QSettings, QTimer, Signal  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from agent_app.app import AgentApp  # noqa: E402

PASSWORD = "correct horse battery"


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


class Driver(QObject):
    command = Signal(dict)

    def __init__(self, agent: AgentApp) -> None:
        super().__init__()
        self.agent = agent
        self.notices: list[str] = []
        self.summaries: list[str] = []
        self._last = ""
        agent.window.confirm_end = lambda: True  # the agent answers "Ja" to "Afslut?"
        agent.window.summary_ready.connect(lambda s: self.summaries.append(s.session_id))
        self.command.connect(self.do)
        self._timer = QTimer(self, interval=50)
        self._timer.timeout.connect(self.report)
        self._timer.start()

    def do(self, msg: dict[str, Any]) -> None:
        w, cmd = self.agent.window, msg["cmd"]
        if cmd == "sign_in":
            self.agent.dialog.password.setText(msg.get("password", PASSWORD))
            self.agent.dialog.buttons.accepted.emit()
        elif cmd == "join":
            w.code_page.code.setText(msg["code"])
            w.code_page.connect_button.click()
        elif cmd == "control":
            w.toolbar.control.trigger()
        elif cmd == "release":
            w.toolbar.release.trigger()
        elif cmd == "type":
            QTest.keyClicks(w.canvas, msg["text"])
        elif cmd == "outcome":
            w.log_panel.outcome.setCurrentIndex(msg["index"])
            w.log_panel.outcome.activated.emit(msg["index"])
        elif cmd == "end":
            w.toolbar.end.trigger()
        elif cmd == "quit":
            w.close()
            QApplication.quit()
        self.report(force=True)

    def report(self, force: bool = False) -> None:
        notice = self.agent.window.notice
        if notice.isVisible() and notice.text() and notice.text() not in self.notices:
            self.notices.append(notice.text())
        line = json.dumps(screen(self.agent, self.notices, self.summaries), ensure_ascii=False)
        if force or line != self._last:
            self._last = line
            print(line, flush=True)


def _commands(driver: Driver) -> None:
    for line in sys.stdin:
        if line.strip():
            driver.command.emit(json.loads(line))
    driver.command.emit({"cmd": "quit"})  # the test went away


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--relay", required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--settings", type=Path, required=True)
    args = parser.parse_args(argv)
    app = QApplication(sys.argv[:1])
    settings = QSettings(str(args.settings), QSettings.Format.IniFormat)
    agent = AgentApp(settings, args.log, None, args.relay, "anna")
    driver = Driver(agent)
    agent.start()
    threading.Thread(target=_commands, args=(driver,), daemon=True).start()
    code = app.exec()
    agent.shutdown()
    return code


if __name__ == "__main__":
    sys.exit(main())
