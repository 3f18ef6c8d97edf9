"""Smoke-test a built citizen client on the machine it was built on (the desktop CI).

    python -m build_support.smoke dist/cobrowse-borger[.exe|.app] --port 8765 --shot shot.png
    python -m build_support.smoke dist/cobrowse-borger --runs 5 [--first-start] [--drop-caches]

Starts a development relay on ``--port`` (the port baked into the build's
settings), copies the program alone into an empty folder, starts it with the test
hook (citizen_client/testhook.py) and waits until it shows a code; then saves a
screenshot (Pillow's ImageGrab: GDI on Windows, ``screencapture`` on macOS),
stops both and prints how long the code took.  Exit status 0 only if a code was
shown.  The Linux CI runs the fuller test in tests/build/test_frozen_citizen.py.

For timing (docs/building.md): ``--runs N`` starts it N times against the same
relay; ``--first-start`` removes the program's unpack-once cache before each
start (build_support/unpack.py); ``--drop-caches`` (Linux, as root) also empties
the page cache, so the program is read from disk: a cold start.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from build_support.unpack import cache_root


def start_relay(port: int, data: Path, timeout: float) -> subprocess.Popen[str]:
    relay = subprocess.Popen(
        [sys.executable, "-m", "relay", "serve", "--dev", "--port", str(port)]
        + ["--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(relay, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            continue
        print("relay:", line.rstrip())
        if line.startswith("cobrowse relay listening on"):
            return relay
    relay.kill()
    raise SystemExit("smoke: the relay did not start")


def _pump(relay: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    for line in relay.stdout or []:
        lines.put(line)


def alone(artefact: Path, folder: Path) -> Path:
    """Copy the program into an empty folder; the path to execute."""
    if artefact.is_dir():  # a macOS .app
        shutil.copytree(artefact, folder / artefact.name, symlinks=True)
        return folder / artefact.name / "Contents" / "MacOS" / artefact.stem
    shutil.copy2(artefact, folder / artefact.name)
    return folder / artefact.name


def wait_for_code(
    code_file: Path, program: subprocess.Popen[bytes], timeout: float
) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if code_file.exists():
            return dict(json.loads(code_file.read_text(encoding="utf-8")))
        if program.poll() is not None:
            raise SystemExit(f"smoke: the program ended with status {program.returncode}")
        time.sleep(0.1)
    raise SystemExit("smoke: no code was shown in time")


def stop(program: subprocess.Popen[bytes]) -> None:
    """Stop the program; on Windows with the client the launcher started (its child)."""
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(program.pid)], capture_output=True)
    else:
        program.terminate()
    program.wait(30)


def prepare(first_start: bool, drop_caches: bool) -> None:
    if first_start:
        shutil.rmtree(cache_root(sys.platform, os.environ, Path.home()), ignore_errors=True)
    if drop_caches and sys.platform == "linux":  # as root: the next start reads from disk
        os.sync()
        Path("/proc/sys/vm/drop_caches").write_text("3\n", encoding="ascii")


def screenshot(path: Path) -> None:
    from PIL import ImageGrab

    ImageGrab.grab().save(path)
    print(f"smoke: screenshot {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("artefact", type=Path)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--shot", type=Path, default=Path("citizen-smoke.png"))
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--runs", type=int, default=1, help="start it this many times")
    parser.add_argument("--first-start", action="store_true", help="remove its cache first")
    parser.add_argument("--drop-caches", action="store_true", help="and the page cache (root)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        relay = start_relay(args.port, Path(tmp) / "relay", args.timeout)
        try:
            folder = Path(tmp) / "empty"
            folder.mkdir()
            executable = alone(args.artefact, folder)
            print(f"smoke: load average {os.getloadavg() if hasattr(os, 'getloadavg') else '-'}")
            for run in range(args.runs):
                prepare(args.first_start, args.drop_caches)
                code_file = Path(tmp) / f"code{run}.json"
                shot = args.shot if run == args.runs - 1 else None
                smoke(executable, folder, code_file, shot, args.timeout)
        finally:
            relay.terminate()
            relay.wait(30)
    return 0


def smoke(
    executable: Path, folder: Path, code_file: Path, shot: Path | None, timeout: float
) -> None:
    env = dict(os.environ, COBROWSE_TEST_CODE_FILE=str(code_file))
    started = time.time()
    program = subprocess.Popen([str(executable)], cwd=folder, env=env)
    try:
        shown = wait_for_code(code_file, program, timeout)
        print(f"smoke: code on screen {float(shown['shown']) - started:.2f} s after start")
        if shot is not None:
            time.sleep(1.0)  # let the window finish painting before the screenshot
            screenshot(shot)
    finally:
        stop(program)


if __name__ == "__main__":
    sys.exit(main())
