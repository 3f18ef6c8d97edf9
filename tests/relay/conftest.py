"""Fixtures for relay tests: a prepared account database in a fresh data folder."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from relay_helpers import PASSWORD

from relay.accounts import AccountStore


@pytest.fixture(scope="session")
def accounts_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A relay.db with anna and sara (agents), bo (supervisor) and dan (disabled)."""
    path = tmp_path_factory.mktemp("accounts") / "relay.db"
    store = AccountStore(path)
    store.add("anna", "Anna Jensen", "Albertslund", PASSWORD)
    store.add("sara", "Sara Holm", "Ballerup", PASSWORD)
    store.add("bo", "Bo Nielsen", "Albertslund", PASSWORD, role="supervisor")
    store.add("dan", "Dan Berg", "Brøndby", PASSWORD)
    store.disable("dan")
    return path


@pytest.fixture
def data_dir(tmp_path: Path, accounts_template: Path) -> Iterator[Path]:
    """A fresh data folder holding a copy of the prepared accounts."""
    shutil.copy(accounts_template, tmp_path / "relay.db")
    yield tmp_path
