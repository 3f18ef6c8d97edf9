"""Crash safety: a writer killed with SIGKILL loses no event it reported committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cobrowse.sessionlog import SessionLog

REPO = Path(__file__).resolve().parents[2]
WRITER = """
import sys
from cobrowse.sessionlog import SessionLog
log = SessionLog(sys.argv[1])
sid = log.start_session("anna", "Albertslund", checklist="digital-post", steps_total=999)
print(1, flush=True)
for step in range(1, 100000):
    event = log.append(sid, "step_ticked", step=step % 999 + 1)
    print(event.seq, flush=True)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_stream_loses_no_committed_event(tmp_path: Path) -> None:
    db = tmp_path / "sessions.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    reported = [int(child.stdout.readline()) for _ in range(40)]
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    reported += [int(line) for line in child.stdout.read().split()]
    assert child.returncode == -signal.SIGKILL
    with SessionLog(db, create=False) as log:
        result = log.verify()
        assert result.ok, result.message
        [sid] = log.recover_unfinished()
        events = log.events(sid)
        assert set(reported) <= {e.seq for e in events}
        assert events[-1].kind == "ended" and events[-1].at == events[-2].at  # not "now"
        assert log.summary(sid).outcome == "interrupted"
        assert log.verify().ok
