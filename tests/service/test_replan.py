"""Recomputing every plan when the rules change (`python -m bot replan`), on SQLite and PostgreSQL.

The plans are first made with an "old" rule book (the CNDA appeal without its franc day and its
month-end reading; Dublin transfer appeals ending in June 2026, as the file said before the
correction), then recomputed with the shipped rules: the moved date and the new deadline are
found, each person is told once, the reminders follow, and a second run changes nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.clock import ManualClock
from bot.db.engine import async_session_factory, create_async_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import AppState, Person, Reminder
from bot.domain.events import Detained, Event, EventKind, Outcome, Received
from bot.domain.rules.loader import default_rulebook, rules_fingerprint
from bot.domain.rules.model import RuleBook
from bot.services.people import PeopleService
from bot.services.plans import PlanService
from bot.services.replan import REPLAN_LEASE, ReplanBusy, ReplanService
from bot.services.unit import Sessions
from tests.support.rulebooks import rules_before_the_review

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 9, 16, 12, 0, tzinfo=PARIS)


@dataclass
class World:
    sessions: Sessions
    clock: ManualClock

    def plans(self, book: RuleBook) -> PlanService:
        return PlanService(self.sessions, book, self.clock, PARIS, time(9, 0))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def world(request: pytest.FixtureRequest) -> AsyncIterator[World]:
    """A migrated database of each kind, with a clock at 16 September 2026."""
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade_to_head(url)
    engine = create_async_engine(url)
    yield World(Sessions(async_session_factory(engine)), ManualClock(NOW))
    await engine.dispose()


async def _person(world: World, chat_id: int, *events: Event, active: bool = True) -> None:
    """Store a person with the old rules' plan."""
    people = PeopleService(world.sessions, world.clock)
    await people.consent(chat_id, "fr")
    await people.update(chat_id, department="93", active=active)
    await world.plans(rules_before_the_review()).save(chat_id, events)


async def _rows(world: World, chat_id: int) -> list[Reminder]:
    async with world.sessions.begin() as session:
        person = (await session.exec(select(Person).where(Person.chat_id == chat_id))).one()
        query = select(Reminder).where(Reminder.person_id == person.id)
        return list((await session.exec(query)).all())


REJECTED = Event(
    EventKind.OFPRA_DECISION, date(2026, 9, 14), outcome=Outcome.REJECTED, received=Received.POST
)
TRANSFER = Event(EventKind.DUBLIN_TRANSFER_NOTIFIED, date(2026, 9, 15), detained=Detained.NO)


async def test_replan_finds_moved_and_new_deadlines_tells_each_person_once(world: World) -> None:
    """Rejected 14 Sept: the old rule gave 14 Oct, the franc reading 15 Oct. A Dublin transfer
    of 15 Sept had no deadline; now 22 Sept. One "changed" row each; a second run does nothing."""
    await _person(world, 1, REJECTED)
    await _person(world, 2, TRANSFER)
    await _person(world, 3, REJECTED, active=False)  # paused: replanned, not told
    before = {r.due_at for r in await _rows(world, 1) if r.rule_id == "cnda_appeal_1_month"}
    assert before == {datetime(2026, 10, 14, 23, 59, 59, tzinfo=PARIS)}

    service = ReplanService(world.plans(default_rulebook()), batch=2)
    assert await service.needed()
    seen: list[tuple[int, int]] = []
    report = await service.run(lambda done, total: seen.append((done, total)))
    assert (report.people, report.moved, report.new, report.notified) == (3, 2, 1, 2)
    assert report.moved_by_rule == {"cnda_appeal_1_month": 2}
    assert seen == [(2, 3), (3, 3)]

    moved = [r for r in await _rows(world, 1) if r.kind == "changed"]
    assert [(r.due_at, r.previous_due_at) for r in moved] == [
        (
            datetime(2026, 10, 15, 23, 59, 59, tzinfo=PARIS),
            datetime(2026, 10, 14, 23, 59, 59, tzinfo=PARIS),
        )
    ]
    pending = {
        r.due_at for r in await _rows(world, 1) if r.status == "pending" and r.kind == "lead"
    }
    assert pending == {
        datetime(2026, 10, 15, 23, 59, 59, tzinfo=PARIS),  # the appeal, moved
        datetime(2026, 9, 29, 23, 59, 59, tzinfo=PARIS),  # legal aid, unchanged
        # procedure not given: an accelerated one is possible, so read the period (EU Pact)
        datetime(2026, 9, 21, 23, 59, 59, tzinfo=PARIS),
    }
    new = [r for r in await _rows(world, 2) if r.kind == "changed"]
    assert [(r.rule_id, r.previous_due_at) for r in new] == [("dublin_transfer_appeal", None)]
    assert [r for r in await _rows(world, 3) if r.kind == "changed"] == []

    assert not await service.needed()
    again = await service.run()
    assert (again.people, again.moved, again.new, again.notified) == (3, 0, 0, 0)
    assert len([r for r in await _rows(world, 1) if r.kind == "changed"]) == 1


async def test_only_one_process_replans_at_a_time(world: World) -> None:
    """Two replans started together: one runs, the other is told another process is at it."""
    for chat_id in range(10, 40):
        await _person(world, chat_id, REJECTED)
    first = ReplanService(world.plans(default_rulebook()), batch=5)
    second = ReplanService(world.plans(default_rulebook()), batch=5)
    results = await asyncio.gather(first.run(), second.run(), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["ReplanBusy", "ReplanReport"]
    report = next(r for r in results if not isinstance(r, BaseException))
    assert report.notified == 30
    async with world.sessions.begin() as session:
        changed = select(sa.func.count()).select_from(Reminder).where(Reminder.kind == "changed")
        assert (await session.exec(changed)).one() == 30
        lease = await session.get(AppState, REPLAN_LEASE)
        stored = await session.get(AppState, "rules_hash")
    assert lease is not None and lease.value.startswith("0001")  # released
    assert stored is not None and stored.value == rules_fingerprint()
    with pytest.raises(ReplanBusy):
        async with world.sessions.begin() as session:
            from bot.db import app_state

            until = NOW.replace(year=2027)
            assert await app_state.take_lease(session, REPLAN_LEASE, NOW, until)
        await first.run()


@pytest.mark.slow  # 60 people replanned in batches of 7 while a third of them save new dates
async def test_replan_runs_while_people_change_their_dates(world: World) -> None:
    """A person saving new dates during the replan: both transactions complete, the rows end up
    matching the plan of the latest dates, and nothing is pending twice."""
    for chat_id in range(100, 160):
        await _person(world, chat_id, REJECTED)
    plans = world.plans(default_rulebook())
    service = ReplanService(plans, batch=7)

    async def edits() -> None:
        for chat_id in range(100, 160, 3):
            later = replace(REJECTED, on=date(2026, 9, 15))
            await plans.save(chat_id, (later,))
            await asyncio.sleep(0)

    await asyncio.gather(service.run(), edits())
    async with world.sessions.begin() as session:
        pending = (
            await session.exec(
                select(Reminder.person_id, Reminder.rule_id, Reminder.remind_at).where(
                    Reminder.status == "pending", col(Reminder.kind) == "lead"
                )
            )
        ).all()
    from collections import Counter

    twice = [key for key, n in Counter(pending).items() if n > 1]
    assert twice == []
    edited = {r.due_at for r in await _rows(world, 100) if r.status == "pending"}
    assert datetime(2026, 10, 16, 23, 59, 59, tzinfo=PARIS) in edited  # 15 Sept -> 16 Oct


async def test_cli_replan_process_while_the_bot_saves_answers(
    sqlite_url: str, children: list[asyncio.subprocess.Process]
) -> None:
    """`python -m bot replan` as its own process on SQLite, while this process saves people's
    answers: every answer is saved (a transaction made stale by the replan's commit is run
    again), the replan completes and prints its summary, and the rows match the final plans.
    The child process has the real clock: the dates here are counted from today."""
    import os
    import sys
    from datetime import timedelta
    from pathlib import Path

    from bot.clock import SystemClock
    from bot.domain.events import Facts
    from bot.domain.planner import compute_plan

    upgrade_to_head(sqlite_url)
    engine = create_async_engine(sqlite_url)
    today = datetime.now(PARIS).date()
    first = replace(REJECTED, on=today - timedelta(days=2))
    later = replace(REJECTED, on=today - timedelta(days=1))
    world = World(Sessions(async_session_factory(engine)), SystemClock())  # type: ignore[arg-type]
    try:
        for chat_id in range(1000, 1400):
            await _person(world, chat_id, first)
        env = {**os.environ, "DATABASE_URL": sqlite_url, "LOG_LEVEL": "WARNING"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "replan", "--batch", "20",
            cwd=Path(__file__).resolve().parents[2], env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        children.append(process)
        plans = world.plans(default_rulebook())
        for chat_id in range(1000, 1400, 8):
            await plans.save(chat_id, (later,))
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0, err.decode()
        assert "Recomputed 400 plans" in out.decode()
        expected = compute_plan(
            Facts("93", (later,)), default_rulebook(), now=datetime.now(PARIS)
        ).find("cnda_legal_aid_15_days")
        assert expected is not None
        pending = {r.due_at for r in await _rows(world, 1000) if r.status == "pending"}
        stale = {r.due_at for r in await _rows(world, 1001) if r.status == "pending"}
        assert expected.due in pending and expected.due not in stale
        async with world.sessions.begin() as session:
            keys = (
                await session.exec(
                    select(Reminder.person_id, Reminder.rule_id, Reminder.remind_at).where(
                        Reminder.status == "pending"
                    )
                )
            ).all()
        from collections import Counter

        assert [key for key, n in Counter(keys).items() if n > 1] == []
    finally:
        await engine.dispose()
