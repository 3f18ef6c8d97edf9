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
