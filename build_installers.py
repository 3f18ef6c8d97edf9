"""Build the citizen client, the agent app and the relay with PyInstaller.

    python build_installers.py [citizen|agent|relay ...] [--settings FILE] [--dist DIR]

Needs the ``build`` extra (``pip install -e ".[build]"``); on Linux also ``cc``,
``nm`` and ``icupkg`` (scripts/setup.sh installs them).  Builds for the platform it
runs on (PyInstaller does not cross-compile): run it on Windows for the .exe the
citizens download.  The citizen client is one windowed executable with the
hotline's settings (``--settings``, checked here with the client's own parser)
baked in, so it needs nothing next to it.  Each artefact's size is printed and the
build fails above its budget (build_support/plan.py).  See docs/building.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from build_support import desktop
from build_support.plan import ROOT, TARGETS, Plan, plan_for, platform_key

DEFAULT_SETTINGS = ROOT / "citizen_client" / "citizen.toml"


def check_settings(path: Path, work: Path) -> Path:
    """Check the hotline's settings like the client does; a copy to bake, or exit."""
    from citizen_client.config import BAKED_NAME, load
    from cobrowse.errors import ConfigError

    if not path.is_file():
        sys.exit(f"build error: settings file {path} is missing")
    try:
        config = load(path)
    except ConfigError as exc:
        sys.exit(f"build error: the settings are broken: {exc}")
    baked = work / BAKED_NAME
    work.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, baked)
    print(f"baking settings from {path}: relay {config.relay_url}")
    return baked


def make_plan(target: str, platform: str, settings: Path, work: Path) -> Plan:
    from cobrowse import __version__

    work.mkdir(parents=True, exist_ok=True)
    baked = check_settings(settings, work / "settings") if target == "citizen" else None
    plan = plan_for(target, platform, __version__, baked)
    if platform in ("win32", "darwin") and target != "relay":
        plan.icon = str(desktop.icons(work / "icons")[platform])
    if platform == "win32":
        description = {"citizen": "Hjælp til din computer", "agent": "cobrowse for agents"}
        plan.version_file = str(
            desktop.version_file(
                work / "version.txt",
                name=plan.name,
                description=description.get(target, "cobrowse relay"),
                version=__version__,
            )
        )
    return plan


def artefact(plan: Plan, dist: Path) -> Path:
    if plan.platform == "darwin" and not plan.console:
        return dist / f"{plan.name}.app"
    suffix = ".exe" if plan.platform == "win32" and plan.onefile else ""
    return dist / f"{plan.name}{suffix}"


def size_of(path: Path) -> int:
    if path.is_dir():
        # links (PyInstaller's folder has many, to the libraries) count once, as files
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return path.stat().st_size


def check_budget(plan: Plan, built: Path) -> int:
    size = size_of(built)
    print(
        f"SIZE {plan.target}: {built.name} {size / 1e6:.1f} MB (budget {plan.budget / 1e6:.0f} MB)"
    )
    if size > plan.budget:
        sys.exit(f"build error: {built.name} is {size / 1e6:.1f} MB, over its budget")
    return size


def run_spec(spec: str, plan: Plan, dist: Path, work: Path) -> None:
    """Carry out ``plan`` with ``build_support/<spec>`` in a PyInstaller process of its own."""
    env = dict(os.environ, PYINSTALLER_ZLIB_COMPRESSION_LEVEL="9")  # the PYZ too (default 6)
    work.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "PyInstaller", str(ROOT / "build_support" / spec)]
    command += ["--noconfirm", "--clean", "--distpath", str(dist), "--workpath", str(work)]
    done = subprocess.run([*command, "--", str(plan.dump(work / "plan.json"))], env=env)
    if done.returncode != 0:
        sys.exit(f"build error: PyInstaller failed on {spec} for {plan.name}")


def build_launcher(plan: Plan, dist: Path, work: Path) -> None:
    """The one-folder program, packed into the one-file launcher (build_support/unpack.py)."""
    folder_plan = replace(plan, onefile=False, launcher=False)
    run_spec("app.spec", folder_plan, work / "folder", work / "folder-build")
    folder = work / "folder" / plan.name
    program = f"{plan.name}.exe" if plan.platform == "win32" else plan.name
    desktop.sign(plan.platform, folder / program)  # the program citizens' PCs run
    print(f"the folder inside: {size_of(folder) / 1e6:.1f} MB unpacked")
    plan.payload = [str(folder), str(work / "payload.tar.gz"), program]
    run_spec("launcher.spec", plan, dist, work / "launcher-build")


def build(target: str, dist: Path, settings: Path = DEFAULT_SETTINGS) -> Path:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        sys.exit('PyInstaller is missing: pip install -e ".[build]"')
    work = ROOT / "build" / target
    plan = make_plan(target, platform_key(sys.platform), settings, work)
    started = time.monotonic()
    if plan.launcher:
        build_launcher(plan, dist, work)
    else:
        run_spec("app.spec", plan, dist, work)
    built = artefact(plan, dist)
    check_budget(plan, built)
    desktop.sign(plan.platform, built)
    print(f"built {target} into {dist} in {time.monotonic() - started:.0f} s")
    return built


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help=f"any of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument(
        "--settings",
        type=Path,
        default=DEFAULT_SETTINGS,
        help="the hotline's citizen.toml to bake into the citizen client",
    )
    args = parser.parse_args(argv)
    unknown = set(args.targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
    for target in args.targets or list(TARGETS):
        build(target, args.dist, args.settings)


if __name__ == "__main__":
    main()
