"""The relays' side of the outbox: messages of "Ask my association" due, and who receives them.

Claiming and recording outcomes are shared with reminders and broadcasts (outbox.py). A row
"in" (from a person) goes to the staff member handling the conversation, or to every staff
member of the association while nobody handles it (or the one who did left the staff); a row
"out" (from a staff member) goes to the person. Recipients are read when the row is sent, so a
staff member removed meanwhile is never sent a person's message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, CompletedStep, Person, Reminder, StaffMember
from bot.db.models_threads import Thread
from bot.db.outbox import RELAYS, due_now, earliest, run, take
from bot.db.outbox_reminders import STAFF_DEFAULT_LANGUAGE
from bot.db.statuses import OutboxStatus, ReminderKind

M, T = RELAYS.table, Thread.__table__  # type: ignore[attr-defined]
# A row of a chat another instance owns is taken here once it has waited this long.
OWNER_GRACE = timedelta(seconds=3)
P, A = Person.__table__, Association.__table__  # type: ignore[attr-defined]
S, R = StaffMember.__table__, Reminder.__table__  # type: ignore[attr-defined]
DONE = CompletedStep.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ClaimedRelay:
    """A relayed message taken for sending, with its conversation and its person."""

    id: int
    thread_id: int
    direction: str
    kind: str
    source_chat_id: int
    source_message_id: int
    body: str | None
    file_id: str | None
    attempts: int
    lease_until: datetime
    person_id: int
    chat_id: int  # the person's chat
    language: str  # the person's
    association_id: int
    association: str  # its name
    handler_id: int | None
    shares_profile: bool
    first: bool  # the conversation's first message from the person: staff get its header
    department: str | None = None  # the person's (shown to staff only if shares_profile)
    stage: str | None = None
    delivered: frozenset[int] = frozenset()  # "in": staff who got it before a retry


@dataclass(frozen=True)
class StaffRecipient:
    """A staff member who receives a person's message, in the language they use the bot in."""

    user_id: int
    language: str


async def claim(
    session: AsyncSession,
    now: datetime,
    direction: str,
    *,
    lease: timedelta,
    limit: int,
    instance: tuple[int, int] = (0, 1),
) -> list[ClaimedRelay]:
    """Take up to `limit` relayed messages going `direction` ("in": to staff, "out": to the
    person) due now (or whose lease expired), oldest first.

    With several instances (`instance`: this one's index and their number), each takes the rows
    of the chats it owns (a person's chat, as for updates; an association's staff chats for
    "in"), so that one instance paces each chat; another instance's rows are taken once they
    have waited OWNER_GRACE (their owner may be down).
    """
    chosen = sa.select(M.c.id).where(due_now(RELAYS, now), M.c.direction == direction)
    index, count = instance
    if count > 1:
        owner = T.c.association_id if direction == "in" else P.c.chat_id
        chosen = (
            chosen.join(T, T.c.id == M.c.thread_id)
            .join(P, P.c.id == T.c.person_id)
            .where(sa.or_(owner % count == index, M.c.send_at <= now - OWNER_GRACE))
        )
    chosen = chosen.order_by(M.c.id).limit(limit)
    ids = await take(session, RELAYS, chosen, now, now + lease)
    if not ids:
        return []
    earlier = M.alias("earlier")
    first_in = (
        sa.select(sa.func.min(earlier.c.id))
        .where(earlier.c.thread_id == M.c.thread_id, earlier.c.direction == "in")
        .scalar_subquery()
    )
    query = (
        sa.select(
            M,
            T.c.person_id,
            T.c.association_id,
            T.c.handler_id,
            T.c.shares_profile,
            P.c.chat_id,
            P.c.language,
            P.c.department,
            P.c.stage,
            A.c.name,
            (M.c.id == first_in).label("first"),
        )
        .join(T, T.c.id == M.c.thread_id)
        .join(P, P.c.id == T.c.person_id)
        .join(A, A.c.id == T.c.association_id)
        .where(M.c.id.in_(ids))
        .order_by(M.c.id)
    )
    return [
        ClaimedRelay(
            row.id,
            row.thread_id,
            row.direction,
            row.kind,
            row.source_chat_id,
            row.source_message_id,
            row.body,
            row.file_id,
            row.attempts,
            row.lease_until,
            row.person_id,
            row.chat_id,
            row.language or "en",
            row.association_id,
            row.name,
            row.handler_id,
            bool(row.shares_profile),
            bool(row.first),
            row.department,
            row.stage,
            frozenset(json.loads(row.delivered_to or "[]")),
        )
        for row in (await run(session, query)).all()
    ]


async def remember_delivered(session: AsyncSession, row_id: int, user_ids: list[int]) -> None:
    """Add staff who got a person's message, before the row is retried for the others."""
    current = (await run(session, sa.select(M.c.delivered_to).where(M.c.id == row_id))).scalar()
    known = set(json.loads(current or "[]")) | set(user_ids)
    await run(
        session, sa.update(M).where(M.c.id == row_id).values(delivered_to=json.dumps(sorted(known)))
    )


async def recipients(
    session: AsyncSession, association_id: int, handler_id: int | None
) -> list[StaffRecipient]:
    """Return who receives a person's message: the staff member handling the conversation if
    they are still on the staff, else every staff member of the association."""
    staff_person = P.alias("staff_person")
    query = (
        sa.select(
            S.c.user_id,
            sa.func.coalesce(staff_person.c.language, S.c.language, STAFF_DEFAULT_LANGUAGE).label(
                "language"
            ),
        )
        .outerjoin(staff_person, staff_person.c.chat_id == S.c.user_id)
        .where(S.c.association_id == association_id)
        .order_by(S.c.user_id)
    )
    everyone = [StaffRecipient(r.user_id, r.language) for r in (await run(session, query)).all()]
    handling = [member for member in everyone if member.user_id == handler_id]
    return handling or everyone


async def open_deadlines(
    session: AsyncSession, person_id: int, now: datetime
) -> list[tuple[str, datetime]]:
    """Return (rule id, due moment) of the person's deadlines still ahead and not marked done,
    as their planned reminders hold them, soonest first."""
    query = (
        sa.select(R.c.rule_id, sa.func.min(R.c.due_at).label("due"))
        .where(
            R.c.person_id == person_id,
            R.c.status.in_((OutboxStatus.PENDING, OutboxStatus.CLAIMED, OutboxStatus.SENT)),
            R.c.kind.in_((ReminderKind.LEAD, ReminderKind.STANDING, ReminderKind.SNOOZE)),
            R.c.due_at >= now,
            R.c.rule_id.not_in(sa.select(DONE.c.rule_id).where(DONE.c.person_id == person_id)),
        )
        .group_by(R.c.rule_id)
        .order_by("due")
    )
    return [(row.rule_id, row.due) for row in (await run(session, query)).all()]


async def next_due(session: AsyncSession) -> datetime | None:
    """Return the earliest moment a relayed message will be due (pending, or a lease end)."""
    pending = sa.select(sa.func.min(M.c.send_at)).where(M.c.status == OutboxStatus.PENDING)
    leased = sa.select(sa.func.min(M.c.lease_until)).where(M.c.status == OutboxStatus.CLAIMED)
    return await earliest(session, pending, leased)
