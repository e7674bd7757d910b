"""The upkeep of association inboxes: the daily digest, erasing closed conversations, and the
operator's settings of each association (opening hours, retention period)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.db import app_state, outbox_relays
from bot.db import associations as associations_db
from bot.db import threads as db
from bot.db.models import Association
from bot.domain.opening_hours import OpeningHours
from bot.services.unit import Sessions

DEFAULT_RETENTION_DAYS = 30
# The daily digest is sent once a day by whichever instance comes first.
DIGEST_LEASE = "inbox_digest"
DIGEST_EVERY = timedelta(hours=20)


@dataclass(frozen=True)
class DigestLine:
    """One association's waiting conversations, for one of its staff members."""

    user_id: int
    language: str
    association: str
    waiting: int
    oldest: datetime


@dataclass
class InboxUpkeep:
    """What keeps the inboxes in order, apart from staff's own actions."""

    sessions: Sessions
    clock: Clock
    retention_days: int = DEFAULT_RETENTION_DAYS  # THREAD_RETENTION_DAYS

    async def claim_digest(self) -> list[DigestLine] | None:
        """Return today's digest of waiting conversations, one line per staff member, if this
        instance is the first to ask today (else None: one digest a day, whatever the number
        of instances)."""
        now = self.clock.now()
        async with self.sessions.begin() as session:
            if not await app_state.take_lease(session, DIGEST_LEASE, now, now + DIGEST_EVERY):
                return None
            lines = []
            for association_id, name, count, oldest in await db.waiting_by_association(
                session=session
            ):
                for member in await outbox_relays.recipients(session, association_id, None):
                    lines.append(DigestLine(member.user_id, member.language, name, count, oldest))
            return lines

    async def sweep_closed(self) -> int:
        """Erase the closed conversations older than each association's retention period."""
        now = self.clock.now()
        erased = 0
        async with self.sessions.begin() as session:
            for association in await associations_db.all_associations(session=session):
                assert association.id is not None
                days = association.thread_retention_days or self.retention_days
                erased += await db.delete_closed_before(
                    session=session,
                    association_id=association.id,
                    before=now - timedelta(days=days),
                )
        return erased

    async def set_hours(self, association_id: int, hours: OpeningHours | None) -> bool:
        """Set (or clear, None) an association's opening hours; False if there is no such one."""
        async with self.sessions.begin() as session:
            association = await session.get(Association, association_id)
            if association is None:
                return False
            association.hours = hours.to_json() if hours else None
            session.add(association)
            return True

    async def set_retention(self, association_id: int, days: int | None) -> bool:
        """Set (or clear, None: THREAD_RETENTION_DAYS) how long an association keeps closed
        conversations; False if there is no such association."""
        async with self.sessions.begin() as session:
            association = await session.get(Association, association_id)
            if association is None:
                return False
            association.thread_retention_days = days
            session.add(association)
            return True
