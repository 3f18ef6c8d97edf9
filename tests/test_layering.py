"""The core and the relay never import Qt; the relay never touches screen or input."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def files(package: str) -> list[Path]:
    found = sorted((ROOT / package).rglob("*.py"))
    assert found, f"no python files in {package}/"
    return found


@pytest.mark.parametrize("package", ["cobrowse", "relay"])
def test_no_qt_in_core_or_relay(package: str) -> None:
    for path in files(package):
        bad = {n for n in imports_of(path) if n.split(".")[0] in ("PySide6", "PyQt5", "PyQt6")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_relay_never_imports_screen_input_or_crypto() -> None:
    forbidden = ("cobrowse.screen", "cobrowse.control", "cobrowse.session.crypto", "mss", "pynput")
    for path in files("relay"):
        bad = {n for n in imports_of(path) if n.startswith(forbidden)}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
