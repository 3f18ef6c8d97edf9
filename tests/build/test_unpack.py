"""The unpack-once cache of the citizen's one file (build_support/unpack.py), for real
on this file system: packed with build_support/payload.py, unpacked, damaged,
raced and cleaned.  Windows' refusal to move a running program's folder is faked
at os.rename; the frozen test (test_frozen_citizen.py) runs the real launcher."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

import pytest

from build_support import payload, unpack
from build_support.unpack import InstallError, cache_root, clean, complete, install

LINKS = os.name != "nt"  # symbolic links need privileges on Windows


@pytest.fixture
def packed(tmp_path: Path) -> tuple[Path, str, Path]:
    """A small one-folder program packed: (payload file, cache folder name, base)."""
    folder = tmp_path / "folder"
    (folder / "_internal" / "sub").mkdir(parents=True)
    (folder / "prog").write_bytes(b"#!program" * 100)
    (folder / "_internal" / "sub" / "data.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "_internal" / "libpython.so").write_bytes(b"python" * 1000)
    if LINKS:
        (folder / "_internal" / "link.so").symlink_to("libpython.so")
    base = tmp_path / "launcher"  # the launcher's own files: the shared one is there
    base.mkdir()
    (base / "libpython.so").write_bytes(b"python" * 1000)
    out = tmp_path / "payload.tar.gz"
    digest = payload.pack(folder, out, {"_internal/libpython.so": "libpython.so"})
    return out, f"1.2.3-{digest[:16]}", base


def opener(path: Path, calls: list[str] | None = None) -> Callable[[], IO[bytes]]:
    def open_payload() -> IO[bytes]:
        if calls is not None:
            calls.append("opened")
        return path.open("rb")

    return open_payload


def never() -> IO[bytes]:
    raise AssertionError("the payload was unpacked again")


def hidden(root: Path) -> list[str]:
    return [p.name for p in root.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("win32", {"LOCALAPPDATA": "C:/Users/a/AppData/Local"}, "C:/Users/a/AppData/Local"),
        ("win32", {}, "HOME/AppData/Local"),
        ("darwin", {}, "HOME/Library/Caches"),
        ("linux", {"XDG_CACHE_HOME": "/xdg"}, "/xdg"),
        ("linux", {"XDG_CACHE_HOME": "relative"}, "HOME/.cache"),  # invalid: ignored
        ("linux", {}, "HOME/.cache"),
    ],
)
def test_cache_root_per_platform(platform: str, environ: dict[str, str], expected: str) -> None:
    home = Path("/home/borger")
    root = cache_root(platform, environ, home)
    assert root == Path(expected.replace("HOME", str(home))) / "cobrowse-borger"


def test_unpacks_once_then_starts_from_the_cache(
    packed: tuple[Path, str, Path], tmp_path: Path
) -> None:
    out, name, base = packed
    root, calls = tmp_path / "cache", []
    folder = install(root, name, opener(out, calls), base)
    assert folder == root / name and complete(folder) and calls == ["opened"]
    assert (folder / "_internal" / "libpython.so").read_bytes() == b"python" * 1000  # shared
    assert (folder / "prog").read_bytes() == b"#!program" * 100
    if LINKS:
        assert os.readlink(folder / "_internal" / "link.so") == "libpython.so"
    assert install(root, name, never, base) == folder  # second start: nothing unpacked
    assert hidden(root) == []


@pytest.mark.parametrize("damage", ["delete", "truncate", "manifest", "folder"])
def test_a_damaged_cache_is_unpacked_again(
    packed: tuple[Path, str, Path], tmp_path: Path, damage: str
) -> None:
    out, name, base = packed
    root = tmp_path / "cache"
    folder = install(root, name, opener(out), base)
    victim = folder / "_internal" / "sub" / "data.bin"
    if damage == "delete":
        victim.unlink()
    elif damage == "truncate":
        victim.write_bytes(b"")
    elif damage == "manifest":
        (folder / unpack.MANIFEST).write_text("{not json", encoding="utf-8")
    else:  # a half-deleted folder: only the program is left
        for path in sorted(folder.rglob("*"), reverse=True):
            if path.name != "prog":
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    assert not complete(folder)
    calls: list[str] = []
    assert install(root, name, opener(out, calls), base) == folder
    assert complete(folder) and calls == ["opened"]
    assert victim.read_bytes() == bytes(range(256)) * 40
    assert hidden(root) == []  # the damaged copy went, and no unpack folder is left


def test_two_first_starts_at_once_share_one_folder(
    packed: tuple[Path, str, Path], tmp_path: Path
) -> None:
    """The second start finishes its unpack while the first is still unpacking."""
    out, name, base = packed
    root = tmp_path / "cache"
    other: list[Path] = []

    def racing() -> IO[bytes]:
        other.append(install(root, name, opener(out), base))  # the other start wins
        return out.open("rb")

    mine = install(root, name, racing, base)
    assert mine == other[0] == root / name and complete(mine)
    assert hidden(root) == []


def test_a_damaged_payload_fails_cleanly(packed: tuple[Path, str, Path], tmp_path: Path) -> None:
    out, name, base = packed
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    root = tmp_path / "cache"
    with pytest.raises(InstallError, match="damaged"):
        install(root, name, lambda: io.BytesIO(bytes(data)), base)
    wrong = name[:-4] + "0000" if not name.endswith("0000") else name[:-4] + "1111"
    with pytest.raises(InstallError, match="damaged"):
        install(root, wrong, opener(out), base)  # the contents do not match the name
    assert list(root.iterdir()) == []  # nothing half-unpacked is left to run


def test_a_shared_file_must_come_from_the_launcher(
    packed: tuple[Path, str, Path], tmp_path: Path
) -> None:
    out, name, base = packed
    (base / "libpython.so").write_bytes(b"another python")
    with pytest.raises(InstallError, match="differs"):
        install(tmp_path / "a", name, opener(out), base)
    (base / "libpython.so").unlink()
    with pytest.raises(InstallError, match="missing"):
        install(tmp_path / "b", name, opener(out), base)


def test_clean_removes_old_versions_nobody_uses(
    packed: tuple[Path, str, Path], tmp_path: Path
) -> None:
    out, name, base = packed
    root = tmp_path / "cache"
    install(root, name, opener(out), base)
    for old in ("1.2.1-aaaa", "1.2.2-bbbb", ".1.2.2-bbbb.unpacking", ".trash-old"):
        (root / old / "_internal").mkdir(parents=True)
    os.utime(root / ".trash-old", (0, 0))  # a crashed start's leftovers, long ago
    removed = clean(root, name, in_use=lambda folder: folder.name == "1.2.2-bbbb")
    assert removed == ["1.2.1-aaaa"]
    left = sorted(p.name for p in root.iterdir())
    assert left == [".1.2.2-bbbb.unpacking", "1.2.2-bbbb", name]  # an unpack under way stays


def test_windows_keeps_a_running_programs_folder(
    packed: tuple[Path, str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to move a folder whose program runs (faked at os.rename): an
    old version stays until it is free, and a damaged one in use is run around."""
    out, name, base = packed
    root = tmp_path / "cache"
    folder = install(root, name, opener(out), base)
    (folder / "prog").unlink()  # damaged while an old copy of it still runs
    (root / "1.0.0-cccc").mkdir()
    running = {folder, root / "1.0.0-cccc"}
    real_rename = os.rename

    def rename(src: str | Path, dst: str | Path) -> None:
        if Path(src) in running:
            raise PermissionError(32, "The process cannot access the file")
        real_rename(src, dst)

    monkeypatch.setattr(unpack.os, "rename", rename)
    spare = install(root, name, opener(out), base)
    assert spare != folder and spare.name.startswith(name + "~") and complete(spare)
    assert clean(root, spare.name, in_use=lambda _folder: False) == []
    assert (root / "1.0.0-cccc").exists()


def test_a_new_file_still_held_by_a_scanner_delays_the_rename_only(
    packed: tuple[Path, str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows: a virus scanner holding a just-written file makes the folder's rename
    fail with a sharing violation for a moment (faked at os.rename, twice)."""
    out, name, base = packed
    real_rename, refused = os.rename, [2]

    def rename(src: str | Path, dst: str | Path) -> None:
        if Path(dst).name == name and refused[0]:
            refused[0] -= 1
            raise PermissionError(32, "The process cannot access the file")
        real_rename(src, dst)

    monkeypatch.setattr(unpack, "RENAME_WAITS", (0.0,) * 4)
    monkeypatch.setattr(unpack.os, "rename", rename)
    root = tmp_path / "cache"
    assert install(root, name, opener(out), base) == root / name and complete(root / name)
    assert refused == [0] and hidden(root) == []
