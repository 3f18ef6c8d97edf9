"""Smoke-test a built citizen client on the machine it was built on (the desktop CI).

    python -m build_support.smoke dist/cobrowse-borger[.exe|.app] --port 8765 --shot shot.png

Starts a development relay on ``--port`` (the port baked into the build's
settings), copies the program alone into an empty folder, starts it with the test
hook (citizen_client/testhook.py) and waits until it shows a code; then saves a
screenshot (Pillow's ImageGrab: GDI on Windows, ``screencapture`` on macOS),
stops both and prints how long the code took.  Exit status 0 only if a code was
shown.  The Linux CI runs the fuller test in tests/build/test_frozen_citizen.py.
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
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        relay = start_relay(args.port, Path(tmp) / "relay", args.timeout)
        folder = Path(tmp) / "empty"
        folder.mkdir()
        code_file = Path(tmp) / "code.json"
        env = dict(os.environ, COBROWSE_TEST_CODE_FILE=str(code_file))
        started = time.time()
        program = subprocess.Popen([str(alone(args.artefact, folder))], cwd=folder, env=env)
        try:
            shown = wait_for_code(code_file, program, args.timeout)
            print(f"smoke: code on screen {float(shown['shown']) - started:.2f} s after start")
            time.sleep(1.0)  # let the window finish painting before the screenshot
            screenshot(args.shot)
        finally:
            for proc in (program, relay):
                proc.terminate()
                proc.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
