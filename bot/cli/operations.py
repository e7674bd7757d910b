"""The operator's `backup` and `stats`: a safe copy of the database, and counts without people.

`stats` prints aggregates only (how many people per language and stage, reminders and broadcasts
per status): no chat id, no date of a person, no association member, no message text.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import pool
from sqlalchemy.engine import make_url

from bot.cli import USAGE_ERROR, settings_from_environment
from bot.db.engine import create_sync_engine
from bot.db.migrate import current_revision
from bot.db.stats import collect_stats

BACKUP_PAGES_PER_STEP = 1024  # ~4 MB per step: writers are never held for long


def backup(args: argparse.Namespace) -> int:
    """Copy a live SQLite database to PATH (online backup API), or explain pg_dump."""
    settings = settings_from_environment()
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        print(_postgres_advice(url), file=sys.stderr)
        return 1
    source = Path(url.database or "")
    if not source.is_file():
        print(f"error: no database file at {source}", file=sys.stderr)
        return USAGE_ERROR
    target = Path(args.path)
    if target.exists() and not args.force:
        print(f"error: {target} exists (use --force to replace it)", file=sys.stderr)
        return USAGE_ERROR
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(source)) as live, closing(sqlite3.connect(partial)) as copy:
        live.execute("PRAGMA busy_timeout=5000")
        live.backup(copy, pages=BACKUP_PAGES_PER_STEP)
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        people = _count(copy, "persons")
    if check != "ok":
        partial.unlink(missing_ok=True)
        print(f"error: the copy failed its integrity check ({check})", file=sys.stderr)
        return 1
    partial.replace(target)
    target.chmod(0o600)  # it holds people's dates: readable by the operator only
    revision = current_revision(f"sqlite:///{target}")
    print(
        f"Backup written to {target} ({target.stat().st_size} bytes, schema {revision}, "
        f"{people} people)."
    )
    return 0


def _count(connection: sqlite3.Connection, table: str) -> int:
    """Return the rows of a table (0 when the table does not exist yet)."""
    try:
        return int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _postgres_advice(url: sa.URL) -> str:
    """Explain how to back up and restore PostgreSQL (the password is never printed)."""
    safe = url.set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "The database is PostgreSQL: back it up with its own tools, which copy a consistent "
        "snapshot while the bot runs:\n"
        f"  pg_dump --format=custom --file=bot.dump '{safe}'\n"
        "Restore into an empty database, with the bot stopped:\n"
        f"  pg_restore --clean --if-exists --no-owner --dbname='{safe}' bot.dump\n"
        "(put the password in ~/.pgpass or PGPASSWORD, not on the command line)."
    )


def stats(args: argparse.Namespace) -> int:
    """Print counts of people, reminders and broadcasts (no personal data)."""
    settings = settings_from_environment()
    engine = create_sync_engine(settings.database_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            report = collect_stats(connection)
    except sa.exc.OperationalError as error:
        print(f"error: database unreachable ({type(error.orig).__name__})", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(json.dumps(report, indent=2, sort_keys=True) if args.json else stats_text(report))
    return 0


def stats_text(report: dict[str, Any]) -> str:
    """Render the aggregates as aligned text."""
    lines: list[str] = []
    for section, values in report.items():
        lines.append(section.replace("_", " ").capitalize())
        for name, value in values.items():
            label = name.replace("_", " ")
            if isinstance(value, dict):
                lines.append(f"  {label}: {_pairs(value.items()) or 'none'}")
            else:
                lines.append(f"  {label}: {value}")
    return "\n".join(lines)


def _pairs(items: Iterable[tuple[str, int]]) -> str:
    """Return "a 3, b 5"."""
    return ", ".join(f"{key} {count}" for key, count in items)
