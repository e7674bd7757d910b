"""The reminders' side of the outbox: which reminder rows are due, and what a claimed one carries.

Claiming and recording outcomes are shared with broadcast deliveries (outbox.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, Follow, Person, StaffMember
from bot.db.outbox import REMINDERS, due_now, earliest, run, take
from bot.db.statuses import OutboxStatus, ReminderKind

R, P = REMINDERS.table, Person.__table__  # type: ignore[attr-defined]
A, F = Association.__table__, Follow.__table__  # type: ignore[attr-defined]
S = StaffMember.__table__  # type: ignore[attr-defined]
PENDING, CLAIMED = OutboxStatus.PENDING, OutboxStatus.CLAIMED
# A "missed" message later than this is no longer useful: it is cancelled instead.
MISSED_FRESHNESS = timedelta(days=30)
# A "date unknown, probably running" reminder later than this is replaced by the next one.
STANDING_FRESHNESS = timedelta(days=2)
# Staff who never chose a language in the bot are alerted in French.
STAFF_DEFAULT_LANGUAGE = "fr"
BEFORE_THE_DEADLINE = (ReminderKind.LEAD, ReminderKind.SNOOZE)


@dataclass(frozen=True)
class ClaimedReminder:
    """A reminder taken for sending, with what is needed to write it."""

    id: int
    person_id: int
    chat_id: int
    language: str
    rule_id: str
    due_at: datetime
    remind_at: datetime
    kind: ReminderKind
    attempts: int
    lease_until: datetime  # the claim's token: outcomes are recorded only while it still holds
    previous_due_at: datetime | None = None  # kind "changed": the date the person had before
    department: str = "75"  # where the person lives: when post offices close (act before)
    voice: bool = False  # the person asked for reminders as voice notes too


async def expire_stale(session: AsyncSession, now: datetime) -> int:
    """Cancel reminders that can no longer help, before claiming.

    A lead reminder (or an association's alert) whose deadline passed is replaced by the one
    "missed" message; a "missed" message a month late is useless; and when the bot was down,
    several reminders of the same deadline may be due at once: only the latest is sent.
    """
    late_lead = sa.and_(R.c.kind.in_((*BEFORE_THE_DEADLINE, ReminderKind.ALERT)), R.c.due_at <= now)
    too_late = sa.or_(
        sa.and_(
            R.c.kind.in_((ReminderKind.MISSED, ReminderKind.CHANGED)),
            R.c.remind_at < now - MISSED_FRESHNESS,
        ),
        sa.and_(R.c.kind == ReminderKind.STANDING, R.c.remind_at < now - STANDING_FRESHNESS),
    )
    newer = R.alias("newer")
    superseded = sa.exists().where(
        newer.c.person_id == R.c.person_id,
        newer.c.rule_id == R.c.rule_id,
        newer.c.due_at == R.c.due_at,
        newer.c.status == PENDING,
        newer.c.kind.in_(BEFORE_THE_DEADLINE),
        newer.c.remind_at <= now,
        newer.c.remind_at > R.c.remind_at,
    )
    piled_up = sa.and_(R.c.kind.in_(BEFORE_THE_DEADLINE), superseded)
    statement = (
        sa.update(R)
        .where(R.c.status == PENDING, R.c.remind_at <= now, sa.or_(late_lead, too_late, piled_up))
        .values(status=OutboxStatus.CANCELLED, lease_until=None)
    )
    result = await run(session, statement)
    return int(result.rowcount or 0)


async def claim(
    session: AsyncSession, now: datetime, *, lease: timedelta, limit: int
) -> list[ClaimedReminder]:
    """Take up to `limit` due reminders of active people (or whose lease expired), soonest first."""
    chosen = (
        sa.select(R.c.id)
        .join(P, P.c.id == R.c.person_id)
        .where(due_now(REMINDERS, now), P.c.active.is_(True))
        .order_by(R.c.remind_at, R.c.id)
        .limit(limit)
    )
    ids = await take(session, REMINDERS, chosen, now, now + lease)
    if not ids:
        return []
    query = (
        sa.select(R, P.c.chat_id, P.c.language, P.c.department, P.c.voice_reminders)
        .join(P, P.c.id == R.c.person_id)
        .where(R.c.id.in_(ids))
        .order_by(R.c.remind_at, R.c.id)
    )
    return [
        ClaimedReminder(
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
            voice=bool(row.voice_reminders),
        )
        for row in (await run(session, query)).all()
    ]


async def next_due(session: AsyncSession) -> datetime | None:
    """Return the earliest moment a reminder will be due (pending, or a lease that ends)."""
    pending = (
        sa.select(sa.func.min(R.c.remind_at))
        .join(P, P.c.id == R.c.person_id)
        .where(R.c.status == PENDING, P.c.active.is_(True))
    )
    leased = sa.select(sa.func.min(R.c.lease_until)).where(R.c.status == CLAIMED)
    return await earliest(session, pending, leased)


@dataclass(frozen=True)
class AlertRecipient:
    """A staff member to alert, in the language they chose in the bot, else the one they joined
    the staff in, else French."""

    association: str
    user_id: int
    language: str


async def alert_recipients(session: AsyncSession, person_id: int) -> list[AlertRecipient]:
    """Return the staff to alert about this person's deadline: those of the associations the
    person follows and shares their deadlines with (nobody if they share with none). Looked up
    when the alert is sent, so someone who stopped sharing, left the association, or left its
    staff is never told."""
    staff_person = P.alias("staff_person")
    query = (
        sa.select(
            A.c.name,
            S.c.user_id,
            sa.func.coalesce(staff_person.c.language, S.c.language, STAFF_DEFAULT_LANGUAGE).label(
                "language"
            ),
        )
        .select_from(F)
        .join(A, A.c.id == F.c.association_id)
        .join(S, S.c.association_id == F.c.association_id)
        .outerjoin(staff_person, staff_person.c.chat_id == S.c.user_id)
        .where(F.c.person_id == person_id, F.c.shared_at.is_not(None))
        .order_by(A.c.name, S.c.user_id)
    )
    rows = (await run(session, query)).all()
    return [AlertRecipient(row.name, row.user_id, row.language) for row in rows]
