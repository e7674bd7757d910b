"""The outbox: messages waiting to be sent, taken with a lease, and what happened to each.

Three tables hold outgoing messages with one life cycle (OutboxStatus): `reminders` (a person's
deadlines, and the alerts to association staff), `deliveries` (one broadcast to one person) and
`thread_messages` (a message relayed between a person and an association's staff). This module is
the one claimer and the one place outcomes are written, for all three:

- `take` marks rows `claimed` with a lease in the same statement that selects them, so two
  dispatchers never take the same row, and a dispatcher that dies leaves rows that are taken
  again once their lease expires (at worst re-sending the few in flight, never losing one). On
  PostgreSQL the selection uses FOR UPDATE SKIP LOCKED so several instances share the work
  without waiting on each other; SQLite serialises writers, and the conditional UPDATE is atomic
  on its own.
- `record` writes an outcome only for the rows whose claim still holds (same lease): a row that
  another dispatcher took again after the lease ended is left to it.

What is specific to each table (which rows are due, what a claimed row carries) is in
outbox_reminders.py, outbox_deliveries.py and outbox_relays.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import Delivery, Person, Reminder
from bot.db.models_threads import ThreadMessage
from bot.db.statuses import OutboxStatus

P = Person.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Queue:
    """One table of outgoing messages."""

    name: str
    table: sa.Table
    due: str  # the column that says when a row is due
    # What a row becomes when its person blocked the bot: a broadcast is not sent to them
    # (blocked); a reminder stays pending, to go out if they come back with /start.
    blocked: OutboxStatus

    @property
    def due_column(self) -> sa.Column[Any]:
        """Return the column that says when a row is due."""
        return self.table.c[self.due]


REMINDERS = Queue("reminders", Reminder.__table__, "remind_at", OutboxStatus.PENDING)  # type: ignore[attr-defined]
DELIVERIES = Queue("deliveries", Delivery.__table__, "send_at", OutboxStatus.BLOCKED)  # type: ignore[attr-defined]
# A staff member's answer to a person who blocked the bot is not sent (blocked); a person's
# message whose staff all blocked the bot fails (recorded by the relay, not here).
RELAYS = Queue("thread_messages", ThreadMessage.__table__, "send_at", OutboxStatus.BLOCKED)  # type: ignore[attr-defined]


class Held(Protocol):
    """A claimed row: its id, its person, and the lease that is its claim's token."""

    @property
    def id(self) -> int: ...  # noqa: D102

    @property
    def person_id(self) -> int: ...  # noqa: D102

    @property
    def lease_until(self) -> datetime: ...  # noqa: D102


class Outcome(StrEnum):
    """What happened to a claimed row."""

    SENT = "sent"  # Telegram took it
    RETRY = "retry"  # a passing fault: due again at `at`
    FAILED = "failed"  # given up (an error code is kept, never message text)
    BLOCKED = "blocked"  # the person blocked the bot: they become inactive
    CANCELLED = "cancelled"  # no longer useful (nobody to alert, a late reminder)
    RELEASED = "released"  # never attempted (the process is stopping): due again at once
    DEFERRED = "deferred"  # not attempted now (a daily cap): due again at `at`


def due_now(queue: Queue, now: datetime) -> sa.ColumnElement[bool]:
    """Match the rows due: pending and due by now, or claimed by a lease that ran out."""
    table = queue.table
    return sa.or_(
        sa.and_(table.c.status == OutboxStatus.PENDING, queue.due_column <= now),
        sa.and_(table.c.status == OutboxStatus.CLAIMED, table.c.lease_until < now),
    )


async def take(
    session: AsyncSession, queue: Queue, chosen: sa.Select[Any], now: datetime, until: datetime
) -> list[int]:
    """Claim the rows `chosen` selects (still due at `now`) with a lease until `until`.

    One conditional UPDATE marks them, so two dispatchers never take the same row; on PostgreSQL
    the selection skips rows another transaction has locked. Return the ids taken.
    """
    table = queue.table
    if session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True, of=table)
    statement = (
        sa.update(table)
        .where(table.c.id.in_(chosen.scalar_subquery()), due_now(queue, now))
        .values(status=OutboxStatus.CLAIMED, lease_until=until, attempts=table.c.attempts + 1)
        .returning(table.c.id)
    )
    return [row[0] for row in (await run(session, statement)).all()]


async def record(
    session: AsyncSession,
    queue: Queue,
    batch: Sequence[Held],
    outcome: Outcome,
    *,
    now: datetime | None = None,
    at: datetime | None = None,
    error: str | None = None,
) -> None:
    """Write one outcome for claimed rows (only those their claim still holds).

    `now` is when they were sent (SENT), `at` when they are due again (RETRY, DEFERRED), `error`
    an error code (never a message's text).
    """
    if not batch:
        return
    if outcome is Outcome.BLOCKED:
        people = sorted({held.person_id for held in batch})
        await run(session, sa.update(P).where(P.c.id.in_(people)).values(active=False))
    await _settle(session, queue, batch, _values(queue, outcome, now, at, error))


def _values(
    queue: Queue, outcome: Outcome, now: datetime | None, at: datetime | None, error: str | None
) -> dict[str, Any]:
    """Return the column values an outcome writes."""
    table = queue.table
    released: dict[str, Any] = {"lease_until": None}
    if outcome is Outcome.SENT:
        assert now is not None, "a sent row records when"
        return released | {"status": OutboxStatus.SENT, "sent_at": now, "last_error": None}
    if outcome is Outcome.RETRY:
        assert at is not None, "a retry says when"
        return released | {"status": OutboxStatus.PENDING, queue.due: at, "last_error": error}
    if outcome is Outcome.FAILED:
        return released | {"status": OutboxStatus.FAILED, "last_error": error}
    if outcome is Outcome.BLOCKED:
        return released | {"status": queue.blocked, "last_error": "forbidden"}
    if outcome is Outcome.CANCELLED:
        return released | {"status": OutboxStatus.CANCELLED, "last_error": error}
    attempts = table.c.attempts - 1  # the claim counted an attempt that was never made
    if outcome is Outcome.RELEASED:
        return released | {"status": OutboxStatus.PENDING, "attempts": attempts}
    assert at is not None, "a deferred row says when"
    return released | {
        "status": OutboxStatus.PENDING,
        queue.due: at,
        "attempts": attempts,
        "last_error": error,
    }


async def _settle(
    session: AsyncSession, queue: Queue, batch: Sequence[Held], values: dict[str, Any]
) -> None:
    """Update claimed rows, only those their claim still holds (one statement per lease)."""
    table = queue.table
    for lease in {held.lease_until for held in batch}:
        ids = [held.id for held in batch if held.lease_until == lease]
        statement = sa.update(table).where(
            table.c.id.in_(ids),
            table.c.status == OutboxStatus.CLAIMED,
            table.c.lease_until == lease,
        )
        await run(session, statement.values(**values))


async def earliest(session: AsyncSession, *queries: sa.Select[Any]) -> datetime | None:
    """Return the earliest of the moments the queries select (each a single MIN), if any."""
    moments = [(await run(session, query)).scalar_one_or_none() for query in queries]
    present = [moment for moment in moments if moment is not None]
    return min(present) if present else None


async def run(session: AsyncSession, statement: sa.Executable) -> sa.CursorResult[Any]:
    """Execute a Core statement on the session's connection, inside its transaction."""
    connection = await session.connection()
    return await connection.execute(statement)
