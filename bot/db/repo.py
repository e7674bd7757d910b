"""Queries over the tables; keyword-only, take a session, never commit (services own the unit)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import (
    Association,
    AuditEntry,
    Broadcast,
    CompletedStep,
    Delivery,
    Follow,
    Invite,
    KeyDate,
    Person,
    Reminder,
    SavedConversation,
    StaffMember,
)
from bot.db.models_threads import InboxBlock, Thread, ThreadMessage
from bot.db.statuses import OutboxStatus

ACTIVE_REMINDER = (OutboxStatus.PENDING,)


async def person_by_chat(
    *, session: AsyncSession, chat_id: int, lock: bool = False
) -> Person | None:
    """Return the person of a private chat, if they consented.

    `lock` holds the row until the transaction ends (PostgreSQL's FOR UPDATE; SQLite has one
    writer at a time anyway): whoever changes a person's reminders takes it first, so two
    changes of the same plan (an answer and a replan) never interleave.
    """
    query = select(Person).where(Person.chat_id == chat_id)
    result = await session.exec(query.with_for_update() if lock else query)
    return result.first()


async def add_person(*, session: AsyncSession, person: Person) -> Person:
    """Insert a person and return it with its id."""
    session.add(person)
    await session.flush()
    return person


async def key_dates(*, session: AsyncSession, person_id: int) -> Sequence[KeyDate]:
    """Return a person's key dates, oldest first."""
    query = select(KeyDate).where(KeyDate.person_id == person_id).order_by(col(KeyDate.occurred_on))
    return (await session.exec(query)).all()


async def key_date(*, session: AsyncSession, person_id: int, event: str) -> KeyDate | None:
    """Return one key date of a person by event name."""
    query = select(KeyDate).where(KeyDate.person_id == person_id, KeyDate.event == event)
    return (await session.exec(query)).first()


async def delete_key_date(*, session: AsyncSession, person_id: int, event: str) -> bool:
    """Delete one key date; tell whether it existed."""
    statement = sa.delete(KeyDate).where(
        col(KeyDate.person_id) == person_id, col(KeyDate.event) == event
    )
    result = await session.exec(statement)
    return bool(result.rowcount)


async def pending_reminders(*, session: AsyncSession, person_id: int) -> Sequence[Reminder]:
    """Return the reminders not yet sent nor cancelled, soonest first."""
    query = (
        select(Reminder)
        .where(Reminder.person_id == person_id, col(Reminder.status).in_(ACTIVE_REMINDER))
        .order_by(col(Reminder.remind_at))
    )
    return (await session.exec(query)).all()


async def cancel_reminders(*, session: AsyncSession, reminder_ids: Iterable[int]) -> None:
    """Mark pending reminders cancelled (stale ones are never sent)."""
    ids = list(reminder_ids)
    if ids:
        statement = (
            sa.update(Reminder)
            .where(col(Reminder.id).in_(ids), col(Reminder.status) == OutboxStatus.PENDING)
            .values(status=OutboxStatus.CANCELLED)
        )
        await session.exec(statement)


async def all_reminders(*, session: AsyncSession, person_id: int) -> Sequence[Reminder]:
    """Return every reminder row of a person (for /mydata)."""
    query = (
        select(Reminder).where(Reminder.person_id == person_id).order_by(col(Reminder.remind_at))
    )
    return (await session.exec(query)).all()


async def existing_reminder_keys(
    *, session: AsyncSession, person_id: int
) -> set[tuple[str, datetime, datetime, str]]:
    """Return the unique keys (rule, due, remind, kind) of every reminder row of a person."""
    query = select(Reminder.rule_id, Reminder.due_at, Reminder.remind_at, Reminder.kind).where(
        Reminder.person_id == person_id
    )
    return {(rule, due, at, kind) for rule, due, at, kind in (await session.exec(query)).all()}


async def completed_rules(*, session: AsyncSession, person_id: int) -> frozenset[str]:
    """Return the ids of the rules the person marked done."""
    query = select(CompletedStep.rule_id).where(CompletedStep.person_id == person_id)
    return frozenset((await session.exec(query)).all())


async def saved_conversation(*, session: AsyncSession, person_id: int) -> SavedConversation | None:
    """Return the conversation state of a person."""
    return await session.get(SavedConversation, person_id)


async def delete_saved_conversation(*, session: AsyncSession, person_id: int) -> None:
    """Forget the conversation state of a person."""
    statement = sa.delete(SavedConversation).where(col(SavedConversation.person_id) == person_id)
    await session.exec(statement)


async def delete_person(*, session: AsyncSession, person_id: int) -> None:
    """Delete a person and every row that refers to them (not left to ON DELETE CASCADE, which a
    SQLite connection without the foreign_keys pragma would ignore)."""
    threads = select(Thread.id).where(Thread.person_id == person_id)
    await session.exec(sa.delete(ThreadMessage).where(col(ThreadMessage.thread_id).in_(threads)))
    for table in (Reminder, KeyDate, SavedConversation, CompletedStep, Follow, Delivery):
        statement = sa.delete(table).where(table.person_id == person_id)  # type: ignore[arg-type]
        await session.exec(statement)
    for owned in (Thread, InboxBlock):
        await session.exec(sa.delete(owned).where(owned.person_id == person_id))  # type: ignore[arg-type]
    await session.exec(sa.delete(Person).where(col(Person.id) == person_id))


# What a removed Telegram id becomes where a row must stay (who wrote a broadcast, who did an
# audited action): the action is kept, the person is not. None already means the operator's CLI.
ERASED_USER = 0


async def erase_everything_about(*, session: AsyncSession, chat_id: int, now: datetime) -> bool:
    """Delete the person of a private chat and remove that Telegram user from every staff
    (forget_telegram_user); tell whether anything was there. The chat id is the user id."""
    person = await person_by_chat(session=session, chat_id=chat_id)
    if person is not None and person.id is not None:
        await delete_person(session=session, person_id=person.id)
    staff = await forget_telegram_user(session=session, user_id=chat_id, now=now)
    return person is not None or staff > 0


async def forget_telegram_user(*, session: AsyncSession, user_id: int, now: datetime) -> int:
    """Remove a Telegram user from every association's staff and from the rows that name them.

    Their unsent drafts are deleted and their scheduled broadcasts cancelled (as when an admin
    removes someone); the broadcasts they sent and the audit entries stay, signed ERASED_USER.
    Return the number of staff memberships removed.
    """
    connection = await session.connection()
    broadcasts = Broadcast.__table__  # type: ignore[attr-defined]
    await connection.execute(
        sa.delete(broadcasts).where(
            broadcasts.c.author_id == user_id, broadcasts.c.status == "draft"
        )
    )
    await connection.execute(
        sa.update(broadcasts)
        .where(broadcasts.c.author_id == user_id, broadcasts.c.status == "scheduled")
        .values(status="cancelled", finished_at=now)
    )
    await connection.execute(
        sa.update(broadcasts).where(broadcasts.c.author_id == user_id).values(author_id=ERASED_USER)
    )
    await connection.execute(
        sa.update(broadcasts)
        .where(broadcasts.c.progress_chat_id == user_id)
        .values(progress_chat_id=None)
    )
    invites = Invite.__table__  # type: ignore[attr-defined]
    audit = AuditEntry.__table__  # type: ignore[attr-defined]
    await connection.execute(
        sa.update(invites).where(invites.c.created_by == user_id).values(created_by=ERASED_USER)
    )
    await connection.execute(
        sa.update(audit).where(audit.c.actor_id == user_id).values(actor_id=ERASED_USER)
    )
    threads, messages = Thread.__table__, ThreadMessage.__table__  # type: ignore[attr-defined]
    await connection.execute(
        sa.update(threads).where(threads.c.handler_id == user_id).values(handler_id=None)
    )
    await connection.execute(
        sa.update(messages)
        .where(messages.c.author_id == user_id)
        .values(author_id=ERASED_USER, source_chat_id=ERASED_USER)
    )
    staff = StaffMember.__table__  # type: ignore[attr-defined]
    removed = await connection.execute(sa.delete(staff).where(staff.c.user_id == user_id))
    return int(removed.rowcount or 0)


async def is_staff(*, session: AsyncSession, user_id: int) -> bool:
    """Tell whether a Telegram user is on the staff of any association."""
    found = await session.exec(
        select(StaffMember.id).where(StaffMember.user_id == user_id).limit(1)
    )
    return found.first() is not None


async def followed_associations(
    *, session: AsyncSession, person_id: int
) -> list[tuple[str, datetime | None]]:
    """Return (name, shared since) of the associations a person follows, by name."""
    rows = await session.exec(
        select(Association.name, Follow.shared_at)
        .join(Follow, col(Follow.association_id) == Association.id)
        .where(Follow.person_id == person_id)
    )
    return sorted(rows.all(), key=lambda row: row[0])


async def completed_steps(*, session: AsyncSession, person_id: int) -> list[CompletedStep]:
    """Return the steps a person marked done, oldest first."""
    rows = await session.exec(select(CompletedStep).where(CompletedStep.person_id == person_id))
    return sorted(rows.all(), key=lambda step: step.completed_at)


async def received_broadcasts(
    *, session: AsyncSession, person_id: int
) -> list[tuple[str | None, datetime | None]]:
    """Return (association name, None for the operator; when) of the broadcasts a person got."""
    rows = await session.exec(
        select(Association.name, Delivery.sent_at)
        .join(Broadcast, col(Broadcast.id) == Delivery.broadcast_id)
        .join(Association, col(Association.id) == Broadcast.association_id, isouter=True)
        .where(Delivery.person_id == person_id, Delivery.status == OutboxStatus.SENT)
        .order_by(col(Delivery.sent_at))
    )
    return list(rows.all())
