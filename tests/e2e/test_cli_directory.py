"""`python -m bot places import|list` and `association hours|retention`, as real processes: what
the operator types, what they read back, and what a bad file or value does (nothing)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli_errors import TIMEOUT, closed_port, environment

pytestmark = pytest.mark.processes

PLACES = """
[places.pass-delafontaine]
name = "PASS de l'hôpital Delafontaine"
kind = "health"
department = "93"
address = "2 rue du Docteur Delafontaine, 93200 Saint-Denis"
source = "the hospital's leaflet handed to the association, November 2026"
verified_on = 2026-11-30
latitude = 48.9406
longitude = 2.3588

[places.domiciliation-ccas]
name = "CCAS de Saint-Denis"
kind = "domiciliation"
department = "Seine-Saint-Denis"
address = "Place Victor Hugo, 93200 Saint-Denis"
source = "phone call to the CCAS, 1 December 2026"
verified_on = 2025-06-01
"""


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot ARGS` in `folder` (its own database, no token needed)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=folder,
        env=environment(folder, closed_port(), token=None),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def test_the_operator_imports_and_lists_entries_and_a_bad_file_changes_nothing(
    tmp_path: Path,
) -> None:
    data = tmp_path / "places.toml"
    data.write_text(PLACES, encoding="utf-8")
    done = run(tmp_path, "places", "import", str(data))
    assert done.returncode == 0, done.stderr
    assert "2 entries: 2 added, 0 updated, 0 removed" in done.stdout
    listed = run(tmp_path, "places", "list").stdout.splitlines()
    assert any(line.startswith("ok     93 health") for line in listed), listed
    assert any(line.startswith("HIDDEN 93 domiciliation") for line in listed), listed

    # An entry without a source: the whole file is refused, the entries stay as they were.
    data.write_text(PLACES.replace('source = "phone call', 'note = "phone call'), "utf-8")
    refused = run(tmp_path, "places", "import", str(data))
    assert refused.returncode == 2 and "places.domiciliation-ccas" in refused.stderr
    assert "nothing was imported" in refused.stderr and "Traceback" not in refused.stderr
    # One entry removed from the file: removed from the directory.
    data.write_text(PLACES.split("[places.domiciliation-ccas]")[0], "utf-8")
    assert (
        "1 entries: 0 added, 1 updated, 1 removed"
        in run(tmp_path, "places", "import", str(data)).stdout
    )
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        rows = connection.execute("SELECT key, source FROM places").fetchall()
    assert rows == [
        ("pass-delafontaine", "the hospital's leaflet handed to the association, November 2026")
    ]


def test_the_operator_sets_an_associations_hours_and_retention(tmp_path: Path) -> None:
    created = run(tmp_path, "association", "create", "Entraide 93", "--username", "@asile_bot")
    assert created.returncode == 0, created.stderr
    done = run(tmp_path, "association", "hours", "1", "mon-fri 9:00-17:00")
    assert done.returncode == 0 and "opening hours mon-fri 9:00-17:00" in done.stdout
    wrong = run(tmp_path, "association", "hours", "1", "lundi 9-17")
    assert wrong.returncode == 2 and "mon-fri 9:00-17:00" in wrong.stderr
    assert run(tmp_path, "association", "hours", "7", "mon 9-12").returncode == 2
    kept = run(tmp_path, "association", "retention", "1", "90")
    assert kept.returncode == 0 and "kept 90 days" in kept.stdout
    assert run(tmp_path, "association", "retention", "1", "0").returncode == 2
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        hours, days = connection.execute(
            "SELECT hours, thread_retention_days FROM associations"
        ).fetchone()
    assert '"days": [0, 1, 2, 3, 4]' in hours and days == 90
