"""Keeping data only while it serves: people who stop using the bot are told, then erased.

A person is "seen" when they write to the bot or press one of its buttons (reminders they merely
receive do not count: nobody can know they were read). After `months` without being seen they
get one notice; `notice_days` later, if they still have not been seen, everything about them is
erased. Writing anything, or the notice's button, cancels it.

Several instances may sweep at once: a notice is claimed with a conditional update before it is
sent, and an erasure deletes only a person still unseen since their notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from sqlmodel import col, select

from bot.clock import Clock
from bot.db import repo
from bot.db.models import Person
from bot.services.unit import Sessions

# Writing to the bot refreshes last_seen_at at most this often (one write a day, not per message).
SEEN_PRECISION = timedelta(hours=12)


@dataclass(frozen=True)
class Notice:
    """One person to tell, in their language, and the day they will be erased."""

    chat_id: int
    language: str
    erase_on: datetime


@dataclass
class RetentionService:
    """Mark people seen, pick who to warn, and erase those who never came back."""

    sessions: Sessions
    clock: Clock
    months: int = 18
    notice_days: int = 30

    @property
    def enabled(self) -> bool:
        """Tell whether inactive people are erased at all (INACTIVITY_MONTHS=0 turns it off)."""
        return self.months > 0

    async def seen(self, chat_id: int) -> bool:
        """Record that the person wrote or pressed a button; cancels a pending notice.

        Writes only when the stored moment is older than SEEN_PRECISION or a notice is pending,
        so an active conversation does not rewrite the row at every message.
        """
        now = self.clock.now()
        table = Person.__table__  # type: ignore[attr-defined]
        statement = (
            sa.update(table)
            .where(
                table.c.chat_id == chat_id,
                sa.or_(
                    table.c.last_seen_at < now - SEEN_PRECISION,
                    table.c.inactivity_notice_at.is_not(None),
                ),
            )
            .values(last_seen_at=now, inactivity_notice_at=None)
        )
        async with self.sessions.begin() as session:
            result = await (await session.connection()).execute(statement)
            return bool(result.rowcount)

    async def claim_notices(self, limit: int = 200) -> list[Notice]:
        """Mark up to `limit` people unseen for `months` as notified, and return them."""
        now = self.clock.now()
        cutoff = now - relativedelta(months=self.months)
        erase_on = now + timedelta(days=self.notice_days)
        table = Person.__table__  # type: ignore[attr-defined]
        claimed: list[Notice] = []
        async with self.sessions.begin() as session:
            candidates = await session.exec(
                select(Person.id, Person.chat_id, Person.language)
                .where(
                    col(Person.last_seen_at) < cutoff, col(Person.inactivity_notice_at).is_(None)
                )
                .order_by(col(Person.last_seen_at))
                .limit(limit)
            )
            connection = await session.connection()
            for person_id, chat_id, language in candidates.all():
                taken = await connection.execute(
                    sa.update(table)
                    .where(
                        table.c.id == person_id,
                        table.c.inactivity_notice_at.is_(None),
                        table.c.last_seen_at < cutoff,
                    )
                    .values(inactivity_notice_at=now)
                )
                if taken.rowcount:
                    claimed.append(Notice(chat_id, language or "en", erase_on))
        return claimed

    async def release_notice(self, chat_id: int) -> None:
        """Forget a notice that could not be sent (Telegram unreachable): the next sweep retries."""
        table = Person.__table__  # type: ignore[attr-defined]
        async with self.sessions.begin() as session:
            await (await session.connection()).execute(
                sa.update(table).where(table.c.chat_id == chat_id).values(inactivity_notice_at=None)
            )

    async def erase_expired(self, limit: int = 500) -> list[tuple[int, str]]:
        """Erase people notified `notice_days` ago and not seen since; return (chat, language)."""
        deadline = self.clock.now() - timedelta(days=self.notice_days)
        erased: list[tuple[int, str]] = []
        async with self.sessions.begin() as session:
            rows = await session.exec(
                select(Person.chat_id, Person.language)
                .where(
                    col(Person.inactivity_notice_at).is_not(None),
                    col(Person.inactivity_notice_at) <= deadline,
                    col(Person.last_seen_at) < col(Person.inactivity_notice_at),
                )
                .limit(limit)
            )
            now = self.clock.now()
            for chat_id, language in rows.all():
                await repo.erase_everything_about(session=session, chat_id=chat_id, now=now)
                erased.append((chat_id, language or "en"))
        return erased
