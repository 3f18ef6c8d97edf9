"""The real relay as a process of its own, for whole-system fault tests.

``python -m relay serve --dev`` runs with a data folder and a relay.toml the test
writes; the port is read from the relay's "listening on" line (port 0 the first
time).  :meth:`RelayProcess.kill` is ``kill -9``; :meth:`RelayProcess.start`
again brings it back on the same port with the same data folder, as an operator's
restart would.  Its audit log and statistics are read back from the folder.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from relay.accounts import AccountStore

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery"
_LISTENING = re.compile(r"listening on (ws://\S+:(\d+)/\S*)")


class RelayProcess:
    """``python -m relay serve --dev`` on loopback; ``limits`` go into [limits]."""

    def __init__(self, data_dir: Path, **limits: float) -> None:
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        AccountStore(data_dir / "relay.db").add(
            "anna", "Anna Jensen", "Albertslund", PASSWORD, role="agent"
        )
        self.config = data_dir / "relay.toml"
        lines = ["[limits]", *(f"{key} = {float(value)}" for key, value in limits.items())]
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.port = 0
        self.url = ""
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 30.0) -> str:
        """Start (or restart on the same port); returns the relay's ws:// URL."""
        args = [sys.executable, "-m", "relay", "serve", "--dev", "--port", str(self.port)]
        args += ["--data-dir", str(self.data_dir), "--config", str(self.config)]
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        env.pop("COBROWSE_RELAY_DATA", None)
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(self.proc, lines), daemon=True).start()
        try:
            while not (found := _LISTENING.search(lines.get(timeout=timeout))):
                pass
        except queue.Empty:
            self.stop()
            raise RuntimeError(f"the relay did not start: {self.output[-5:]}") from None
        self.url, self.port = found.group(1), int(found.group(2))
        return self.url

    def _read(self, proc: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self.output.append(line.rstrip())
            lines.put(line)

    def kill(self) -> None:
        """``kill -9``: no goodbye to anybody, rooms lost."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        """Stop as systemd would (SIGTERM), or kill it if it does not go."""
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    # --- what the relay kept ------------------------------------------------------

    def audit(self, event: str | None = None) -> list[dict[str, Any]]:
        """The audit log's lines (of one ``event`` kind)."""
        path = self.data_dir / "audit.jsonl"
        if not path.exists():
            return []
        lines = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
        return [a for a in lines if event is None or a.get("event") == event]

    def stored_sessions(self) -> dict[str, dict[str, Any]]:
        """The statistics the relay holds: session id -> its stat_sessions row."""
        path = self.data_dir / "stats.db"
        if not path.exists():
            return {}
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM stat_sessions").fetchall()
        finally:
            db.close()
        return {str(row["session_id"]): dict(row) for row in rows}
