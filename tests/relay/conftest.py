"""Fixtures for relay tests: a prepared account database in a fresh data folder, and
statistics databases on both backends (SQLite and a throw-away PostgreSQL cluster)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgcluster import Cluster, bin_dir, fresh_database
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


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """One PostgreSQL cluster for the whole run (tests/relay/pgcluster.py).

    Without PostgreSQL installed the PostgreSQL half of the suite is skipped on a
    developer's machine and fails on CI, where scripts/setup.sh installs it."""
    bindir = bin_dir()
    if bindir is None:
        message = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster(bindir)
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def stats_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Where a fresh statistics database lives: a SQLite file, or an empty
    PostgreSQL database's URL.  Tests taking it run once on each backend."""
    if request.param == "sqlite":
        yield tmp_path / "stats.db"
        return
    cluster: Cluster = request.getfixturevalue("postgres_cluster")
    with fresh_database(cluster) as url:
        yield url
