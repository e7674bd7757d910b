"""Claiming due reminders atomically, and recording what happened to each.

A claim marks rows `claimed` with a lease in the same statement that selects them, so two
dispatchers never take the same row, and a dispatcher that dies leaves rows that are taken again
once their lease expires (at worst re-sending the few in flight, never losing one). On PostgreSQL
the selection uses FOR UPDATE SKIP LOCKED so several instances share the work without waiting on
each other; SQLite (where SQLAlchemy drops that clause) serialises writers, and the conditional
UPDATE is atomic on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Person, Reminder

R, P = Reminder.__table__, Person.__table__  # type: ignore[attr-defined]
# A "missed" message later than this is no longer useful: it is cancelled instead.
MISSED_FRESHNESS = timedelta(days=30)
# A "date unknown, probably running" reminder later than this is replaced by the next one.
STANDING_FRESHNESS = timedelta(days=2)


@dataclass(frozen=True)
class Claimed:
    """A reminder taken for sending, with what is needed to write it."""

    id: int
    person_id: int
    chat_id: int
    language: str
    rule_id: str
    due_at: datetime
    remind_at: datetime
    kind: str
    attempts: int
    lease_until: datetime  # the claim's token: outcomes are recorded only while it still holds
    previous_due_at: datetime | None = None  # kind "changed": the date the person had before
    department: str = "75"  # where the person lives: when post offices close (act before)


async def expire_stale(session: AsyncSession, now: datetime) -> int:
    """Cancel reminders that can no longer help, before claiming.

    A lead reminder (or an association's alert) whose deadline passed is replaced by the one
    "missed" message; a "missed" message a month late is useless; and when the bot was down,
    several reminders of the same deadline may be due at once: only the latest is sent.
    """
    late_lead = sa.and_(R.c.kind.in_(("lead", "snooze", "alert")), R.c.due_at <= now)
    too_late = sa.or_(
        sa.and_(R.c.kind.in_(("missed", "changed")), R.c.remind_at < now - MISSED_FRESHNESS),
        sa.and_(R.c.kind == "standing", R.c.remind_at < now - STANDING_FRESHNESS),
    )
    newer = R.alias("newer")
    superseded = sa.exists().where(
        newer.c.person_id == R.c.person_id,
        newer.c.rule_id == R.c.rule_id,
        newer.c.due_at == R.c.due_at,
        newer.c.status == "pending",
        newer.c.kind.in_(("lead", "snooze")),
        newer.c.remind_at <= now,
        newer.c.remind_at > R.c.remind_at,
    )
    piled_up = sa.and_(R.c.kind.in_(("lead", "snooze")), superseded)
    statement = (
        sa.update(R)
        .where(R.c.status == "pending", R.c.remind_at <= now, sa.or_(late_lead, too_late, piled_up))
        .values(status="cancelled", lease_until=None)
    )
    result = await _run(session, statement)
    return int(result.rowcount or 0)


async def claim_due(
    session: AsyncSession, now: datetime, *, lease: timedelta, limit: int
) -> list[Claimed]:
    """Take up to `limit` due reminders of active people (or whose lease expired), soonest first."""
    due = sa.or_(
        sa.and_(R.c.status == "pending", R.c.remind_at <= now),
        sa.and_(R.c.status == "claimed", R.c.lease_until < now),
    )
    chosen = (
        sa.select(R.c.id)
        .join(P, P.c.id == R.c.person_id)
        .where(due, P.c.active.is_(True))
        .order_by(R.c.remind_at, R.c.id)
        .limit(limit)
    )
    ids = await take(session, R, chosen, due, now + lease)
    if not ids:
        return []
    query = (
        sa.select(R, P.c.chat_id, P.c.language, P.c.department)
        .join(P, P.c.id == R.c.person_id)
        .where(R.c.id.in_(ids))
        .order_by(R.c.remind_at, R.c.id)
    )
    return [
        Claimed(
            id=row.id,
            person_id=row.person_id,
            chat_id=row.chat_id,
            language=row.language or "en",
            rule_id=row.rule_id,
            due_at=row.due_at,
            remind_at=row.remind_at,
            kind=row.kind,
            attempts=row.attempts,
            lease_until=row.lease_until,
            previous_due_at=row.previous_due_at,
            department=row.department or "75",
        )
        for row in (await _run(session, query)).all()
    ]


def _held(claim: Claimed) -> sa.ColumnElement[bool]:
    """Match the row only while this claim holds it (same lease: nobody re-claimed it)."""
    return sa.and_(
        R.c.id == claim.id, R.c.status == "claimed", R.c.lease_until == claim.lease_until
    )


async def mark_sent(session: AsyncSession, claim: Claimed, now: datetime) -> None:
    """Record a delivery (only if this claim still holds the row)."""
    statement = sa.update(R).where(_held(claim))
    await _run(
        session, statement.values(status="sent", sent_at=now, lease_until=None, last_error=None)
    )


async def mark_sent_many(session: AsyncSession, batch: list[Claimed], now: datetime) -> None:
    """Record several deliveries of one claim in one statement (they share its lease)."""
    await settle(session, R, batch, status="sent", sent_at=now, lease_until=None, last_error=None)


async def release_many(session: AsyncSession, batch: list[Claimed]) -> None:
    """Give back claims never attempted (the process is stopping): due again at once."""
    await settle(session, R, batch, status="pending", lease_until=None, attempts=R.c.attempts - 1)


class Held(Protocol):
    """A claimed row: its id and the lease that is its claim's token."""

    @property
    def id(self) -> int: ...  # noqa: D102

    @property
    def lease_until(self) -> datetime: ...  # noqa: D102


async def take(
    session: AsyncSession, table: sa.Table, chosen: sa.Select[Any], due: Any, until: datetime
) -> list[int]:
    """Claim the rows `chosen` selects (still `due`) with a lease until `until`; return their ids.

    One conditional UPDATE marks them, so two dispatchers never take the same row; on PostgreSQL
    the selection skips rows another transaction has locked.
    """
    if session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True, of=table)
    statement = (
        sa.update(table)
        .where(table.c.id.in_(chosen.scalar_subquery()), due)
        .values(status="claimed", lease_until=until, attempts=table.c.attempts + 1)
        .returning(table.c.id)
    )
    return [row[0] for row in (await _run(session, statement)).all()]


async def settle(
    session: AsyncSession, table: sa.Table, batch: Sequence[Held], **values: Any
) -> None:
    """Update claimed rows, only those their claim still holds (one statement per lease)."""
    for lease in {held.lease_until for held in batch}:
        ids = [held.id for held in batch if held.lease_until == lease]
        statement = sa.update(table).where(
            table.c.id.in_(ids), table.c.status == "claimed", table.c.lease_until == lease
        )
        await _run(session, statement.values(**values))


async def mark_retry(session: AsyncSession, claim: Claimed, at: datetime, error: str) -> None:
    """Put a reminder back in the queue, to be tried again at `at`."""
    statement = sa.update(R).where(_held(claim))
    await _run(
        session,
        statement.values(status="pending", remind_at=at, lease_until=None, last_error=error),
    )


async def mark_failed(session: AsyncSession, claim: Claimed, error: str) -> None:
    """Give up on a reminder (recorded with an error code, never message text)."""
    statement = sa.update(R).where(_held(claim))
    await _run(session, statement.values(status="failed", lease_until=None, last_error=error))


async def mark_cancelled(session: AsyncSession, claim: Claimed, reason: str) -> None:
    """Drop a reminder that no longer has anyone to go to (an error code, never text)."""
    statement = sa.update(R).where(_held(claim))
    await _run(session, statement.values(status="cancelled", lease_until=None, last_error=reason))


async def mark_staff_unreachable(session: AsyncSession, claim: Claimed) -> None:
    """Every staff member to alert blocked the bot: the alert fails; the person stays active."""
    await mark_failed(session, claim, "forbidden")


async def suspend_person(session: AsyncSession, claim: Claimed) -> None:
    """The person blocked the bot: mark them inactive; their reminders wait for /start."""
    await _run(session, sa.update(P).where(P.c.id == claim.person_id).values(active=False))
    statement = sa.update(R).where(_held(claim))
    await _run(
        session, statement.values(status="pending", lease_until=None, last_error="forbidden")
    )


async def next_due(session: AsyncSession) -> datetime | None:
    """Return the earliest moment something will be due (a pending reminder or a lease end)."""
    pending = (
        sa.select(sa.func.min(R.c.remind_at))
        .join(P, P.c.id == R.c.person_id)
        .where(R.c.status == "pending", P.c.active.is_(True))
    )
    leased = sa.select(sa.func.min(R.c.lease_until)).where(R.c.status == "claimed")
    moments = [(await _run(session, q)).scalar_one_or_none() for q in (pending, leased)]
    present = [m for m in moments if m is not None]
    return min(present) if present else None


async def _run(session: AsyncSession, statement: sa.Executable) -> sa.CursorResult[Any]:
    """Execute a Core statement on the session's connection, inside its transaction."""
    connection = await session.connection()
    return await connection.execute(statement)
