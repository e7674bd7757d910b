"""Queries of the retention sweep: who was seen when, who to warn, who to erase, and the records
that have served their time.

Several instances may sweep at once: a notice is claimed with a conditional update before it is
sent, and an erasure deletes only a person still unseen since their notice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import AuditEntry, Broadcast, Delivery, Person, Reminder
from bot.db.statuses import BroadcastStatus, OutboxStatus

P = Person.__table__  # type: ignore[attr-defined]
R = Reminder.__table__  # type: ignore[attr-defined]
B = Broadcast.__table__  # type: ignore[attr-defined]
D = Delivery.__table__  # type: ignore[attr-defined]
A = AuditEntry.__table__  # type: ignore[attr-defined]


async def mark_seen(
    *, session: AsyncSession, chat_id: int, now: datetime, precision: timedelta
) -> bool:
    """Record that the person was seen now, cancelling a pending notice; write only when the
    stored moment is older than `precision` or a notice is pending. Tell whether it wrote."""
    statement = (
        sa.update(P)
        .where(
            P.c.chat_id == chat_id,
            sa.or_(P.c.last_seen_at < now - precision, P.c.inactivity_notice_at.is_not(None)),
        )
        .values(last_seen_at=now, inactivity_notice_at=None)
    )
    result = await (await session.connection()).execute(statement)
    return bool(result.rowcount)


async def claim_notices(
    *, session: AsyncSession, unseen_since: datetime, now: datetime, limit: int
) -> list[tuple[int, str | None]]:
    """Mark up to `limit` people unseen since `unseen_since` as notified now; return (chat,
    language) of those this call took (another instance may take some of the same first)."""
    candidates = await session.exec(
        select(Person.id, Person.chat_id, Person.language)
        .where(col(Person.last_seen_at) < unseen_since, col(Person.inactivity_notice_at).is_(None))
        .order_by(col(Person.last_seen_at))
        .limit(limit)
    )
    connection = await session.connection()
    claimed = []
    for person_id, chat_id, language in candidates.all():
        taken = await connection.execute(
            sa.update(P)
            .where(
                P.c.id == person_id,
                P.c.inactivity_notice_at.is_(None),
                P.c.last_seen_at < unseen_since,
            )
            .values(inactivity_notice_at=now)
        )
        if taken.rowcount:
            claimed.append((chat_id, language))
    return claimed


async def release_notice(*, session: AsyncSession, chat_id: int) -> None:
    """Forget a notice that could not be sent: the next sweep takes it again."""
    await (await session.connection()).execute(
        sa.update(P).where(P.c.chat_id == chat_id).values(inactivity_notice_at=None)
    )


async def notified_and_unseen(
    *, session: AsyncSession, notified_before: datetime, limit: int
) -> list[tuple[int, str | None]]:
    """Return (chat, language) of people notified before `notified_before` and not seen since."""
    rows = await session.exec(
        select(Person.chat_id, Person.language)
        .where(
            col(Person.inactivity_notice_at).is_not(None),
            col(Person.inactivity_notice_at) <= notified_before,
            col(Person.last_seen_at) < col(Person.inactivity_notice_at),
        )
        .limit(limit)
    )
    return list(rows.all())


async def purge_records(
    *,
    session: AsyncSession,
    reminders_before: datetime | None,
    broadcasts_before: datetime | None,
    audit_before: datetime | None,
) -> dict[str, int]:
    """Delete what no longer serves anyone; return how many rows of each kind went.

    - reminders whose deadline ended before `reminders_before` and that are no longer waiting
      (sent, cancelled, failed): the planner never plans a moment in the past again, so
      they cannot come back;
    - broadcasts finished (done or cancelled) before `broadcasts_before`, with their texts and
      their delivery rows;
    - audit entries older than `audit_before`.
    None keeps that kind of row.
    """
    connection = await session.connection()
    purged = {"reminders": 0, "broadcasts": 0, "deliveries": 0, "audit": 0}
    if reminders_before is not None:
        finished = [OutboxStatus.SENT, OutboxStatus.CANCELLED, OutboxStatus.FAILED]
        result = await connection.execute(
            sa.delete(R).where(
                R.c.due_at < reminders_before,
                R.c.status.in_([status.value for status in finished]),
            )
        )
        purged["reminders"] = int(result.rowcount or 0)
    if broadcasts_before is not None:
        old = sa.select(B.c.id).where(
            B.c.status.in_([BroadcastStatus.DONE.value, BroadcastStatus.CANCELLED.value]),
            B.c.finished_at < broadcasts_before,
        )
        deliveries = await connection.execute(sa.delete(D).where(D.c.broadcast_id.in_(old)))
        purged["deliveries"] = int(deliveries.rowcount or 0)
        broadcasts = await connection.execute(sa.delete(B).where(B.c.id.in_(old)))
        purged["broadcasts"] = int(broadcasts.rowcount or 0)
    if audit_before is not None:
        result = await connection.execute(sa.delete(A).where(A.c.at < audit_before))
        purged["audit"] = int(result.rowcount or 0)
    return purged
