"""The citizen's one-file launcher (build_support/launcher.py): finding its payload in
a PyInstaller archive, the program's environment, and where it starts the program
from.  Starting the program (exec on Linux, a child on Windows) is faked here; the
frozen test (test_frozen_citizen.py) runs the real launcher."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from build_support import launcher, payload
from build_support.launcher import Payload, child_env, find_payload
from build_support.unpack import InstallError, complete

writers = pytest.importorskip("PyInstaller.archive.writers")  # the build extra


def fake_exe(tmp_path: Path, packed: Path, entry: str, signature: bytes = b"") -> Path:
    """A bootloader's bytes, a CArchive as PyInstaller writes it, then ``signature``."""
    pkg, other = tmp_path / "archive.pkg", tmp_path / "lib.so"
    other.write_bytes(b"\x7fELF" + b"x" * 5000)
    entries = [("lib.so", str(other), True, "b"), (entry, str(packed), False, "a")]
    writers.CArchiveWriter(str(pkg), entries, pylib_name="libpython3.11.so.1.0")
    exe = tmp_path / "cobrowse-borger"
    exe.write_bytes(b"MZ bootloader" * 1000 + pkg.read_bytes() + signature)
    return exe


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, str]:
    """(launcher file, payload file, cache folder name) for a two-file program."""
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "cobrowse-borger").write_bytes(b"the program")
    (folder / "lib.so").write_bytes(b"lib" * 100)
    packed = tmp_path / "payload.tar.gz"
    digest = payload.pack(folder, packed, {})
    entry = payload.entry_name("1.2.3", digest, "cobrowse-borger")
    return fake_exe(tmp_path, packed, entry, signature=b"\0" * 9000), packed, f"1.2.3-{digest[:16]}"


def test_finds_its_payload_in_its_own_archive(built: tuple[Path, Path, str]) -> None:
    exe, packed, name = built
    found = find_payload(exe)
    assert (found.name, found.program, found.length) == (
        name,
        "cobrowse-borger",
        len(packed.read_bytes()),
    )
    with found.open() as reader:
        assert reader.read() == packed.read_bytes()


def test_a_file_without_payload_is_a_clear_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_bytes(b"no archive here" * 100)
    with pytest.raises(InstallError, match="carries no program"):
        find_payload(plain)


def test_entry_names_cannot_be_ambiguous() -> None:
    with pytest.raises(ValueError):
        payload.entry_name("1.0=2", "ab" * 32, "x")


def test_the_program_gets_its_own_environment() -> None:
    env = child_env(
        {"LD_LIBRARY_PATH": "/tmp/_MEI1", "LD_LIBRARY_PATH_ORIG": "/opt/lib", "HOME": "/h"}
    )
    assert env == {
        "LD_LIBRARY_PATH": "/opt/lib",
        "HOME": "/h",
        "PYINSTALLER_RESET_ENVIRONMENT": "1",
    }
    assert "LD_LIBRARY_PATH" not in child_env({"LD_LIBRARY_PATH": "/tmp/_MEI1"})


def test_starts_the_program_from_the_cache(
    built: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe, _, name = built
    started: list[tuple[Path, list[str]]] = []
    monkeypatch.setattr(launcher, "start", lambda p, a, _e: started.append((p, a)) or 7)
    root = tmp_path / "cache"
    (root / "0.9.0-old").mkdir(parents=True)  # an old version nobody runs
    assert launcher.launch(find_payload(exe), root, ["--lang", "en"], {}) == 7
    assert started == [(root / name / "cobrowse-borger", ["--lang", "en"])]
    assert complete(root / name) and not (root / "0.9.0-old").exists()


def test_an_unwritable_cache_starts_from_a_temporary_folder(
    built: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exe, _, name = built
    root = tmp_path / "not-a-folder"
    root.write_text("a file where the cache should be", encoding="utf-8")
    ran: list[list[str]] = []

    def call(command: list[str], env: dict[str, str]) -> int:
        assert Path(command[0]).read_bytes() == b"the program"  # unpacked, complete
        ran.append(command)
        return 3

    monkeypatch.setattr(launcher.subprocess, "call", call)
    monkeypatch.setattr(launcher, "start", lambda *_a: pytest.fail("not from the cache"))
    assert launcher.launch(find_payload(exe), root, [], {}) == 3
    assert len(ran) == 1 and not Path(ran[0][0]).exists()  # the temporary folder is gone


@pytest.mark.skipif(sys.platform == "win32", reason="flock: the Linux launcher's in-use mark")
def test_a_started_program_marks_its_folder_in_use(tmp_path: Path) -> None:
    folder = tmp_path / "1.2.3-abcd"
    folder.mkdir()
    assert not launcher.in_use(folder)
    assert not launcher.hold(folder)  # incomplete: never started
    (folder / "cobrowse-manifest.json").write_text('{"files": {}, "links": []}', encoding="utf-8")
    assert launcher.hold(folder)  # the lock stays with the program (inherited over exec)
    assert launcher.in_use(folder)


def test_the_payload_reads_to_its_end_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"head" + b"payload" + b"tail")
    with Payload(data, 4, 7, "n", "p").open() as reader:
        assert reader.read(3) == b"pay" and reader.read() == b"load" and reader.read() == b""
    assert os.path.getsize(data) == 15
