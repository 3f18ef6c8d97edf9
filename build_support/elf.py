"""Read one data symbol's bytes out of an ELF shared library (64-bit little-endian)."""

from __future__ import annotations

import struct
from pathlib import Path


def rodata_symbol(library: Path, symbol: str) -> bytes:
    """The bytes of the exported object ``symbol`` in ``library``."""
    data = library.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise SystemExit(f"build error: {library} is not a 64-bit little-endian ELF file")
    shoff, shentsize, shnum = (
        struct.unpack_from("<Q", data, 0x28)[0],
        *struct.unpack_from("<HH", data, 0x3A),
    )
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)
    ]
    for _name, kind, _f, _addr, offset, size, link, _i, _a, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strtab = sections[link]
        for at in range(offset, offset + size, entsize):
            st_name, _info, _other, shndx, value, length = struct.unpack_from("<IBBHQQ", data, at)
            if _cstr(data, strtab[4] + st_name) == symbol:
                sect = sections[shndx]
                start = sect[4] + value - sect[3]
                return data[start : start + length]
    raise SystemExit(f"build error: {library.name} has no symbol {symbol}")


def _cstr(data: bytes, at: int) -> str:
    return data[at : data.index(b"\0", at)].decode("ascii", "replace")
