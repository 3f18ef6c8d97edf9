"""Fixtures for the screen tests: synthetic frames and the form page on Xvfb."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def formpage(xvfb: Any) -> Iterator[Any]:
    """bench/formpage.py running on the test Xvfb (a real Qt window to capture)."""
    sys.path.insert(0, str(ROOT))
    from bench import formpage as module

    page = module.launch(xvfb.display)
    yield page
    page.close()
