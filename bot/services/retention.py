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

from dateutil.relativedelta import relativedelta

from bot.clock import Clock
from bot.db import repo
from bot.db import retention as retention_db
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
    # Days after which finished records go (0: kept): reminders of deadlines long passed,
    # finished broadcasts (texts and deliveries), audit entries.
    keep_reminders_days: int = 90
    keep_broadcasts_days: int = 180
    keep_audit_days: int = 365

    @property
    def enabled(self) -> bool:
        """Tell whether inactive people are erased at all (INACTIVITY_MONTHS=0 turns it off)."""
        return self.months > 0

    async def seen(self, chat_id: int) -> bool:
        """Record that the person wrote or pressed a button; cancels a pending notice.

        Writes only when the stored moment is older than SEEN_PRECISION or a notice is pending,
        so an active conversation does not rewrite the row at every message.
        """
        async with self.sessions.begin() as session:
            return await retention_db.mark_seen(
                session=session, chat_id=chat_id, now=self.clock.now(), precision=SEEN_PRECISION
            )

    async def claim_notices(self, limit: int = 200) -> list[Notice]:
        """Mark up to `limit` people unseen for `months` as notified, and return them."""
        now = self.clock.now()
        erase_on = now + timedelta(days=self.notice_days)
        async with self.sessions.begin() as session:
            claimed = await retention_db.claim_notices(
                session=session,
                unseen_since=now - relativedelta(months=self.months),
                now=now,
                limit=limit,
            )
        return [Notice(chat_id, language or "en", erase_on) for chat_id, language in claimed]

    async def release_notice(self, chat_id: int) -> None:
        """Forget a notice that could not be sent (Telegram unreachable): the next sweep retries."""
        async with self.sessions.begin() as session:
            await retention_db.release_notice(session=session, chat_id=chat_id)

    async def purge_records(self) -> dict[str, int]:
        """Delete the records whose retention period is over; return how many went, by kind."""
        now = self.clock.now()

        def before(days: int) -> datetime | None:
            return now - timedelta(days=days) if days > 0 else None

        async with self.sessions.begin() as session:
            return await retention_db.purge_records(
                session=session,
                reminders_before=before(self.keep_reminders_days),
                broadcasts_before=before(self.keep_broadcasts_days),
                audit_before=before(self.keep_audit_days),
            )

    async def erase_expired(self, limit: int = 500) -> list[tuple[int, str]]:
        """Erase people notified `notice_days` ago and not seen since; return (chat, language)."""
        deadline = self.clock.now() - timedelta(days=self.notice_days)
        erased: list[tuple[int, str]] = []
        async with self.sessions.begin() as session:
            rows = await retention_db.notified_and_unseen(
                session=session, notified_before=deadline, limit=limit
            )
            now = self.clock.now()
            for chat_id, language in rows:
                await repo.erase_everything_about(session=session, chat_id=chat_id, now=now)
                erased.append((chat_id, language or "en"))
        return erased
