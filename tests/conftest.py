"""Shared fixtures: database URLs on real SQLite files and on a throwaway PostgreSQL cluster;
and the tiers, as markers given by rule so that `-m` selects them (`make test-fast` runs
`-m "not slow and not postgres and not processes"`):

- postgres: the test uses the throwaway PostgreSQL cluster (`postgres_url` or
  `postgres_cluster`; a database fixture parametrised over both engines marks its postgres case
  itself);
- processes: the test starts other Python processes: it uses the `children` fixture
  (tests/service/conftest.py: the bot or the dispatcher as child processes) or the `wheel`
  fixture (tests/packaging: pip builds it); any other such test says so in its own file;
- slow: the test takes more than about 2 s on an idle machine: those two kinds, and every test of
  the modules in SLOW_MODULES; any other slow test carries `@pytest.mark.slow` in its own file
  (measure with `--durations=0`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.support.postgres import PostgresCluster, missing_reason

# As in bot/__main__.py: PTB periods as timedelta (no deprecation warning on every 429).
os.environ.setdefault("PTB_TIMEDELTA", "true")

TESTS = Path(__file__).resolve().parent
# Whole modules whose every test lasts seconds of real time, and why; their owners may move this
# into the module itself (`pytestmark = pytest.mark.slow`) and drop the line here.
SLOW_MODULES = {
    "service/test_outages.py": "each outage lasts seconds of real time on a running bot",
    "e2e/test_demo.py": "each test plays the demo in a child process, fake server and all",
}
# Fixtures that put a test in tiers: the cluster's, and those that start Python processes.
FIXTURE_MARKERS = {
    "postgres_cluster": {"postgres"},
    "children": {"processes", "slow"},
    "wheel": {"processes", "slow"},
}


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each test the tier markers its fixtures or its module call for."""
    for item in items:
        for name in sorted(tier_markers(item)):
            item.add_marker(name)


def tier_markers(item: pytest.Item) -> set[str]:
    """Return the markers `postgres`, `processes` and `slow` that the rules give a test."""
    fixtures = set(getattr(item, "fixturenames", ()))
    try:
        where = item.path.resolve().relative_to(TESTS).as_posix()
    except ValueError:  # not under tests/ (a path given from elsewhere)
        where = ""
    markers = set()
    for fixture in fixtures & FIXTURE_MARKERS.keys():
        markers |= FIXTURE_MARKERS[fixture]
    if where in SLOW_MODULES:
        markers.add("slow")
    return markers


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
