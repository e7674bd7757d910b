"""The unit of work: one transaction per service call."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession


class Sessions:
    """Opens a session inside a transaction that commits on success and rolls back on error."""

    def __init__(self, factory: async_sessionmaker[AsyncSession]) -> None:
        self.factory = factory

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        """Yield a session in a transaction (commit at the end, rollback on exception)."""
        async with self.factory() as session, session.begin():
            yield session


# A write that meets another process's transaction on SQLite ("database is locked", or a
# snapshot made stale by its commit) is run again from the start: the unit of work is atomic,
# so nothing of the failed attempt was kept.
WRITE_ATTEMPTS = 5
P = ParamSpec("P")
T = TypeVar("T")


def retried_on_lock(work: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Run a unit of work again, a few times with a growing pause, when the database is busy."""

    @functools.wraps(work)
    async def again(*args: P.args, **kwargs: P.kwargs) -> T:
        for attempt in range(WRITE_ATTEMPTS - 1):
            try:
                return await work(*args, **kwargs)
            except OperationalError:
                await asyncio.sleep(0.05 * 2**attempt)
        return await work(*args, **kwargs)

    return again
