"""Queries over who follows which association, and the follower profiles staff may count.

Keyword-only, take a session, never commit (services own the unit of work and the rules).
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, Follow, Person


async def follow(*, session: AsyncSession, person_id: int, association_id: int) -> Follow | None:
    """Return the follow of a person and an association, if they follow it."""
    return await session.get(Follow, (person_id, association_id))


def add_follow(*, session: AsyncSession, person_id: int, association_id: int) -> None:
    """Insert a follow with the next flush."""
    session.add(Follow(person_id=person_id, association_id=association_id))


async def delete_follow(*, session: AsyncSession, follow: Follow) -> None:
    """Delete a follow."""
    await session.delete(follow)


async def followed(
    *, session: AsyncSession, person_id: int
) -> list[tuple[int, str, datetime | None]]:
    """Return (association id, name, shared since) of the associations a person follows, by
    name."""
    query = (
        select(Follow.association_id, Association.name, Follow.shared_at)
        .join(Association, col(Association.id) == Follow.association_id)
        .where(Follow.person_id == person_id)
        .order_by(Association.name)
    )
    return [(a, name, shared) for a, name, shared in (await session.exec(query)).all()]


async def follower_profiles(
    *, session: AsyncSession, association_id: int | None
) -> list[tuple[str | None, str | None, str | None]]:
    """Return (language, department, stage) of each active follower of an association (None:
    of everyone who agreed to use the bot). Never who they are: only what staff may count."""
    query = select(Person.language, Person.department, Person.stage)
    if association_id is None:
        query = query.where(col(Person.consented_at).is_not(None))
    else:
        query = query.join(Follow, col(Follow.person_id) == Person.id).where(
            Follow.association_id == association_id
        )
    rows = await session.exec(query.where(col(Person.active).is_(True)))
    return [(language, department, stage) for language, department, stage in rows.all()]
