"""Pack the one-folder citizen client into the payload its one-file launcher carries.

The payload is a gzip-compressed tar of the folder (symbolic links kept: PyInstaller
uses them on Linux), level 9 like PyInstaller's own archive.  Its entry in the
launcher's archive is named ``cobrowse-payload=<version>-<hash>=<program>``
(:data:`build_support.launcher.PREFIX`): the launcher unpacks it into the cache
folder ``<version>-<hash>``, so a new build never reuses an old build's folder.
See :mod:`build_support.unpack`.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Mapping
from pathlib import Path

from build_support.launcher import PREFIX
from build_support.unpack import SHARED, file_sha256

HASH_CHARS = 16  # of the SHA-256 in hex: the cache folder's name and the install check


def _plain(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0  # the same folder packs to the same bytes, and the same hash
    return info


def pack(folder: Path, out: Path, shared: Mapping[str, str]) -> str:
    """Pack ``folder``'s contents (names relative to it) into ``out``; its SHA-256.

    ``shared`` maps names in ``folder`` to the same files in the launcher: they are
    left out and listed (with their hashes) for the launcher to copy in."""
    listed = {
        name: {"from": source, "sha256": file_sha256(folder / name)}
        for name, source in shared.items()
    }
    with tarfile.open(out, "w:gz", compresslevel=9) as tar:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder).as_posix()
            if (path.is_dir() and not path.is_symlink()) or name in listed:
                continue  # folders are made as needed when unpacking
            tar.add(path, name, recursive=False, filter=_plain)
        data = json.dumps(listed).encode("utf-8")
        info = _plain(tarfile.TarInfo(SHARED))
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return file_sha256(out)


def entry_name(version: str, digest: str, program: str) -> str:
    """The payload's name in the launcher: where the launcher finds it and unpacks it to."""
    if "=" in version + program or "-" in digest:
        raise ValueError(f"cannot name a payload {version!r}/{program!r}")
    return f"{PREFIX}{version}-{digest[:HASH_CHARS]}={program}"
