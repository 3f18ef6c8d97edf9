"""ICU data with Danish and English only, for the Linux Qt libraries.

PySide6's Linux wheel ships ICU 73, whose data library (``libicudata.so.73``, 32 MB,
12 MB compressed) holds every locale, legacy code page and dictionary.  Qt calls
ICU only for collation (``ucol_*``), case mapping, time-zone names (``ucal_*``)
and code pages (``ucnv_*``; Qt converts UTF-8/16/32 and Latin-1 itself); the
citizen client needs the root data and Danish and English of those.  Data that no
Qt call reads goes: transliteration, character names, break-iterator rules and
dictionaries, number spell-out, currency/unit/language/region names.
:func:`trim` takes the data blob out of the library, removes the rest with ICU's
own ``icupkg`` (apt package icu-devtools) and links a library of the same name and
symbol around what is left.
"""

from __future__ import annotations

import re
from pathlib import Path

from build_support.elf import rodata_symbol
from build_support.tools import run_tool

KEEP_LOCALES = {"root", "da", "da_DK", "en", "en_001", "en_150", "en_DK", "en_GB", "en_US"}
KEEP_LOCALES |= {"en_US_POSIX", "pool", "res_index"}
UNUSED_TREES = ("translit/", "brkitr/", "rbnf/", "curr/", "unit/", "lang/", "region/")
LOCALE_RE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")


def trim(library: Path, work: Path) -> Path:
    """A copy of ``library`` (libicudataNN.so) with Danish and English data only."""
    work.mkdir(parents=True, exist_ok=True)
    match = re.search(r"libicudata\.so\.(\d+)", library.name)
    if match is None:
        raise SystemExit(f"build error: {library.name} is not an ICU data library")
    major = match.group(1)
    full, trimmed = work / "full" / f"icudt{major}l.dat", work / f"icudt{major}l.dat"
    full.parent.mkdir(exist_ok=True)
    full.write_bytes(rodata_symbol(library, f"icudt{major}_dat"))
    items = _icupkg("-l", str(full)).split()
    drop = work / "drop.txt"
    drop.write_text("\n".join(i for i in items if not keep(i)) + "\n", encoding="utf-8")
    # nothing that stays depends on what goes (checked: Qt's ICU calls, listed above)
    _icupkg("--ignore-deps", "-r", str(drop), str(full), str(trimmed))
    return _link(trimmed, f"icudt{major}_dat", library.name, work)


def keep(item: str) -> bool:
    """Is the ICU data item ``item`` (e.g. ``coll/da.res``) needed?"""
    if item.endswith((".cnv", ".dict")) or item.startswith(UNUSED_TREES):
        return False  # legacy code pages, word dictionaries, data Qt never asks for
    if item == "unames.icu":
        return False
    stem = item.rsplit("/", 1)[-1].removesuffix(".res")
    if not item.endswith(".res") or not LOCALE_RE.match(stem):
        return True  # properties, rules and tables shared by every locale
    return stem in KEEP_LOCALES


def _icupkg(*args: str) -> str:
    return run_tool(["icupkg", *args])


def _link(data: Path, symbol: str, soname: str, work: Path) -> Path:
    source = work / "icudata.S"
    source.write_text(
        f".section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n{symbol}:\n"
        f'.incbin "{data}"\n.size {symbol}, .-{symbol}\n'
        '.section .note.GNU-stack,"",@progbits\n',
        encoding="utf-8",
    )
    out = work / soname
    run_tool(["cc", "-shared", f"-Wl,-soname,{soname}", "-o", str(out), str(source)])
    return out
