"""Fixtures for the screen tests: synthetic frames and the form page on Xvfb."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def formpage(xvfb: Any) -> Iterator[Any]:
    """bench/formpage.py running on the test Xvfb (a real Qt window to capture)."""
    from bench import formpage as module  # the repository is on sys.path (tests/conftest.py)

    page = module.launch(xvfb.display)
    yield page
    page.close()
