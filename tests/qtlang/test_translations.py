"""The translation files: complete, in step with the code, and built."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from qtlang import build

FIELD = re.compile(r"\{\w+\}")


def messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    root = ET.parse(ts).getroot()
    return {
        (ctx.findtext("name") or "", msg.findtext("source") or ""): msg
        for ctx in root.iter("context")
        for msg in ctx.iter("message")
    }


@pytest.mark.parametrize("ts", build.ts_files(), ids=lambda p: p.name)
def test_every_text_is_translated(ts: Path) -> None:
    found = messages(ts)
    assert found, f"{ts.name} holds no texts"
    for (context, source), msg in found.items():
        translation = msg.find("translation")
        assert translation is not None and translation.text, f"{context}: {source!r} untranslated"
        assert translation.get("type") is None, (
            f"{context}: {source!r} is {translation.get('type')}"
        )
        assert sorted(FIELD.findall(source)) == sorted(FIELD.findall(translation.text)), source


def test_translation_files_are_in_step_with_the_code(tmp_path: Path) -> None:
    """lupdate over the code today finds no new, changed or dropped text."""
    for ts in build.ts_files():
        shutil.copy(ts, tmp_path / ts.name)
    build.update(tmp_path)
    for ts in build.ts_files():
        fresh = messages(tmp_path / ts.name)
        assert set(fresh) == set(messages(ts)), "run: python -m qtlang --update"
        assert all(m.find("translation").get("type") is None for m in fresh.values())  # type: ignore[union-attr]


def test_no_formatted_string_is_handed_to_translate() -> None:
    """``translate(ctx, f"...")`` would look up the filled-in text and never find it."""
    for package in build.APPS.values():
        for path in (build.ROOT / package).rglob("*.py"):
            code = path.read_text(encoding="utf-8")
            assert not re.search(r"(translate|QT_TRANSLATE_NOOP)\(\s*\"\w+\",\s*f\"", code), path


def test_qm_files_are_built_and_current(tmp_path: Path) -> None:
    for ts in build.ts_files():
        qm = build.qm_file(ts)  # builds a missing or stale one
        assert qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime
        build.release(ts, tmp_path / qm.name)
        assert qm.read_bytes() == (tmp_path / qm.name).read_bytes()


def test_a_read_only_install_builds_into_the_user_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package, data = tmp_path / "site-packages", tmp_path / "data"
    package.mkdir()
    ts = package / "citizen_en.ts"
    shutil.copy(build.HERE / ts.name, ts)
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    real = build.release

    def read_only(source: Path, qm: Path) -> None:
        if qm.parent == package:
            raise PermissionError("read-only")
        real(source, qm)

    monkeypatch.setattr(build, "release", read_only)
    qm = build.qm_file(ts)
    assert qm == data / "cobrowse" / "translations" / "citizen_en.qm" and qm.exists()
    assert build.qm_file(ts) == qm  # current: not built again


def test_a_missing_translation_shows_the_danish_source(
    qapp: object, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import qtlang
    from citizen_client.texts import phrase

    monkeypatch.setattr(qtlang, "qm_file", lambda ts: ts.with_name("gone.qm"))
    qtlang.install("citizen", "en")
    assert phrase("new_code") == "Nyt nummer"
    assert "could not be loaded" in caplog.text
