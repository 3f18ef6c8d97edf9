"""Trim a Linux citizen build to what the client uses (called from app.spec).

PyInstaller's Qt hooks collect every plugin and translation of the Qt modules in
use, and every library those plugins need (GTK 3 for the GTK theme plugin, Wayland,
EGL, TLS, D-Bus portals).  The citizen client draws plain widgets on X11, so it
keeps the xcb platform plugin and the compose input context, Qt's own Danish and
English translations (``qtbase_da``/``qtbase_en``), ICU with Danish and English data
only (:mod:`.icu`), and only the native libraries those still need (``ldd``),
less the X11 and font libraries every X11 desktop has (:data:`SYSTEM_LIBS`).

numpy's wheel links OpenBLAS (25 MB, plus gfortran); the client's array code never
multiplies matrices, so the build swaps in a tiny library of the same name
(:func:`blas_stub`): the float dot products (numpy's import runs a ``float32`` dot
as a sanity check) are computed by plain loops, every other entry point stops the
program with a clear message.  A future use of BLAS fails loudly at its first
call, never silently wrong; the frozen smoke test (tests/build/) streams frames
through the built program.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from build_support import icu
from build_support.tools import run_tool

TocEntry = tuple[str, str, str]
QT = "PySide6/Qt/"
KEEP_PLUGINS = {
    "platforms/libqxcb.so",
    "platforminputcontexts/libcomposeplatforminputcontextplugin.so",
}
KEEP_TRANSLATIONS = {"qtbase_da.qm", "qtbase_en.qm", "qt_da.qm", "qt_en.qm"}
BLAS_PREFIX = "libscipy_openblas"
BLAS_ONLY = ("libgfortran", "libquadmath")  # needed by OpenBLAS alone
# Part of every X11 desktop and tied to its X server and fonts set-up: the system's
# own copies are used (as AppImage's exclude list does).  The xcb-util libraries
# Qt needs beyond these (libxcb-cursor, -icccm, ...) are often missing and stay.
SYSTEM_LIBS = (
    "libX11.so",
    "libX11-xcb.so",
    "libxcb.so",
    "libXau.so",
    "libXdmcp.so",
    "libXext.so",
    "libXrender.so",
    "libfontconfig.so",
    "libfreetype.so",
)


def prune(
    binaries: list[TocEntry], datas: list[TocEntry], work: Path
) -> tuple[list[TocEntry], list[TocEntry]]:
    work.mkdir(parents=True, exist_ok=True)
    kept = [e for e in binaries if _wanted(e[0])]
    users = [Path(src) for dest, src, _ in kept if dest.startswith("numpy/")]
    kept = [_swap(e, users, work) for e in kept]
    kept = _needed_only(kept)
    datas = [e for e in datas if not _unused_data(e[0])]
    return kept, datas


def _wanted(dest: str) -> bool:
    name = PurePosixPath(dest).name
    if dest.startswith(QT + "plugins/"):
        return dest.removeprefix(QT + "plugins/") in KEEP_PLUGINS
    return not name.startswith(BLAS_ONLY + SYSTEM_LIBS)


def _unused_data(dest: str) -> bool:
    if dest.startswith(QT + "translations/"):
        return PurePosixPath(dest).name not in KEEP_TRANSLATIONS
    return dest.startswith(QT + "plugins/")


def _swap(entry: TocEntry, users: list[Path], work: Path) -> TocEntry:
    dest, src, kind = entry
    name = PurePosixPath(dest).name
    if kind == "SYMLINK":
        return entry
    if name.startswith(BLAS_PREFIX):
        return dest, str(blas_stub(Path(src), users, work / "blas")), kind
    if name.startswith("libicudata.so"):
        return dest, str(icu.trim(Path(src), work / "icu")), kind
    return entry


def _is_root(dest: str) -> bool:
    name = PurePosixPath(dest).name
    return (
        ".cpython-" in name
        or ".abi3.so" in name
        or dest.startswith(QT + "plugins/")
        or name.startswith("libpython")
    )


def _needed_only(entries: list[TocEntry]) -> list[TocEntry]:
    """Keep the roots (Python extensions, kept plugins) and what they need (ldd)."""
    from PyInstaller.depend.bindepend import get_imports

    needed: set[str] = set()
    for dest, src, kind in entries:
        if kind != "SYMLINK" and _is_root(dest):
            needed |= {name for name, _path in get_imports(src)}
    files = [
        e
        for e in entries
        if e[2] != "SYMLINK" and (_is_root(e[0]) or PurePosixPath(e[0]).name in needed)
    ]
    present = {e[0] for e in files}
    links = [e for e in entries if e[2] == "SYMLINK" and _link_target(e) in present]
    return files + links


def _link_target(entry: TocEntry) -> str:
    dest, target, _ = entry
    return str(PurePosixPath(dest).parent / target) if "/" not in target else target


def blas_stub(real: Path, users: list[Path], work: Path) -> Path:
    """A library named like ``real`` whose entry points used by ``users`` abort loudly."""
    work.mkdir(parents=True, exist_ok=True)
    wanted = set().union(*(_symbols(user, "--undefined-only") for user in users))
    symbols = sorted(s for s in _symbols(real, "--defined-only") & wanted if s.isidentifier())
    dots = {f"scipy_cblas_{t}dot64_": c for t, c in (("s", "float"), ("d", "double"))}
    lines = [_STUB_HEAD]
    lines += [_DOT.format(name=s, t=dots[s]) for s in symbols if s in dots]
    lines += [f'void {s}(void) {{ missing("{s}"); }}' for s in symbols if s not in dots]
    source = work / "blas_stub.c"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = work / real.name
    soname = f"-Wl,-soname,{real.name}"
    run_tool(["cc", "-shared", "-fPIC", "-O2", soname, "-o", str(out), str(source)])
    return out


_STUB_HEAD = """#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
static void missing(const char *name) {
  fprintf(stderr, "cobrowse: this build has no BLAS/LAPACK (%s called)\\n", name);
  abort();
}
"""
_DOT = """{t} {name}(int64_t n, const {t} *x, int64_t incx, const {t} *y, int64_t incy) {{
  {t} sum = 0;
  int64_t ix = incx < 0 ? (1 - n) * incx : 0, iy = incy < 0 ? (1 - n) * incy : 0;
  for (int64_t i = 0; i < n; i++, ix += incx, iy += incy) sum += x[ix] * y[iy];
  return sum;
}}"""


def _symbols(lib: Path, which: str) -> set[str]:
    """Dynamic symbol names of ``lib``: ``--defined-only`` or ``--undefined-only``."""
    out = run_tool(["nm", "-D", which, str(lib)])
    return {line.split()[-1] for line in out.splitlines() if line.strip()}
