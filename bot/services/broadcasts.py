"""Use cases of broadcasts: compose, target, confirm (one delivery row per recipient), schedule,
cancel, report.

A broadcast becomes rows in `deliveries` when it is confirmed; the reminder dispatcher sends them
after the reminders that are due (reminders keep priority), records each outcome, and marks the
broadcast done when none is left. A person gets a broadcast at most once: (broadcast, person) is
unique, and a delivery is claimed with a lease like a reminder. Composing the draft is
bot/services/drafts.py; the queries are in bot/db/broadcasts.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import broadcasts as db
from bot.db.models import Broadcast
from bot.db.statuses import BroadcastStatus
from bot.domain.disclosure import may_reach
from bot.domain.permissions import Action
from bot.services.associations import Refused, audit
from bot.services.drafts import Draft, DraftService, draft_of, target_of


@dataclass
class Report:
    """Deliveries of a broadcast, by outcome."""

    broadcast_id: int
    status: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Return how many people the broadcast was for."""
        return sum(self.counts.values())

    def count(self, *statuses: str) -> int:
        """Return how many deliveries have one of these statuses."""
        return sum(self.counts.get(status, 0) for status in statuses)


@dataclass
class BroadcastService(DraftService):
    """Broadcasts of associations to their followers (and of operators to everyone): composing
    (DraftService), then sending, scheduling, stopping and reporting."""

    async def confirm(self, author: int, progress_chat_id: int, progress_message_id: int) -> int:
        """Send the draft now: one delivery row per recipient, in one transaction; the count.

        Permission is checked again here: someone removed from the staff while composing cannot
        send.
        """
        if not await self._may_still(author):
            return 0
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None or "default" not in json.loads(broadcast.texts):
                return 0
            broadcast.progress_chat_id = progress_chat_id
            broadcast.progress_message_id = progress_message_id
            return await self._launch(session, broadcast, author)

    async def schedule(
        self, author: int, at: datetime, progress_chat_id: int, progress_message_id: int
    ) -> Draft | None:
        """Keep the draft to send at `at` (in the future); the audience is counted then.

        The message that confirms the schedule becomes the progress message when it goes out.
        """
        if not await self._may_still(author) or at <= self.clock.now():
            return None
        async with self.sessions.begin() as session:
            broadcast = await db.draft(session=session, author=author)
            if broadcast is None or "default" not in json.loads(broadcast.texts):
                return None
            broadcast.status, broadcast.send_at = BroadcastStatus.SCHEDULED, at
            broadcast.waiting_for = None
            broadcast.progress_chat_id = progress_chat_id
            broadcast.progress_message_id = progress_message_id
            session.add(broadcast)
            details = {"broadcast": broadcast.id, "send_at": at.isoformat()}
            audit(session, author, broadcast.association_id, "schedule_broadcast", details)
            return draft_of(broadcast)

    async def start_due(self) -> list[int]:
        """Send the scheduled broadcasts whose time has come; return their ids.

        The author's permission is checked at that moment: a broadcast scheduled by someone who
        has since left the staff is cancelled, not sent. Several instances may call this at once:
        the status change is conditional, so each broadcast starts once.
        """
        async with self.sessions.begin() as session:
            due = await db.due_scheduled(session=session, now=self.clock.now())
        started = []
        for broadcast_id, author, association_id in due:
            try:
                await self._check(author, association_id, Action.BROADCAST)
            except Refused:
                await self._cancel_scheduled(broadcast_id, "author_not_allowed")
                continue
            async with self.sessions.begin() as session:
                if not await db.take_scheduled(session=session, broadcast_id=broadcast_id):
                    continue  # another instance started it
                broadcast = await db.broadcast(session=session, broadcast_id=broadcast_id)
                assert broadcast is not None
                if not await self._launch(session, broadcast, author) and association_id:
                    # The audience shrank below the threshold since it was scheduled.
                    broadcast.status = BroadcastStatus.CANCELLED
                    broadcast.finished_at = self.clock.now()
                    session.add(broadcast)
                    audit(session, None, association_id, "cancel_broadcast", {"reason": "too_few"})
                    continue
            started.append(broadcast_id)
        return started

    async def next_scheduled(self) -> datetime | None:
        """Return when the next scheduled broadcast goes out."""
        async with self.sessions.begin() as session:
            return await db.next_scheduled(session=session)

    async def _launch(self, session: AsyncSession, broadcast: Broadcast, author: int) -> int:
        """Write one delivery row per recipient, mark the broadcast sending, audit; the count.

        An association's broadcast to fewer people than the threshold is not sent (0): it could
        be aimed at one person. The operators' broadcast to everyone is exempt.
        """
        assert broadcast.id is not None
        if broadcast.association_id is not None:
            reached = await db.count_recipients(
                session=session, target=target_of(broadcast), now=self.clock.now()
            )
            if not may_reach(reached, self.associations.threshold):
                details = {"broadcast": broadcast.id, "reason": "too_few"}
                audit(session, author, broadcast.association_id, "broadcast_refused", details)
                return 0
        count = await db.add_deliveries(
            session=session,
            broadcast_id=broadcast.id,
            target=target_of(broadcast),
            now=self.clock.now(),
        )
        broadcast.status, broadcast.waiting_for = BroadcastStatus.SENDING, None
        session.add(broadcast)
        details = {
            "broadcast": broadcast.id,
            "recipients": count,
            "audience": json.loads(broadcast.audience),
            "languages": sorted(json.loads(broadcast.texts)),
        }
        audit(session, author, broadcast.association_id, "broadcast", details)
        return count

    # -- stopping and reporting --------------------------------------------------------------------

    async def _cancel_scheduled(self, broadcast_id: int, reason: str) -> None:
        async with self.sessions.begin() as session:
            cancelled = await db.cancel_scheduled(
                session=session, broadcast_id=broadcast_id, now=self.clock.now()
            )
            for association_id in cancelled:
                audit(session, None, association_id, "cancel_broadcast", {"reason": reason})

    async def cancel(self, broadcast_id: int, actor: int) -> Report | None:
        """Stop a broadcast: deliveries not yet sent are cancelled (staff of its association)."""
        async with self.sessions.begin() as session:
            found = await db.broadcast(session=session, broadcast_id=broadcast_id)
            association_id = None if found is None else found.association_id
        if found is None:
            return None
        await self._check(actor, association_id, Action.CANCEL_BROADCAST)
        async with self.sessions.begin() as session:
            broadcast = await db.broadcast(session=session, broadcast_id=broadcast_id)
            if broadcast is None:
                return None
            if broadcast.status in (BroadcastStatus.SENDING, BroadcastStatus.SCHEDULED):
                await db.cancel_pending_deliveries(session=session, broadcast_id=broadcast_id)
                broadcast.status = BroadcastStatus.CANCELLED
                broadcast.finished_at = self.clock.now()
                session.add(broadcast)
                details = {"broadcast": broadcast.id}
                audit(session, actor, broadcast.association_id, "cancel_broadcast", details)
            return await _report(session, broadcast)

    async def report(self, broadcast_id: int) -> Report | None:
        """Return the outcome counts of a broadcast."""
        async with self.sessions.begin() as session:
            broadcast = await db.broadcast(session=session, broadcast_id=broadcast_id)
            return None if broadcast is None else await _report(session, broadcast)

    async def history(
        self, association_id: int | None, actor: int, limit: int = 10
    ) -> list[tuple[Report, Draft]]:
        """Return the latest broadcasts with their reports (staff; None: the operators')."""
        await self._check(actor, association_id, Action.SEE_HISTORY)
        async with self.sessions.begin() as session:
            rows = await db.latest(session=session, association_id=association_id, limit=limit)
            return [(await _report(session, row), draft_of(row)) for row in rows]

    async def draft_by_id(self, broadcast_id: int) -> Draft | None:
        """Return a broadcast (for the dispatcher's progress messages)."""
        async with self.sessions.begin() as session:
            broadcast = await db.broadcast(session=session, broadcast_id=broadcast_id)
            return None if broadcast is None else draft_of(broadcast)


async def _report(session: AsyncSession, broadcast: Broadcast) -> Report:
    assert broadcast.id is not None
    counts = await db.delivery_counts(session=session, broadcast_id=broadcast.id)
    return Report(broadcast.id, broadcast.status, counts)
