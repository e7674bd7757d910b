"""Queries that feed plans: whether a person shares their deadlines, and the batches `replan`
recomputes (people in id order, with their dates, completed steps, sharing and reminders)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db.models import CompletedStep, Follow, KeyDate, Person, Reminder


async def shares_deadlines(*, session: AsyncSession, person_id: int) -> bool:
    """Tell whether the person shares their deadlines with an association they follow."""
    query = select(Follow.person_id).where(
        col(Follow.person_id) == person_id, col(Follow.shared_at).is_not(None)
    )
    return (await session.exec(query)).first() is not None


async def count_people_with_plans(*, session: AsyncSession) -> int:
    """Return how many people have a plan (a department)."""
    query = (
        sa.select(sa.func.count()).select_from(Person).where(col(Person.department).is_not(None))
    )
    connection = await session.connection()
    return int((await connection.execute(query)).scalar_one())


async def people_after(*, session: AsyncSession, after: int, limit: int) -> Sequence[Person]:
    """Return (and lock, on PostgreSQL) the next people with a department, in id order."""
    query = (
        select(Person)
        .where(col(Person.id) > after, col(Person.department).is_not(None))
        .order_by(col(Person.id))
        .limit(limit)
        .with_for_update()
    )
    return (await session.exec(query)).all()


@dataclass
class PlanInputs:
    """What a batch of people's plans are computed and reconciled from, by person id."""

    dates: dict[int, list[KeyDate]]
    completed: dict[int, frozenset[str]]
    sharing: set[int]
    reminders: dict[int, list[Reminder]]


async def plan_inputs(*, session: AsyncSession, ids: list[int]) -> PlanInputs:
    """Load the dates, completed steps, sharing and reminder rows of a batch of people."""
    dates: dict[int, list[KeyDate]] = defaultdict(list)
    for row in (await session.exec(select(KeyDate).where(col(KeyDate.person_id).in_(ids)))).all():
        dates[row.person_id].append(row)
    done: dict[int, set[str]] = defaultdict(set)
    steps = select(CompletedStep).where(col(CompletedStep.person_id).in_(ids))
    for step in (await session.exec(steps)).all():
        done[step.person_id].add(step.rule_id)
    shared = select(Follow.person_id).where(
        col(Follow.person_id).in_(ids), col(Follow.shared_at).is_not(None)
    )
    sharing = set((await session.exec(shared)).all())
    reminders: dict[int, list[Reminder]] = defaultdict(list)
    rows = select(Reminder).where(col(Reminder.person_id).in_(ids))
    for reminder in (await session.exec(rows)).all():
        reminders[reminder.person_id].append(reminder)
    completed = defaultdict(frozenset, {pid: frozenset(rules) for pid, rules in done.items()})
    return PlanInputs(dates, completed, sharing, reminders)
