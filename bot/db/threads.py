"""Queries over the conversations of "Ask my association" (threads, their messages, blocks).

Keyword-only, take a session, never commit (services own the unit of work and the rules).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, Person, StaffMember
from bot.db.models_threads import InboxBlock, Thread, ThreadMessage
from bot.db.outbox import run
from bot.db.statuses import Direction, ThreadStatus

TH, TM = Thread.__table__, ThreadMessage.__table__  # type: ignore[attr-defined]
PE = Person.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ThreadRow:
    """An open conversation as the inbox lists it: no text, nobody's identity."""

    id: int
    association_id: int
    language: str | None
    handler_id: int | None
    waiting_since: datetime | None
    opened_at: datetime
    messages: int


async def open_thread(
    *, session: AsyncSession, person_id: int, association_id: int
) -> Thread | None:
    """Return the person's open conversation with the association, if any."""
    query = select(Thread).where(
        Thread.person_id == person_id,
        Thread.association_id == association_id,
        Thread.status == ThreadStatus.OPEN,
    )
    return (await session.exec(query)).first()


async def thread(*, session: AsyncSession, thread_id: int) -> Thread | None:
    """Return a conversation by id."""
    return await session.get(Thread, thread_id)


async def is_blocked(*, session: AsyncSession, association_id: int, person_id: int) -> bool:
    """Tell whether the association's staff blocked the person from their inbox."""
    return await session.get(InboxBlock, (association_id, person_id)) is not None


async def sent_by_person_since(*, session: AsyncSession, person_id: int, since: datetime) -> int:
    """Count the messages the person gave to relay since `since` (every association)."""
    query = (
        select(sa.func.count())
        .select_from(ThreadMessage)
        .join(Thread, col(Thread.id) == ThreadMessage.thread_id)
        .where(
            Thread.person_id == person_id,
            ThreadMessage.direction == Direction.IN,
            col(ThreadMessage.created_at) >= since,
        )
    )
    return int((await session.exec(query)).one())


async def open_threads(*, session: AsyncSession, association_id: int) -> list[ThreadRow]:
    """Return the association's open conversations: waiting ones first, the longest waiting
    first, then the others by age."""
    t, p, m = TH, PE, TM
    count = sa.select(sa.func.count()).where(m.c.thread_id == t.c.id).scalar_subquery()
    query = (
        sa.select(
            t.c.id,
            t.c.association_id,
            p.c.language,
            t.c.handler_id,
            t.c.waiting_since,
            t.c.opened_at,
            count,
        )
        .join(p, p.c.id == t.c.person_id)
        .where(t.c.association_id == association_id, t.c.status == ThreadStatus.OPEN)
        .order_by(t.c.waiting_since.is_(None), t.c.waiting_since, t.c.opened_at)
    )
    return [ThreadRow(*tuple(row)) for row in (await run(session, query)).all()]


async def person_messages(
    *, session: AsyncSession, thread_id: int, limit: int
) -> list[ThreadMessage]:
    """Return the latest messages the person wrote in a conversation, oldest first."""
    query = (
        select(ThreadMessage)
        .where(ThreadMessage.thread_id == thread_id, ThreadMessage.direction == Direction.IN)
        .order_by(col(ThreadMessage.id).desc())
        .limit(limit)
    )
    return list(reversed((await session.exec(query)).all()))


async def pressed_member(
    *, session: AsyncSession, user_id: int, since: datetime
) -> StaffMember | None:
    """Return the staff row of the user that pressed "Reply" or a directory field most recently
    after `since` (both stamp `replying_at`)."""
    query = (
        select(StaffMember)
        .where(
            StaffMember.user_id == user_id,
            sa.or_(
                col(StaffMember.replying_to).is_not(None), col(StaffMember.editing).is_not(None)
            ),
            col(StaffMember.replying_at) >= since,
        )
        .order_by(col(StaffMember.replying_at).desc())
    )
    return (await session.exec(query)).first()


async def waiting_by_association(*, session: AsyncSession) -> list[tuple[int, str, int, datetime]]:
    """Return (association id, name, conversations waiting, the oldest waiting since) of every
    association with a person waiting for an answer."""
    query = (
        select(
            Thread.association_id,
            Association.name,
            sa.func.count(),
            sa.func.min(Thread.waiting_since),
        )
        .join(Association, col(Association.id) == Thread.association_id)
        .where(Thread.status == ThreadStatus.OPEN, col(Thread.waiting_since).is_not(None))
        .group_by(col(Thread.association_id), col(Association.name))
        .order_by(col(Thread.association_id))
    )
    rows = (await session.exec(query)).all()
    return [(a, name, n, oldest) for a, name, n, oldest in rows if oldest is not None]


async def delete_closed_before(
    *, session: AsyncSession, association_id: int, before: datetime
) -> int:
    """Erase the association's conversations closed before `before`; return how many."""
    ids = select(Thread.id).where(
        Thread.association_id == association_id,
        Thread.status == ThreadStatus.CLOSED,
        col(Thread.closed_at) < before,
    )
    found = list((await session.exec(ids)).all())
    if found:
        await run(session, sa.delete(TM).where(TM.c.thread_id.in_(found)))
        await run(session, sa.delete(TH).where(TH.c.id.in_(found)))
    return len(found)


async def person_threads(*, session: AsyncSession, person_id: int) -> list[dict[str, object]]:
    """Return a person's conversations as /mydata shows them: with whom, when, how many
    messages each way (their content is not stored)."""
    t, m, a = TH, TM, Association.__table__  # type: ignore[attr-defined]
    sent = sa.select(sa.func.count()).where(m.c.thread_id == t.c.id, m.c.direction == "in")
    answers = sa.select(sa.func.count()).where(
        m.c.thread_id == t.c.id, m.c.direction == "out", m.c.kind != "closed"
    )
    query = (
        sa.select(
            a.c.name,
            t.c.status,
            t.c.opened_at,
            t.c.closed_at,
            t.c.shares_profile,
            sent.scalar_subquery().label("sent"),
            answers.scalar_subquery().label("answers"),
        )
        .join(a, a.c.id == t.c.association_id)
        .where(t.c.person_id == person_id)
        .order_by(t.c.opened_at)
    )
    return [
        {
            "association": row.name,
            "status": str(row.status),
            "opened_at": row.opened_at.isoformat(),
            "closed_at": row.closed_at.isoformat() if row.closed_at else None,
            "shows_stage_department_deadlines": bool(row.shares_profile),
            "messages_you_sent": row.sent,
            "answers_received": row.answers,
        }
        for row in (await run(session, query)).all()
    ]
