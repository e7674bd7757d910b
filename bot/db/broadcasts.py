"""Queries over broadcasts and their deliveries: drafts, recipients, scheduling, outcomes.

Keyword-only, take a session, never commit (services own the unit of work, the permission
checks and the rules; bot/services/broadcasts.py decides when each of these may happen).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Broadcast, Delivery, Follow, Person, Reminder

D, P, F = Delivery.__table__, Person.__table__, Follow.__table__  # type: ignore[attr-defined]
R = Reminder.__table__  # type: ignore[attr-defined]
B = Broadcast.__table__  # type: ignore[attr-defined]
# A deadline is open and not done while one of its reminders (lead, snooze or the "missed"
# message) is still to be sent: marking it done, or moving past it, cancels them.
OPEN_DEADLINE_KINDS = ("lead", "snooze", "missed")
OPEN_DEADLINE_STATUSES = ("pending", "claimed")


@dataclass(frozen=True)
class Target:
    """Who a broadcast is for, as the query needs it (the service reads it off the audience).

    Every filter left empty means everyone; `rules` None means no deadline filter, else one of
    these rules' deadlines must be open and end within `due_within` of the moment it goes out.
    """

    association_id: int | None  # None: everyone who agreed to use the bot, not followers
    languages: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    rules: tuple[str, ...] | None = None
    due_within: timedelta = timedelta(0)


def recipients(target: Target, now: datetime) -> sa.Select[Any]:
    """Select the ids (`person_id`) of the active, consented people a target reaches now."""
    query = sa.select(P.c.id.label("person_id")).where(
        P.c.active.is_(True), P.c.consented_at.is_not(None)
    )
    if target.association_id is not None:
        query = query.join(F, F.c.person_id == P.c.id).where(
            F.c.association_id == target.association_id
        )
    if target.languages:
        query = query.where(P.c.language.in_(target.languages))
    if target.departments:
        query = query.where(P.c.department.in_(target.departments))
    if target.stages:
        query = query.where(P.c.stage.in_(target.stages))
    if target.rules is not None:
        near = sa.exists().where(
            R.c.person_id == P.c.id,
            R.c.rule_id.in_(target.rules),
            R.c.kind.in_(OPEN_DEADLINE_KINDS),
            R.c.status.in_(OPEN_DEADLINE_STATUSES),
            R.c.due_at > now,
            R.c.due_at <= now + target.due_within,
        )
        query = query.where(near)
    return query


async def count_recipients(*, session: AsyncSession, target: Target, now: datetime) -> int:
    """Count who a target reaches now."""
    query = recipients(target, now)
    count = await (await session.connection()).execute(
        sa.select(sa.func.count()).select_from(query.subquery())
    )
    return int(count.scalar_one())


async def add_deliveries(
    *, session: AsyncSession, broadcast_id: int, target: Target, now: datetime
) -> int:
    """Write one pending delivery per recipient, in one INSERT ... SELECT; return the count."""
    rows = recipients(target, now).add_columns(
        sa.literal(broadcast_id).label("broadcast_id"),
        sa.literal("pending").label("status"),
        sa.literal(now, type_=D.c.send_at.type).label("send_at"),
    )
    connection = await session.connection()
    await connection.execute(
        sa.insert(D).from_select(["person_id", "broadcast_id", "status", "send_at"], rows)
    )
    # Counted, not rowcount: psycopg reports -1 for INSERT ... SELECT on PostgreSQL.
    counted = await connection.execute(
        sa.select(sa.func.count()).where(D.c.broadcast_id == broadcast_id)
    )
    return int(counted.scalar_one())


async def delivery_counts(*, session: AsyncSession, broadcast_id: int) -> dict[str, int]:
    """Return how many deliveries of a broadcast have each status."""
    rows = await (await session.connection()).execute(
        sa.select(D.c.status, sa.func.count())
        .where(D.c.broadcast_id == broadcast_id)
        .group_by(D.c.status)
    )
    return {status: int(n) for status, n in rows.all()}


async def cancel_pending_deliveries(*, session: AsyncSession, broadcast_id: int) -> None:
    """Cancel the deliveries of a broadcast that were not sent yet."""
    await (await session.connection()).execute(
        sa.update(D)
        .where(D.c.broadcast_id == broadcast_id, D.c.status == "pending")
        .values(status="cancelled")
    )


# -- broadcasts -------------------------------------------------------------------------------


async def add_broadcast(*, session: AsyncSession, broadcast: Broadcast) -> Broadcast:
    """Insert a broadcast and return it with its id."""
    session.add(broadcast)
    await session.flush()
    return broadcast


async def broadcast(*, session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    """Return a broadcast by id."""
    return await session.get(Broadcast, broadcast_id)


async def draft(*, session: AsyncSession, author: int) -> Broadcast | None:
    """Return the author's latest draft."""
    query = (
        select(Broadcast)
        .where(Broadcast.author_id == author, Broadcast.status == "draft")
        .order_by(col(Broadcast.id).desc())
    )
    return (await session.exec(query)).first()


async def delete_drafts(
    *, session: AsyncSession, author: int, association_id: int | None = None
) -> int:
    """Delete the author's drafts (only those for `association_id` when given); return how many
    there were."""
    query = sa.delete(B).where(B.c.author_id == author, B.c.status == "draft")
    if association_id is not None:
        query = query.where(B.c.association_id == association_id)
    result = await (await session.connection()).execute(query)
    return int(result.rowcount or 0)


async def latest(
    *, session: AsyncSession, association_id: int | None, limit: int
) -> Sequence[Broadcast]:
    """Return the latest broadcasts (not drafts) of an association (None: the operators')."""
    query = (
        select(Broadcast)
        .where(
            col(Broadcast.association_id).is_(None)
            if association_id is None
            else Broadcast.association_id == association_id,
            Broadcast.status != "draft",
        )
        .order_by(col(Broadcast.id).desc())
        .limit(limit)
    )
    return (await session.exec(query)).all()


# -- scheduled broadcasts ---------------------------------------------------------------------


async def due_scheduled(
    *, session: AsyncSession, now: datetime
) -> list[tuple[int, int, int | None]]:
    """Return (id, author, association id) of the scheduled broadcasts whose time has come."""
    rows = await (await session.connection()).execute(
        sa.select(B.c.id, B.c.author_id, B.c.association_id).where(
            B.c.status == "scheduled", B.c.send_at <= now
        )
    )
    return [(int(i), int(author), association) for i, author, association in rows.all()]


async def next_scheduled(*, session: AsyncSession) -> datetime | None:
    """Return when the next scheduled broadcast goes out."""
    found = await (await session.connection()).execute(
        sa.select(sa.func.min(B.c.send_at)).where(B.c.status == "scheduled")
    )
    return found.scalar_one_or_none()


async def take_scheduled(*, session: AsyncSession, broadcast_id: int) -> bool:
    """Mark a scheduled broadcast sending; False if it no longer was scheduled (another instance
    took it first, or it was cancelled): the change is conditional, so it happens once."""
    taken = await (await session.connection()).execute(
        sa.update(B)
        .where(B.c.id == broadcast_id, B.c.status == "scheduled")
        .values(status="sending")
    )
    return bool(taken.rowcount)


async def cancel_scheduled(
    *, session: AsyncSession, broadcast_id: int, now: datetime
) -> list[int | None]:
    """Cancel a broadcast if it is still scheduled; return its association id (none if it was
    not scheduled any more)."""
    result = await (await session.connection()).execute(
        sa.update(B)
        .where(B.c.id == broadcast_id, B.c.status == "scheduled")
        .values(status="cancelled", finished_at=now)
        .returning(B.c.association_id)
    )
    return [association_id for (association_id,) in result.all()]


async def cancel_scheduled_by(
    *, session: AsyncSession, association_id: int, author: int, now: datetime
) -> int:
    """Cancel what an author scheduled for an association; return how many."""
    scheduled = await (await session.connection()).execute(
        sa.update(B)
        .where(
            B.c.association_id == association_id,
            B.c.author_id == author,
            B.c.status == "scheduled",
        )
        .values(status="cancelled", finished_at=now)
    )
    return int(scheduled.rowcount or 0)
