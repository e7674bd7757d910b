"""The broadcasts' side of the outbox: which deliveries are due, what a claimed one carries, the
daily cap, and when a broadcast is finished.

Claiming and recording outcomes are shared with reminders (outbox.py). Only deliveries of
broadcasts still `sending` are taken, so a stopped broadcast stops at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, Broadcast, Person
from bot.db.outbox import DELIVERIES, Outcome, due_now, earliest, record, run, take
from bot.db.statuses import BroadcastStatus, OutboxStatus

D, P = DELIVERIES.table, Person.__table__  # type: ignore[attr-defined]
B, A = Broadcast.__table__, Association.__table__  # type: ignore[attr-defined]
DAY = timedelta(hours=24)


@dataclass(frozen=True)
class ClaimedDelivery:
    """A delivery taken for sending, with what is needed to write it."""

    id: int
    broadcast_id: int
    person_id: int
    chat_id: int
    language: str
    attempts: int
    lease_until: datetime


@dataclass(frozen=True)
class BroadcastText:
    """The texts of a broadcast: one per language, and the default for everyone else; and who
    sent it (None: the operator of the bot)."""

    texts: dict[str, str]
    association: str | None = None
    voices: dict[str, str] = field(default_factory=dict)  # language: Telegram file_id

    def for_language(self, language: str) -> str:
        """Return the person's language's version, else the default text."""
        return self.texts.get(language) or self.texts["default"]

    def voice_for(self, language: str) -> str | None:
        """Return the voice note recorded with the version the person receives, if any."""
        version = language if self.texts.get(language) else "default"
        return self.voices.get(version)


async def claim(
    session: AsyncSession, now: datetime, *, lease: timedelta, limit: int
) -> list[ClaimedDelivery]:
    """Take up to `limit` deliveries due now (or whose lease expired) of broadcasts sending."""
    chosen = (
        sa.select(D.c.id)
        .join(B, B.c.id == D.c.broadcast_id)
        .join(P, P.c.id == D.c.person_id)
        .where(
            due_now(DELIVERIES, now), B.c.status == BroadcastStatus.SENDING, P.c.active.is_(True)
        )
        .order_by(D.c.id)
        .limit(limit)
    )
    ids = await take(session, DELIVERIES, chosen, now, now + lease)
    if not ids:
        return []
    query = (
        sa.select(D, P.c.chat_id, P.c.language)
        .join(P, P.c.id == D.c.person_id)
        .where(D.c.id.in_(ids))
        .order_by(D.c.id)
    )
    return [
        ClaimedDelivery(
            row.id,
            row.broadcast_id,
            row.person_id,
            row.chat_id,
            row.language or "en",
            row.attempts,
            row.lease_until,
        )
        for row in (await run(session, query)).all()
    ]


async def texts(session: AsyncSession, broadcast_ids: set[int]) -> dict[int, BroadcastText]:
    """Return the texts of some broadcasts, with the name of the association that sent each."""
    rows = await run(
        session,
        sa.select(B.c.id, B.c.texts, B.c.voices, A.c.name)
        .join(A, A.c.id == B.c.association_id, isouter=True)
        .where(B.c.id.in_(broadcast_ids)),
    )
    return {
        row.id: BroadcastText(json.loads(row.texts), row.name, json.loads(row.voices or "{}"))
        for row in rows
    }


async def defer_capped(
    session: AsyncSession, batch: list[ClaimedDelivery], now: datetime, cap: int
) -> list[ClaimedDelivery]:
    """Put back the deliveries that would give someone more than `cap` broadcasts in 24 hours.

    Each waits until the moment a slot frees up in that person's last 24 hours, then is taken
    again like any due delivery; the others are returned, to be sent now.
    """
    people = {claim.person_id for claim in batch}
    recent: dict[int, list[datetime]] = {person: [] for person in people}
    rows = await run(
        session,
        sa.select(D.c.person_id, D.c.sent_at).where(
            D.c.person_id.in_(people), D.c.status == OutboxStatus.SENT, D.c.sent_at > now - DAY
        ),
    )
    for row in rows.all():
        recent[row.person_id].append(row.sent_at)
    kept = []
    for claim in batch:
        times = sorted(recent[claim.person_id])
        if len(times) < cap:
            kept.append(claim)
            recent[claim.person_id].append(now)
            continue
        free_at = max(times[len(times) - cap] + DAY, now + timedelta(seconds=1))
        await record(session, DELIVERIES, [claim], Outcome.DEFERRED, at=free_at, error="daily_cap")
    return kept


async def finish(session: AsyncSession, now: datetime) -> list[int]:
    """Mark done the broadcasts with nothing left to send; return their ids."""
    open_deliveries = (
        sa.select(D.c.id)
        .where(
            D.c.broadcast_id == B.c.id,
            D.c.status.in_((OutboxStatus.PENDING, OutboxStatus.CLAIMED)),
        )
        .exists()
    )
    result = await run(
        session,
        sa.update(B)
        .where(B.c.status == BroadcastStatus.SENDING, ~open_deliveries)
        .values(status=BroadcastStatus.DONE, finished_at=now)
        .returning(B.c.id),
    )
    return [row[0] for row in result.all()]


async def next_due(session: AsyncSession) -> datetime | None:
    """Return the earliest moment a delivery will be due (pending, a lease end, or a schedule)."""
    pending = (
        sa.select(sa.func.min(D.c.send_at))
        .join(B, B.c.id == D.c.broadcast_id)
        .where(D.c.status == OutboxStatus.PENDING, B.c.status == BroadcastStatus.SENDING)
    )
    leased = sa.select(sa.func.min(D.c.lease_until)).where(D.c.status == OutboxStatus.CLAIMED)
    scheduled = sa.select(sa.func.min(B.c.send_at)).where(B.c.status == BroadcastStatus.SCHEDULED)
    return await earliest(session, pending, leased, scheduled)
