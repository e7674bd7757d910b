"""`pip install .` gives a working bot: the wheel holds `bot` with its catalogs, rules and
migrations inside the package, and nothing of the checkout's tooling (fake Telegram, tests).

The wheel is built offline from a copy of the sources (`pip wheel --no-build-isolation`, with
the setuptools of the dev requirements), unpacked into a folder outside the checkout, and run
from there as `python -m bot` with the dev environment's libraries.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.processes


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the project's wheel from a copy of what a clean checkout holds."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")
    for name in ("bot", "locales", "migrations", "fake_telegram"):
        shutil.copytree(REPO / name, source / name, ignore=ignore)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["--disable-pip-version-check", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("*.whl")
    return built


def test_the_wheel_holds_the_bot_and_its_data_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"bot"}  # no fake_telegram, tests, bench, locales or migrations at the top
    for expected in (
        "bot/locales/languages.toml",
        "bot/locales/fr/LC_MESSAGES/messages.po",
        "bot/locales/ti/LC_MESSAGES/messages.po",
        "bot/migrations/env.py",
        "bot/migrations/script.py.mako",
        "bot/domain/rules/deadline_rules.toml",
        "bot/domain/data/prefectures.csv",
        "bot/domain/data/towns.csv",
    ):
        assert expected in names, expected
    versions = [n for n in names if n.startswith("bot/migrations/versions/") and n.endswith(".py")]
    assert len(versions) == len(list((REPO / "migrations" / "versions").glob("*.py")))
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "asylum-bot = bot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_the_installed_bot_runs_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    """Deadlines in French, a migrated database, and the demo's honest refusal."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(site),  # the unpacked wheel only; libraries from this environment
        "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.sqlite3'}",
        "TELEGRAM_BOT_TOKEN": "123456:" + "A" * 35,
    }

    def bot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [sys.executable, "-c", "import bot.resources as r; print(r.LOCALES_DIR, r.MIGRATIONS_DIR)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where == [str(site / "bot" / "locales"), str(site / "bot" / "migrations")]

    plan = bot(
        "deadlines", "certificate_issued=2026-03-02", "--procedure", "normal", "--department", "93"
    )
    assert plan.returncode == 0, plan.stderr
    assert "ofpra_filing_21_days" in plan.stdout and "2026-03-23" in plan.stdout

    migrated = bot("migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "Database at revision" in migrated.stdout

    demo = bot("demo")
    assert demo.returncode == 2
    assert "the demo runs from a checkout" in demo.stderr
    assert "Traceback" not in demo.stderr


def test_the_package_list_covers_every_folder_of_bot() -> None:
    """pyproject.toml lists the packages by hand (two are mapped from top-level folders): a new
    folder under bot/ must be added there, or the installed bot would miss it."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    listed = set(config["packages"])
    folders = {
        ".".join(path.parent.relative_to(REPO).parts)
        for path in (REPO / "bot").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    mapped = {"bot.locales", "bot.migrations", "bot.migrations.versions"}
    assert listed == folders | mapped
    assert config["package-dir"] == {"bot.locales": "locales", "bot.migrations": "migrations"}
