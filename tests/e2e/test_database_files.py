"""Files the bot creates hold people's dates: readable by its user only, and never silently lost."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.e2e.test_cli_errors import bot, closed_port, environment

pytestmark = pytest.mark.processes


def mode(path: Path) -> int:
    """Return a file's permission bits."""
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_its_backup_are_the_owners_only(tmp_path: Path) -> None:
    """`migrate` creates the database 0600, `backup` writes its copy 0600 from the start, even
    when the shell's umask would have made them world-readable."""
    env = environment(tmp_path, closed_port())
    assert bot(tmp_path, env, "migrate").returncode == 0
    database = tmp_path / "bot.sqlite3"
    assert mode(database) == 0o600
    assert bot(tmp_path, env, "backup", str(tmp_path / "copy.sqlite3")).returncode == 0
    assert mode(tmp_path / "copy.sqlite3") == 0o600
    assert not [p for p in tmp_path.iterdir() if p.is_file() and mode(p) & 0o077]


def test_a_lost_database_is_never_silently_replaced(tmp_path: Path) -> None:
    """The database deleted after it was created: `migrate`, `run` and `dispatch` refuse, with
    one line saying to restore the backup or delete the marker; deleting the marker starts
    afresh, on purpose."""
    env = environment(tmp_path, closed_port())
    assert bot(tmp_path, env, "migrate").returncode == 0
    database = tmp_path / "bot.sqlite3"
    marker = tmp_path / "bot.sqlite3.created"
    assert marker.exists() and mode(marker) == 0o600
    database.unlink()
    for command in (["migrate"], ["run"], ["dispatch", "--until-idle"]):
        result = bot(tmp_path, env, *command)
        assert result.returncode == 2, (command, result.stderr)
        assert "is missing" in result.stderr and "restore it from a backup" in result.stderr
        assert "Traceback" not in result.stderr
        assert not database.exists() or database.stat().st_size == 0
    marker.unlink()
    assert bot(tmp_path, env, "migrate").returncode == 0 and marker.exists()
