"""The application's memory of itself (table app_state): values by key, and a lease.

Keys: "rules_hash" (the rules file the stored plans were last computed with), "replan_lease"
(until when one process recomputes every plan; others leave it alone) and "health" (when the
health check last proved the database takes writes).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import AppState

T = AppState.__table__  # type: ignore[attr-defined]


async def read(session: AsyncSession, key: str) -> str | None:
    """Return the value stored under `key`, if any."""
    connection = await session.connection()
    result = await connection.execute(sa.select(T.c.value).where(T.c.key == key))
    return result.scalar_one_or_none()


async def write(session: AsyncSession, key: str, value: str, now: datetime) -> None:
    """Store `value` under `key` (insert or replace)."""
    connection = await session.connection()
    updated = await connection.execute(
        sa.update(T).where(T.c.key == key).values(value=value, updated_at=now)
    )
    if not updated.rowcount:
        await connection.execute(sa.insert(T).values(key=key, value=value, updated_at=now))


async def prove_writable(engine: AsyncEngine) -> None:
    """Write the "health" row in its own transaction: raises what the driver raises when the
    database cannot take writes (read-only, disk full, locked for too long)."""
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        updated = await connection.execute(
            sa.update(T).where(T.c.key == "health").values(value=_stamp(now), updated_at=now)
        )
        if not updated.rowcount:
            await connection.execute(
                sa.insert(T).values(key="health", value=_stamp(now), updated_at=now)
            )


async def take_lease(session: AsyncSession, key: str, now: datetime, until: datetime) -> bool:
    """Hold the lease `key` until `until` if it is free (absent or expired); tell whether taken.

    The conditional UPDATE (or the INSERT, which the primary key makes unique) is atomic: of two
    processes asking at once, one gets it.
    """
    stamp, current = _stamp(until), _stamp(now)
    connection = await session.connection()
    taken = await connection.execute(
        sa.update(T).where(T.c.key == key, T.c.value < current).values(value=stamp, updated_at=now)
    )
    if taken.rowcount:
        return True
    if await read(session, key) is not None:
        return False
    try:
        async with session.begin_nested():
            await connection.execute(sa.insert(T).values(key=key, value=stamp, updated_at=now))
    except sa.exc.IntegrityError:
        return False
    return True


async def renew_lease(session: AsyncSession, key: str, now: datetime, until: datetime) -> None:
    """Push the end of a lease this process holds to `until`."""
    connection = await session.connection()
    await connection.execute(
        sa.update(T).where(T.c.key == key).values(value=_stamp(until), updated_at=now)
    )


async def release_lease(session: AsyncSession, key: str, now: datetime) -> None:
    """Free the lease at once (its value becomes a moment already past)."""
    connection = await session.connection()
    await connection.execute(sa.update(T).where(T.c.key == key).values(value=_PAST, updated_at=now))


# Lease values are UTC moments in one fixed format, so that text order is time order.
_PAST = "0001-01-01T00:00:00.000000Z"


def _stamp(moment: datetime) -> str:
    """Return a moment as sortable UTC text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
