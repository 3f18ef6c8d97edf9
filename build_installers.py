"""Build the citizen client, the agent app and the relay with PyInstaller.

    python build_installers.py [citizen|agent|relay ...] [--dist DIR]

Needs the ``build`` extra (``pip install -e ".[build]"``).  Builds for the platform it
runs on (PyInstaller does not cross-compile): run it on Windows for the .exe the
citizens download.  The citizen client is a one-file, windowed executable with its
``citizen.toml`` (relay URL, allowed link domains) placed next to it, so a
municipality can point it at its relay without rebuilding.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PYNPUT_BACKENDS = {
    # pynput picks its backend at import time, by platform, through importlib: PyInstaller
    # cannot see those imports, and without them the citizen client cannot inject input.
    "linux": [
        "pynput.keyboard._xorg",
        "pynput.mouse._xorg",
        "pynput._util.xorg",
        "pynput._util.xorg_keysyms",
    ],
    "win32": [
        "pynput.keyboard._win32",
        "pynput.mouse._win32",
        "pynput._util.win32",
        "pynput._util.win32_vks",
    ],
    "darwin": [
        "pynput.keyboard._darwin",
        "pynput.mouse._darwin",
        "pynput._util.darwin",
        "pynput._util.darwin_vks",
    ],
}
TARGETS = {
    "citizen": {
        "script": "citizen_client/main.py",
        "name": "cobrowse-borger",
        "windowed": True,
        "onefile": True,
        "config": "citizen_client/citizen.toml",
    },
    "agent": {
        "script": "agent_app/main.py",
        "name": "cobrowse-agent",
        "windowed": True,
        "onefile": False,
        "config": None,
    },
    "relay": {
        "script": "relay/__main__.py",
        "name": "cobrowse-relay",
        "windowed": False,
        "onefile": True,
        "config": None,
    },
}


def pyinstaller_args(target: str, dist: Path) -> list[str]:
    spec = TARGETS[target]
    args = [
        str(ROOT / str(spec["script"])),
        "--name",
        str(spec["name"]),
        "--noconfirm",
        "--clean",
        "--distpath",
        str(dist),
        "--workpath",
        str(ROOT / "build" / target),
        "--specpath",
        str(ROOT / "build"),
        "--paths",
        str(ROOT),
        "--collect-data",
        "cobrowse",
        "--add-data",
        f"{ROOT / 'cobrowse' / 'checklists'}{os.pathsep}cobrowse/checklists",
    ]
    args.append("--onefile" if spec["onefile"] else "--onedir")
    if spec["windowed"]:
        args.append("--windowed")
    if target == "relay":  # the relay must not drag Qt along
        args += ["--exclude-module", "PySide6", "--exclude-module", "shiboken6"]
    if target == "citizen":
        platform = "linux" if sys.platform.startswith("linux") else sys.platform
        for module in PYNPUT_BACKENDS.get(platform, []):
            args += ["--hidden-import", module]
        if platform == "linux":  # python-xlib loads keysym tables and extensions by name
            args += ["--collect-submodules", "Xlib"]
    return args


def build(target: str, dist: Path) -> None:
    try:
        import PyInstaller.__main__ as pyinstaller  # type: ignore[import-not-found]
    except ImportError:
        sys.exit('PyInstaller is missing: pip install -e ".[build]"')
    pyinstaller.run(pyinstaller_args(target, dist))
    config = TARGETS[target]["config"]
    if config and (ROOT / str(config)).exists():
        shutil.copy(ROOT / str(config), dist / Path(str(config)).name)
    print(f"built {target} into {dist}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"any of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    for target in args.targets or list(TARGETS):
        build(target, args.dist)


if __name__ == "__main__":
    main()
