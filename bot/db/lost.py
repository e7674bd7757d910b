"""Never start again on an empty SQLite database where there used to be people's dates.

SQLite creates a missing file silently: if the database is deleted or its volume is not mounted,
the next start would create an empty one, /healthz would say ok, and every person's reminders
would be gone without a word. So the first migration leaves a marker next to the database
(`<file>.created`, its creation date inside); a start that finds the marker but not the database
refuses, saying to restore the backup or, to really start empty, to delete the marker.
Removing the whole folder (a new installation) removes both, and starts afresh.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


class DatabaseLost(Exception):
    """The database file is missing where one was created before."""


def sqlite_file(url: str) -> Path | None:
    """Return the file of a SQLite URL (None: PostgreSQL, or SQLite in memory)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def marker_of(database: Path) -> Path:
    """Return the marker file that says a database was created here."""
    return database.with_name(database.name + ".created")


def check_not_lost(url: str) -> None:
    """Raise DatabaseLost when the SQLite file is missing (or empty) but was created here
    before."""
    database = sqlite_file(url)
    if database is None or (database.exists() and database.stat().st_size > 0):
        return  # (a bare connection to a missing file leaves it empty: still lost)
    marker = marker_of(database)
    if marker.exists():
        created = marker.read_text("utf-8").strip() or "an earlier start"
        raise DatabaseLost(
            f"the database {database} is missing, but one was created here on {created}: "
            f"restore it from a backup (a copy made with `python -m bot backup`), or, to start "
            f"with an empty database and no one's reminders, delete {marker}"
        )


def mark_created(url: str) -> None:
    """Leave the marker next to a SQLite database, once (its creation date inside)."""
    database = sqlite_file(url)
    if database is None or not database.exists():
        return
    marker = marker_of(database)
    if not marker.exists():
        marker.write_text(datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC") + "\n", "utf-8")
