"""A test hook for the smoke test of the built program: the code, written to a file.

The built citizen client is tested as a black box (tests/build/): started alone,
under Xvfb, against a real relay.  Its code is on screen only, and codes are never
logged, so the test sets ``COBROWSE_TEST_CODE_FILE`` to a file of its own and the
client writes each code it shows there (mode 0600, replaced atomically) as JSON
``{"code": "123 456 789", "shown": <unix time>}``.

Off unless the variable is set.  It weakens nothing a citizen relies on: whoever
can set the environment of the citizen's program runs as the citizen already and
can read the screen (and the program's memory) anyway; the file goes only where
that person says.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot

from citizen_client.app import CitizenApp

ENV = "COBROWSE_TEST_CODE_FILE"


class CodeFile(QObject):
    """Lives on the GUI thread as a child of the app; sees each event after the app."""

    def __init__(self, app: CitizenApp, path: Path) -> None:
        super().__init__(app)
        self.app, self.path, self.last = app, path, ""
        app.bridge.received.connect(self.after_event, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def after_event(self, _event: object) -> None:
        view = self.app.view
        code = view.code if view.phase == "code" else ""
        if code and code != self.last:
            self.last = code
            write(self.path, {"code": code, "shown": time.time()})


def install(app: CitizenApp) -> CodeFile | None:
    """Write every code ``app`` shows to the file named by ``$COBROWSE_TEST_CODE_FILE``."""
    target = os.environ.get(ENV)
    return CodeFile(app, Path(target)) if target else None


def write(path: Path, record: dict[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(record, out)
    os.replace(tmp, path)
