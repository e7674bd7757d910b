"""Claiming broadcast deliveries atomically, and recording what happened to each.

The same design as reminders (claims.py): rows are marked `claimed` with a lease in the statement
that selects them (FOR UPDATE SKIP LOCKED on PostgreSQL), outcomes are recorded only while the
claim holds, and a crash re-sends at most the deliveries in flight. Only deliveries of broadcasts
still `sending` are taken, so a cancelled broadcast stops at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Association, Broadcast, Delivery, Person
from bot.scheduling.claims import settle, take

D, P = Delivery.__table__, Person.__table__  # type: ignore[attr-defined]
B = Broadcast.__table__  # type: ignore[attr-defined]
A = Association.__table__  # type: ignore[attr-defined]


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

    def for_language(self, language: str) -> str:
        """Return the person's language's version, else the default text."""
        return self.texts.get(language) or self.texts["default"]


async def claim(
    session: AsyncSession, now: datetime, *, lease: timedelta, limit: int
) -> list[ClaimedDelivery]:
    """Take up to `limit` deliveries due now (or whose lease expired) of broadcasts sending."""
    due = sa.or_(
        sa.and_(D.c.status == "pending", D.c.send_at <= now),
        sa.and_(D.c.status == "claimed", D.c.lease_until < now),
    )
    chosen = (
        sa.select(D.c.id)
        .join(B, B.c.id == D.c.broadcast_id)
        .join(P, P.c.id == D.c.person_id)
        .where(due, B.c.status == "sending", P.c.active.is_(True))
        .order_by(D.c.id)
        .limit(limit)
    )
    ids = await take(session, D, chosen, due, now + lease)
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
        for row in (await _run(session, query)).all()
    ]


async def texts(session: AsyncSession, broadcast_ids: set[int]) -> dict[int, BroadcastText]:
    """Return the texts of some broadcasts."""
    rows = await _run(
        session,
        sa.select(B.c.id, B.c.texts, A.c.name)
        .join(A, A.c.id == B.c.association_id, isouter=True)
        .where(B.c.id.in_(broadcast_ids)),
    )
    return {row.id: BroadcastText(json.loads(row.texts), row.name) for row in rows}


def _held(claim: ClaimedDelivery) -> sa.ColumnElement[bool]:
    return sa.and_(
        D.c.id == claim.id, D.c.status == "claimed", D.c.lease_until == claim.lease_until
    )


async def mark_sent_many(
    session: AsyncSession, batch: list[ClaimedDelivery], now: datetime
) -> None:
    """Record deliveries (only those whose claim still holds)."""
    await settle(session, D, batch, status="sent", sent_at=now, lease_until=None, last_error=None)


async def release_many(session: AsyncSession, batch: list[ClaimedDelivery]) -> None:
    """Give back claims never attempted (the process is stopping): due again at once."""
    await settle(session, D, batch, status="pending", lease_until=None, attempts=D.c.attempts - 1)


async def mark_retry(
    session: AsyncSession, claim: ClaimedDelivery, at: datetime, error: str
) -> None:
    """Put a delivery back, to be tried again at `at`."""
    await _run(
        session,
        sa.update(D)
        .where(_held(claim))
        .values(status="pending", send_at=at, lease_until=None, last_error=error),
    )


async def mark_failed(session: AsyncSession, claim: ClaimedDelivery, error: str) -> None:
    """Give up on a delivery (an error code, never message text)."""
    await _run(
        session,
        sa.update(D)
        .where(_held(claim))
        .values(status="failed", lease_until=None, last_error=error),
    )


async def mark_blocked(session: AsyncSession, claim: ClaimedDelivery) -> None:
    """The person blocked the bot: inactive until /start; this broadcast is not sent to them."""
    await _run(session, sa.update(P).where(P.c.id == claim.person_id).values(active=False))
    await _run(
        session,
        sa.update(D)
        .where(_held(claim))
        .values(status="blocked", lease_until=None, last_error="forbidden"),
    )


async def finish(session: AsyncSession, now: datetime) -> list[int]:
    """Mark done the broadcasts with nothing left to send; return their ids."""
    open_deliveries = (
        sa.select(D.c.id)
        .where(D.c.broadcast_id == B.c.id, D.c.status.in_(("pending", "claimed")))
        .exists()
    )
    result = await _run(
        session,
        sa.update(B)
        .where(B.c.status == "sending", ~open_deliveries)
        .values(status="done", finished_at=now)
        .returning(B.c.id),
    )
    return [row[0] for row in result.all()]


async def defer_capped(
    session: AsyncSession, batch: list[ClaimedDelivery], now: datetime, cap: int
) -> list[ClaimedDelivery]:
    """Put back the deliveries that would give someone more than `cap` broadcasts in 24 hours.

    Each waits until the moment a slot frees up in that person's last 24 hours, then is taken
    again like any due delivery; the others are returned, to be sent now.
    """
    window = timedelta(hours=24)
    people = {claim.person_id for claim in batch}
    recent: dict[int, list[datetime]] = {person: [] for person in people}
    rows = await _run(
        session,
        sa.select(D.c.person_id, D.c.sent_at).where(
            D.c.person_id.in_(people), D.c.status == "sent", D.c.sent_at > now - window
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
        free_at = times[len(times) - cap] + window
        await _run(
            session,
            sa.update(D)
            .where(_held(claim))
            .values(
                status="pending",
                send_at=max(free_at, now + timedelta(seconds=1)),
                lease_until=None,
                attempts=D.c.attempts - 1,
                last_error="daily_cap",
            ),
        )
    return kept


async def next_due(session: AsyncSession) -> datetime | None:
    """Return the earliest moment a delivery will be due (pending, a lease end, or a schedule)."""
    pending = (
        sa.select(sa.func.min(D.c.send_at))
        .join(B, B.c.id == D.c.broadcast_id)
        .where(D.c.status == "pending", B.c.status == "sending")
    )
    leased = sa.select(sa.func.min(D.c.lease_until)).where(D.c.status == "claimed")
    scheduled = sa.select(sa.func.min(B.c.send_at)).where(B.c.status == "scheduled")
    queries = (pending, leased, scheduled)
    moments = [(await _run(session, q)).scalar_one_or_none() for q in queries]
    present = [m for m in moments if m is not None]
    return min(present) if present else None


async def _run(session: AsyncSession, statement: sa.Executable) -> sa.CursorResult[Any]:
    connection = await session.connection()
    return await connection.execute(statement)
