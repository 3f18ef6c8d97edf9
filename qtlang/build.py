"""Builds the ``.qm`` translations from the ``.ts`` sources (and updates the sources).

    python -m qtlang            # .ts -> .qm (lrelease), what installs and builds run
    python -m qtlang --update   # code -> .ts (lupdate), after changing a text

A source checkout or ``pip install -e .`` needs no step: :func:`qm_file` builds a
missing or stale ``.qm`` the first time it is asked for (lrelease comes with
PySide6 and takes ~0.1 s).  A frozen build must bring the ``.qm`` files with it:
``build_installers.py`` runs this module first and bundles ``qtlang/*.qm``.
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
from pathlib import Path

from cobrowse.paths import user_data_dir

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
APPS = {"citizen": "citizen_client", "agent": "agent_app"}  # .ts name -> package
TARGETS = ("en",)
log = logging.getLogger(__name__)  # Danish is the source language: it needs no translation file


def tool(name: str) -> str:
    """The path of PySide6's own ``lrelease``/``lupdate``."""
    import PySide6

    exe = Path(PySide6.__file__).resolve().parent / (
        name + (".exe" if sys.platform == "win32" else "")
    )
    if not exe.exists():
        raise FileNotFoundError(f"{exe.name} is not in this PySide6 installation")
    return str(exe)


def ts_files() -> list[Path]:
    return [HERE / f"{app}_{lang}.ts" for app in APPS for lang in TARGETS]


def qm_file(ts: Path) -> Path:
    """``ts``'s compiled ``.qm``, built first if it is missing or older than ``ts``:
    next to ``ts``, or where the package folder is read-only (a system-wide
    ``pip install``) in the user's data folder.  If neither can be built the path is
    returned anyway; loading it fails and the Danish source texts show.

    In a frozen program there is no ``.ts`` and no lrelease: the bundled ``.qm`` is
    returned as it is."""
    qm = ts.with_suffix(".qm")
    if getattr(sys, "frozen", False) or not ts.exists():
        return qm
    for target in (qm, user_data_dir() / "translations" / qm.name):
        if target.exists() and target.stat().st_mtime >= ts.stat().st_mtime:
            return target
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            release(ts, target)
            return target
        except (OSError, subprocess.CalledProcessError) as exc:
            log.warning("cannot build %s in %s: %s", qm.name, target.parent, exc)
    return qm


def release(ts: Path, qm: Path) -> None:
    """``lrelease`` one file; an unfinished translation is left out (the Danish shows)."""
    subprocess.run(
        [tool("lrelease"), "-silent", "-nounfinished", str(ts), "-qm", str(qm)],
        check=True,
        capture_output=True,
    )


def update(folder: Path = HERE) -> None:
    """``lupdate`` every app's Python files into its ``.ts`` in ``folder`` (no obsolete
    entries kept; the tests update a copy to see whether the real ones are current)."""
    for app, package in APPS.items():
        sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / package).rglob("*.py"))
        for lang in TARGETS:
            ts = folder / f"{app}_{lang}.ts"
            subprocess.run(
                [
                    tool("lupdate"),
                    "-silent",
                    "-no-obsolete",
                    "-locations",
                    "none",
                    "-source-language",
                    "da",
                    "-target-language",
                    lang,
                    *sources,
                    "-ts",
                    str(ts),
                ],
                check=True,
                cwd=ROOT,
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qtlang", description=__doc__)
    parser.add_argument("--update", action="store_true", help="run lupdate on the code first")
    args = parser.parse_args(argv)
    if args.update:
        update()
    for ts in ts_files():
        release(ts, ts.with_suffix(".qm"))
        print(ts.with_suffix(".qm").relative_to(ROOT))
    return 0
