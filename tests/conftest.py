"""Shared fixtures: database URLs on real SQLite files and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.support.postgres import PostgresCluster, missing_reason

# As in bot/__main__.py: PTB periods as timedelta (no deprecation warning on every 429).
os.environ.setdefault("PTB_TIMEDELTA", "true")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """Return the URL of a SQLite database file (not yet created) in the test's temp dir."""
    return f"sqlite:///{tmp_path / 'bot.sqlite3'}"


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """Start one PostgreSQL cluster for the whole run, or skip saying why it cannot start."""
    reason = missing_reason()
    if reason is not None:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """Return the URL of a fresh, empty database on the shared cluster."""
    return postgres_cluster.create_database(f"test_{uuid4().hex[:12]}")
