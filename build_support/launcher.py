"""The citizen's one file: start the program from the per-user cache (unpacking it once).

This is the whole Python program of the one-file ``cobrowse-borger[.exe]`` on
Linux and Windows (built by ``build_support/launcher.spec``); the citizen client
itself, a one-folder PyInstaller program, rides inside it as an entry PyInstaller's
bootloader never unpacks (typecode ``a``).  At every start the launcher finds
that entry in its own file, makes sure the cache folder is complete
(:mod:`build_support.unpack`) and starts the program there: on Linux by
``exec`` (same process, a shared lock on the folder marks it in use while it
runs), on Windows as a child whose exit status it passes on (Windows keeps a
running program's folder from being moved, which marks it in use).  If the cache
cannot be written at all, this start unpacks into a temporary folder instead, as
a plain one-file program does.
"""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from build_support.unpack import InstallError, cache_root, clean, complete, install

PREFIX = "cobrowse-payload="  # entry name: cobrowse-payload=<version>-<hash>=<program>
MAGIC = b"MEI\014\013\012\013\016"  # PyInstaller's CArchive cookie
COOKIE = struct.Struct("!8sIIII64s")
ENTRY = struct.Struct("!IIIIBc")
TAIL = 1 << 20  # the cookie sits in the file's last bytes (a signature may follow it)
LOCK = "cobrowse-in-use"
TRIES = 3
BASE = Path(getattr(sys, "_MEIPASS", "."))  # the launcher's own files (its Python)
FAILED = (
    "Programmet kunne ikke starte. Måske er der ikke plads nok på computeren, "
    "eller programfilen er ødelagt. Hent programmet igen, eller ring til hotlinen."
)


@dataclass(frozen=True)
class Payload:
    """The one-folder program inside the launcher's own file."""

    path: Path
    offset: int
    length: int
    name: str  # <version>-<hash>: the cache folder's name
    program: str  # the executable inside the folder

    def open(self) -> IO[bytes]:
        return io.BufferedReader(_Slice(self.path, self.offset, self.length), 1 << 20)


class _Slice(io.RawIOBase):
    def __init__(self, path: Path, offset: int, length: int) -> None:
        super().__init__()
        self._file = path.open("rb")
        self._file.seek(offset)
        self._left = length

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._file.read(min(len(buffer), self._left))
        buffer[: len(data)] = data
        self._left -= len(data)
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


def find_payload(exe: Path) -> Payload:
    """Read the CArchive table of ``exe`` (PyInstaller's format) for the payload entry."""
    with exe.open("rb") as file:
        end = file.seek(0, os.SEEK_END)
        tail_start = file.seek(max(0, end - TAIL))
        tail = file.read()
        at = tail.rfind(MAGIC)
        if at < 0:
            raise InstallError(f"{exe} carries no program")
        _, length, toc_offset, toc_length, _, _ = COOKIE.unpack_from(tail, at)
        start = tail_start + at + COOKIE.size - length
        file.seek(start + toc_offset)
        toc = file.read(toc_length)
    pos = 0
    while pos + ENTRY.size <= len(toc):
        size, offset, stored, _, _, kind = ENTRY.unpack_from(toc, pos)
        name = toc[pos + ENTRY.size : pos + size].rstrip(b"\0").decode("utf-8")
        if kind == b"a" and name.startswith(PREFIX) and size > 0:
            _, folder, program = name.split("=", 2)
            return Payload(exe, start + offset, stored, folder, program)
        pos += max(size, ENTRY.size)
    raise InstallError(f"{exe} carries no program")


def child_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for the program: without the launcher's bootloader settings."""
    env = dict(environ)
    env["PYINSTALLER_RESET_ENVIRONMENT"] = "1"  # a program of its own, not our child
    for var in ("LD_LIBRARY_PATH", "LIBPATH"):  # the launcher's temporary folder
        original = env.pop(f"{var}_ORIG", None)
        if original is None:
            env.pop(var, None)
        else:
            env[var] = original
    return env


if sys.platform == "win32":

    def in_use(folder: Path) -> bool:
        return False  # Windows refuses to move the folder of a running program

    def hold(folder: Path) -> bool:
        return complete(folder)

    def start(program: Path, args: list[str], env: dict[str, str]) -> int:
        return subprocess.call([str(program), *args], env=env)

else:
    import fcntl

    def in_use(folder: Path) -> bool:
        """True while a program started from ``folder`` runs (it holds a shared lock)."""
        try:
            fd = os.open(folder / LOCK, os.O_RDWR)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return False
        except OSError:
            return True
        finally:
            os.close(fd)  # also drops the test lock

    def hold(folder: Path) -> bool:
        """Lock ``folder`` as in use for the program's life (the lock survives exec)."""
        try:
            fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return False
        fcntl.flock(fd, fcntl.LOCK_SH)
        if complete(folder):  # not cleaned away or damaged while we waited
            os.set_inheritable(fd, True)
            return True
        os.close(fd)
        return False

    def start(program: Path, args: list[str], env: dict[str, str]) -> int:
        os.execve(program, [str(program), *args], env)


def run_once(payload: Payload, args: list[str], env: dict[str, str]) -> int:
    """Unpack into a temporary folder for this start only (the cache is not writable)."""
    with tempfile.TemporaryDirectory(prefix="cobrowse-", ignore_cleanup_errors=True) as tmp:
        folder = install(Path(tmp), payload.name, payload.open, BASE)
        return subprocess.call([str(folder / payload.program), *args], env=env)


def launch(payload: Payload, root: Path, args: list[str], environ: Mapping[str, str]) -> int:
    env = child_env(environ)
    for _ in range(TRIES):
        try:
            folder = install(root, payload.name, payload.open, BASE)
        except OSError:
            break
        if hold(folder):
            clean(root, folder.name, in_use)
            try:
                return start(folder / payload.program, args, env)
            except OSError:
                break  # e.g. a cache on a noexec file system
    return run_once(payload, args, env)


def tell(problem: str) -> None:
    """Say why the program cannot start: a message box on Windows (no console)."""
    print(f"cobrowse-borger: {problem}", file=sys.stderr)
    if sys.platform == "win32":
        import ctypes

        text = f"{FAILED}\n\n({problem})"
        ctypes.windll.user32.MessageBoxW(None, text, "Hjælp til din computer", 0x10)


def main() -> int:
    try:
        payload = find_payload(Path(sys.executable))
        root = cache_root(sys.platform, os.environ, Path.home())
        return launch(payload, root, sys.argv[1:], os.environ)
    except (InstallError, OSError) as exc:
        tell(str(exc))
        return 1


if __name__ == "__main__":
    sys.exit(main())
