"""The unit of work: one transaction per service call."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

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
