"""Collect endpoint events (delivered on the network thread) and wait for one."""

from __future__ import annotations

import queue
from typing import Any


class Events:
    def __init__(self, timeout: float = 15.0) -> None:
        self.q: queue.Queue[object] = queue.Queue()
        self.timeout = timeout

    def __call__(self, event: object) -> None:
        self.q.put(event)

    def wait_for(self, kind: type, pred: Any = None) -> Any:
        """The next event of ``kind`` (matching ``pred``); queue.Empty after the timeout."""
        while True:
            event = self.q.get(timeout=self.timeout)
            if isinstance(event, kind) and (pred is None or pred(event)):
                return event
