"""The citizen's one file, unpacked once: the per-user cache the launcher starts from.

A PyInstaller one-file program unpacks all of itself (110 MB for the citizen
client) into a new temporary folder at every start and deletes it at exit: half a
second of every start, measured (docs/building.md).  The citizen's one file is
therefore a small launcher (:mod:`build_support.launcher`) carrying the one-folder
program as a compressed payload, unpacked once into a per-user cache folder named
after the version and the payload's hash, and started from there on every start:

    Linux    $XDG_CACHE_HOME/cobrowse-borger, else ~/.cache/cobrowse-borger
    Windows  %LOCALAPPDATA%\\cobrowse-borger (per user: no administrator rights)
    macOS    ~/Library/Caches/cobrowse-borger (unused: a .app is one folder already)

:func:`install` unpacks into a fresh hidden folder beside the cache folder, checks
the payload's hash, writes the manifest (every file and its size) last and renames
the folder into place in one step.  Two first starts at once both unpack; one
rename wins and the other uses the winner's folder.  Every start checks the
manifest against the files' sizes (:func:`complete`, a few milliseconds); a
damaged or partly deleted folder is moved aside and unpacked again, never run.
:func:`clean` removes other versions no running program uses.  Standard library
only: this runs before anything else, in the launcher's small Python.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO

APP = "cobrowse-borger"
MANIFEST = "cobrowse-manifest.json"  # written last: its presence means "unpacked"
SHARED = "cobrowse-shared.json"  # files the payload leaves out: the launcher has them
STALE = 24 * 3600  # seconds: a hidden unpack folder this old is a crashed start's
RENAME_WAITS = (0.05, 0.1, 0.2, 0.4)  # seconds between tries of the final rename
Opener = Callable[[], IO[bytes]]


class InstallError(Exception):
    """The payload could not be unpacked into a complete folder."""


def cache_root(platform: str, environ: Mapping[str, str], home: Path) -> Path:
    """The per-user cache folder for ``platform`` (``sys.platform``)."""
    if platform == "win32":  # FOLDERID_LocalAppData: per user, never roams
        base = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
    elif platform == "darwin":
        base = str(home / "Library" / "Caches")
    else:  # XDG Base Directory: a relative $XDG_CACHE_HOME is invalid and ignored
        xdg = environ.get("XDG_CACHE_HOME", "")
        base = xdg if os.path.isabs(xdg) else str(home / ".cache")
    return Path(base) / APP


def complete(folder: Path) -> bool:
    """True if ``folder`` holds every file of its manifest, each at its size."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files: dict[str, int] = manifest["files"]
        links: list[str] = manifest["links"]
        sizes = all((folder / name).stat().st_size == size for name, size in files.items())
        return sizes and all((folder / name).is_symlink() for name in links)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


class _Hashing:
    """A reader that hashes what passes through it (tarfile's stream mode reads only)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def unpack(payload: IO[bytes], into: Path, digest: str, base: Path | None) -> None:
    """Unpack the gzip-compressed tar ``payload`` into ``into``, manifest last.

    ``digest``: the start of the payload's SHA-256 (hex); a payload that does not
    match (a damaged download) raises :class:`InstallError` before the manifest.
    ``base``: the launcher's own unpacked files (``sys._MEIPASS``), for the files
    the payload shares with it (:data:`SHARED`: Python's library, for one)."""
    reader = _Hashing(payload)
    try:
        with tarfile.open(fileobj=reader, mode="r|gz") as tar:  # type: ignore[call-overload]
            tar.extractall(into, filter="data")
            members = tar.getmembers()
        while reader.read(1 << 16):  # the tail after the tar's end, for the hash
            pass
    except (tarfile.TarError, EOFError, zlib.error) as exc:  # OSError: the disk's, not ours
        raise InstallError(f"the program file is damaged: {exc}") from exc
    if not reader.sha.hexdigest().startswith(digest):
        raise InstallError("the program file is damaged (its contents do not match)")
    files = {m.name: m.size for m in members if m.isfile()}
    files.update(_copy_shared(into, base))
    manifest = {"files": files, "links": [m.name for m in members if m.issym()]}
    (into / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _copy_shared(into: Path, base: Path | None) -> dict[str, int]:
    """Copy the files the payload shares with the launcher from ``base``, checked."""
    try:
        shared = json.loads((into / SHARED).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    sizes: dict[str, int] = {}
    for name, source in shared.items():
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if base is None or not (base / source["from"]).is_file():
            raise InstallError(f"the program file is damaged: {source['from']} is missing")
        shutil.copy2(base / source["from"], target)
        if file_sha256(target) != source["sha256"]:
            raise InstallError(f"the program file is damaged: {name} differs")
        sizes[name] = target.stat().st_size
    return sizes


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, hex (read in 1 MiB blocks)."""
    sha = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            sha.update(chunk)
    return sha.hexdigest()


def install(root: Path, name: str, opener: Opener, base: Path | None = None) -> Path:
    """The complete folder ``root/name``, unpacked from ``opener()`` if needed.

    ``name`` ends with the payload's hash (``<version>-<sha256 prefix>``).  Raises
    OSError if ``root`` cannot be written, :class:`InstallError` for a bad payload."""
    target = root / name
    if complete(target):
        return target
    root.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=root))
    try:
        with opener() as payload:
            unpack(payload, fresh, name.rsplit("-", 1)[-1], base)
        return _place(fresh, target)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # gone already if it was placed


def _place(fresh: Path, target: Path) -> Path:
    """Rename the unpacked ``fresh`` into ``target``; the folder to run."""
    if os.path.lexists(target) and not complete(target):
        _retire(target)  # damaged or partly deleted: never run, never repaired in place
    try:
        _rename(fresh, target)
        return target
    except OSError:
        if complete(target):  # another first start got there first
            return target
    # a damaged folder still in use (Windows keeps a running program's files):
    # run this start from a folder of its own; clean() removes it later
    spare = target.with_name(f"{target.name}~{os.getpid()}")
    _rename(fresh, spare)
    return spare


def _rename(source: Path, target: Path) -> None:
    """``os.rename``, tried again briefly while a virus scanner still holds a new file
    (Windows: a sharing violation, PermissionError); any other error at once."""
    for wait in RENAME_WAITS:
        try:
            os.rename(source, target)
            return
        except PermissionError:
            time.sleep(wait)
    os.rename(source, target)


def _retire(folder: Path) -> bool:
    """Move ``folder`` aside and delete it; False if it is in use (Windows) or gone."""
    trash = folder.with_name(f".trash-{folder.name}-{os.getpid()}-{time.monotonic_ns()}")
    try:
        os.rename(folder, trash)
    except OSError:
        return False
    shutil.rmtree(trash, ignore_errors=True)
    return True


def clean(root: Path, keep: str, in_use: Callable[[Path], bool]) -> list[str]:
    """Remove every other version under ``root`` that no program uses; their names.

    Hidden folders (an unpack under way, or trash) go only once they are stale."""
    removed: list[str] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        if entry.name == keep or not entry.is_dir() or entry.is_symlink():
            continue
        if entry.name.startswith("."):
            if _age(entry) > STALE:
                shutil.rmtree(entry, ignore_errors=True)
            continue
        if not in_use(entry) and _retire(entry):
            removed.append(entry.name)
    return removed


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0
