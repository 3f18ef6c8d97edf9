"""The benchmark's side of bench/damage.py: starts the DAMAGE watcher process and
keeps what it reports, stamped with ``time.monotonic()``."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

Box = tuple[int, int, int, int]


def touches(a: Box, b: Box) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


class Floor:
    """``damage``: (t, boxes) per batch; ``states``: (t, digests) of the watched boxes."""

    def __init__(self) -> None:
        self.damage: list[tuple[float, list[Box]]] = []
        self.states: list[tuple[float, list[str]]] = []
        self.cond = threading.Condition()
        self._acks = 0
        root = Path(__file__).resolve().parents[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.damage"],
            cwd=root,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        if not first.startswith("R"):
            raise RuntimeError(f"bench.damage did not start: {first.strip()!r}")
        self._thread = threading.Thread(target=self._read, name="bench-floor", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            kind, *rest = line.split()
            with self.cond:
                if kind == "D":
                    boxes = [tuple(int(v) for v in b.split(",")) for b in rest[1:]]
                    self.damage.append((float(rest[0]), boxes))  # type: ignore[arg-type]
                elif kind == "S":
                    self.states.append((float(rest[0]), rest[1:]))
                elif kind == "W":
                    self._acks += 1
                self.cond.notify_all()

    def watch(self, *boxes: Box) -> None:
        """Read back the boxes' pixels now and after each damage batch touching one
        (none: stop)."""
        assert self.proc.stdin is not None
        with self.cond:
            acks = self._acks
        self.proc.stdin.write("watch" + "".join(" " + ",".join(map(str, b)) for b in boxes) + "\n")
        self.proc.stdin.flush()
        with self.cond:
            if not self.cond.wait_for(lambda: self._acks > acks, 10):
                raise TimeoutError("bench.damage did not answer")

    def since(self, t0: float, box: Box | None = None) -> list[tuple[float, list[Box]]]:
        """Damage batches from ``t0`` on (only those touching ``box``, if given)."""
        with self.cond:
            return [
                (t, bs)
                for t, bs in self.damage
                if t >= t0 and (box is None or any(touches(b, box) for b in bs))
            ]

    def states_since(self, t0: float) -> list[tuple[float, list[str]]]:
        with self.cond:
            return [s for s in self.states if s[0] >= t0]

    def _grew(self, count: int) -> bool:
        return len(self.damage) > count

    def quiet(self, seconds: float, limit: float = 30.0) -> float:
        """Return (the time of the last damage) once the screen was still for ``seconds``."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self.cond:
                if not self.cond.wait_for(partial(self._grew, len(self.damage)), seconds):
                    return self.damage[-1][0] if self.damage else 0.0
        raise TimeoutError("the screen never went still")

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
