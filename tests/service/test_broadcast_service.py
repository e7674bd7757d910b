"""Broadcast use cases on both databases: targeting by situation, and a scheduled broadcast that
two instances try to start at the same moment (it starts once, with one delivery per person)."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import ManualClock
from bot.db import outbox_reminders
from bot.db.engine import async_session_factory, create_async_engine, create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Follow, Person, Reminder
from bot.domain.rules.loader import default_rulebook
from bot.services import Services, build_services
from bot.services.audience import Audience

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)
AUTHOR = 42


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    """A migrated database of each kind."""
    found: str = request.getfixturevalue(f"{request.param}_url")
    upgrade_to_head(found)
    return found


def services_on(url: str, clock: ManualClock) -> tuple[Services, AsyncEngine]:
    engine = create_async_engine(url)
    services = build_services(
        async_session_factory(engine),
        book=default_rulebook(),
        clock=clock,
        zone=PARIS,
        reminder_time=time(9, 0),
        count_threshold=1,  # three followers: these tests are about filters (see test_disclosure)
    )
    return services, engine


def seed_followers(url: str, association_id: int) -> None:
    """Three followers: CNDA deadline in 5 days, in 20 days, and no deadline."""
    engine = create_sync_engine(url)
    persons, follows = Person.__table__, Follow.__table__  # type: ignore[attr-defined]
    reminders = Reminder.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        for chat_id, due in (
            (1, NOW + timedelta(days=5)),
            (2, NOW + timedelta(days=20)),
            (3, None),
        ):
            person_id = connection.execute(
                sa.insert(persons)
                .values(
                    chat_id=chat_id,
                    language="fr",
                    consented_at=NOW,
                    active=True,
                    created_at=NOW,
                    updated_at=NOW,
                )
                .returning(persons.c.id)
            ).scalar_one()
            connection.execute(
                sa.insert(follows).values(
                    person_id=person_id, association_id=association_id, created_at=NOW
                )
            )
            if due is not None:
                connection.execute(
                    sa.insert(reminders).values(
                        person_id=person_id,
                        rule_id="cnda_appeal_1_month",
                        due_at=due,
                        remind_at=due - timedelta(days=1),
                        kind="lead",
                        status="pending",
                        created_at=NOW,
                    )
                )
    engine.dispose()


async def test_a_scheduled_situation_broadcast_starts_once_across_instances(url: str) -> None:
    clock = ManualClock(NOW)
    first, first_engine = services_on(url, clock)
    second, second_engine = services_on(url, clock)
    try:
        association, token = await first.associations.create("Avocats solidaires")
        assert association.id is not None
        assert await first.associations.redeem(token, AUTHOR, "fr") is not None
        await asyncio.to_thread(seed_followers, url, association.id)

        await first.broadcasts.start(association.id, AUTHOR, "fr")
        await first.broadcasts.write(AUTHOR, "Permanence CNDA mardi.")
        assert await first.broadcasts.recipients(AUTHOR) == 3
        cnda = Audience().with_situation("cnda_appeal", 10)
        await first.broadcasts.set_audience(AUTHOR, cnda)
        assert await first.broadcasts.recipients(AUTHOR) == 1
        await first.broadcasts.set_audience(AUTHOR, cnda.with_situation("cnda_appeal", 30))
        assert await first.broadcasts.recipients(AUTHOR) == 2
        await first.broadcasts.set_audience(AUTHOR, cnda)

        assert await first.broadcasts.schedule(AUTHOR, NOW - timedelta(minutes=1), 1, 1) is None
        draft = await first.broadcasts.schedule(AUTHOR, NOW + timedelta(hours=1), AUTHOR, 7)
        assert draft is not None and draft.status == "scheduled"
        assert await first.broadcasts.start_due() == []  # not yet
        assert await first.broadcasts.next_scheduled() == NOW + timedelta(hours=1)

        clock.advance(timedelta(hours=1, seconds=1))
        started = await asyncio.gather(first.broadcasts.start_due(), second.broadcasts.start_due())
        assert sorted(len(ids) for ids in started) == [0, 1]
        report = await first.broadcasts.report(draft.id)
        assert report is not None and report.status == "sending" and report.total == 1
    finally:
        await first_engine.dispose()
        await second_engine.dispose()


async def test_an_alert_whose_deadline_passed_is_never_sent(url: str) -> None:
    """After downtime, an association is not alerted about a deadline already over."""
    await asyncio.to_thread(_seed_alerts, url)
    engine = create_async_engine(url)
    sessions = async_session_factory(engine)
    try:
        async with sessions.begin() as session:
            assert await outbox_reminders.expire_stale(session, NOW) == 1
        async with sessions.begin() as session:
            query = sa.select(Reminder.due_at, Reminder.status)
            statuses = dict((await session.exec(query)).all())  # type: ignore[call-overload]
    finally:
        await engine.dispose()
    assert statuses == {NOW - timedelta(hours=1): "cancelled", NOW + timedelta(days=1): "pending"}


def _seed_alerts(url: str) -> None:
    engine = create_sync_engine(url)
    persons, reminders = Person.__table__, Reminder.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        person_id = connection.execute(
            sa.insert(persons)
            .values(chat_id=9, language="fr", active=True, created_at=NOW, updated_at=NOW)
            .returning(persons.c.id)
        ).scalar_one()
        for due in (NOW - timedelta(hours=1), NOW + timedelta(days=1)):
            connection.execute(
                sa.insert(reminders).values(
                    person_id=person_id,
                    rule_id="cnda_appeal_1_month",
                    due_at=due,
                    remind_at=due - timedelta(days=3),
                    kind="alert",
                    status="pending",
                    created_at=NOW,
                )
            )
    engine.dispose()
