"""Engines and session factories for SQLite (development, small deployments) and PostgreSQL.

Nothing is created at import time: the application builds its engine at start and disposes of it at
shutdown. `sqlalchemy.ext.asyncio` is imported lazily because it needs greenlet, which the migration
and other synchronous tools do not.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
    from sqlmodel.ext.asyncio.session import AsyncSession

# WAL lets the dispatcher read while a handler writes; busy_timeout makes a second writer wait
# instead of failing at once with "database is locked"; NORMAL is durable enough under WAL.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA synchronous=NORMAL",
)


def _normalised(url: str, *, sqlite_driver: str | None) -> sa.URL:
    """Parse `url` and choose the driver: psycopg 3 for PostgreSQL, the given one for SQLite."""
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "sqlite" and driver == "aiosqlite" and sqlite_driver is None:
        return parsed.set(drivername="sqlite")
    if driver:
        return parsed
    if backend in ("postgres", "postgresql"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and sqlite_driver:
        return parsed.set(drivername=f"sqlite+{sqlite_driver}")
    return parsed


def sync_url(url: str) -> str:
    """Return `url` with a synchronous driver (sqlite's pysqlite, psycopg 3 for PostgreSQL)."""
    return _normalised(url, sqlite_driver=None).render_as_string(hide_password=False)


def async_url(url: str) -> str:
    """Return `url` with an asyncio driver (aiosqlite, psycopg 3 for PostgreSQL)."""
    return _normalised(url, sqlite_driver="aiosqlite").render_as_string(hide_password=False)


def _sqlite_file(url: sa.URL) -> Path | None:
    """Return the database file of a SQLite URL, or None for memory databases and other backends."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.database.startswith("file:"):
        return None
    return Path(url.database)


def _engine_options(url: sa.URL, options: dict[str, Any]) -> dict[str, Any]:
    """Create the SQLite file's directory, and add PostgreSQL's pre-ping unless given."""
    database_file = _sqlite_file(url)
    if database_file is not None:
        database_file.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "postgresql":
        options.setdefault("pool_pre_ping", True)
    return options


def _listen_for_sqlite_pragmas(engine: sa.Engine, *, foreign_keys: bool) -> None:
    """Set the connection PRAGMAs on every new SQLite connection of `engine`."""
    statements = (*SQLITE_PRAGMAS, f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")

    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        """Run the PRAGMAs outside any transaction (foreign_keys is ignored inside one)."""
        cursor = dbapi_connection.cursor()
        try:
            for statement in statements:
                cursor.execute(statement)
        finally:
            cursor.close()

    sa.event.listen(engine, "connect", set_pragmas)


def create_sync_engine(url: str, *, foreign_keys: bool = True, **options: Any) -> sa.Engine:
    """Create a synchronous engine; `foreign_keys=False` is for SQLite migrations only."""
    parsed = make_url(sync_url(url))
    engine = sa.create_engine(parsed, **_engine_options(parsed, options))
    if parsed.get_backend_name() == "sqlite":
        _listen_for_sqlite_pragmas(engine, foreign_keys=foreign_keys)
    return engine


def create_async_engine(url: str, **options: Any) -> AsyncEngine:
    """Create an asyncio engine (needs greenlet, i.e. `sqlalchemy[asyncio]`)."""
    from sqlalchemy.ext.asyncio import create_async_engine as create

    parsed = make_url(async_url(url))
    if parsed.get_backend_name() == "sqlite" and _sqlite_file(parsed) is not None:
        # SQLite has one write lock: several pooled connections of one process only fight over
        # it (and time out under load with "database is locked"). One connection serialises the
        # process's transactions in its own queue instead.
        options.setdefault("pool_size", 1)
        options.setdefault("max_overflow", 0)
        options.setdefault("pool_timeout", 60)
    engine = create(parsed, **_engine_options(parsed, options))
    if parsed.get_backend_name() == "sqlite":
        _listen_for_sqlite_pragmas(engine.sync_engine, foreign_keys=True)
    return engine


def async_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Return a factory of SQLModel AsyncSessions that keep loaded values after commit."""
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from sqlmodel.ext.asyncio.session import AsyncSession

    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
