"""Records kept only while they serve: old reminders, finished broadcasts, audit entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from bot.clock import ManualClock
from bot.db.engine import async_session_factory, create_async_engine, create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import AuditEntry, Broadcast, Delivery, Person, Reminder
from bot.db.statuses import BroadcastStatus, OutboxStatus
from bot.services.retention import RetentionService
from bot.services.unit import Sessions

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=400)
LATELY = NOW - timedelta(days=10)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    """A migrated database of each kind."""
    found: str = request.getfixturevalue(f"{request.param}_url")
    upgrade_to_head(found)
    return found


def seed(url: str) -> None:
    """One person; reminders, broadcasts with deliveries and audit entries, old and recent."""
    engine = create_sync_engine(url)
    with Session(engine) as session, session.begin():
        person = Person(chat_id=501, language="fr", department="93")
        session.add(person)
        session.flush()
        assert person.id is not None
        for rule, due, status in [
            ("old_sent", LONG_AGO, OutboxStatus.SENT),
            ("old_cancelled", LONG_AGO, OutboxStatus.CANCELLED),
            ("old_pending", LONG_AGO, OutboxStatus.PENDING),  # still to send: kept
            ("recent_sent", LATELY, OutboxStatus.SENT),
        ]:
            session.add(
                Reminder(
                    person_id=person.id, rule_id=rule, due_at=due, remind_at=due, status=status
                )
            )
        for status, finished in [
            (BroadcastStatus.DONE, LONG_AGO),
            (BroadcastStatus.CANCELLED, LONG_AGO),
            (BroadcastStatus.DONE, LATELY),
            (BroadcastStatus.SCHEDULED, None),
        ]:
            broadcast = Broadcast(author_id=7, status=status, texts='{"default": "x"}')
            broadcast.finished_at = finished
            session.add(broadcast)
            session.flush()
            assert broadcast.id is not None
            session.add(
                Delivery(
                    broadcast_id=broadcast.id,
                    person_id=person.id,
                    status=OutboxStatus.SENT,
                    send_at=finished or NOW,
                )
            )
        session.add(AuditEntry(at=LONG_AGO, actor_id=7, action="broadcast"))
        session.add(AuditEntry(at=LATELY, actor_id=7, action="broadcast"))
    engine.dispose()


def remaining(url: str) -> dict[str, list[object]]:
    engine = create_sync_engine(url)
    with engine.connect() as connection:
        found = {
            "reminders": sorted(
                connection.execute(sa.text("SELECT rule_id FROM reminders")).scalars()
            ),
            "broadcasts": sorted(
                connection.execute(sa.text("SELECT status FROM broadcasts")).scalars()
            ),
            "deliveries": list(
                connection.execute(sa.text("SELECT count(*) FROM deliveries")).scalars()
            ),
            "audit": list(connection.execute(sa.text("SELECT count(*) FROM audit_log")).scalars()),
        }
    engine.dispose()
    return found


async def test_only_records_past_their_period_go(url: str) -> None:
    seed(url)
    engine = create_async_engine(url)
    try:
        service = RetentionService(Sessions(async_session_factory(engine)), ManualClock(NOW))
        purged = await service.purge_records()
        assert purged == {"reminders": 2, "broadcasts": 2, "deliveries": 2, "audit": 1}
        assert await service.purge_records() == dict.fromkeys(purged, 0)  # idempotent
    finally:
        await engine.dispose()
    assert remaining(url) == {
        "reminders": ["old_pending", "recent_sent"],
        "broadcasts": ["done", "scheduled"],
        "deliveries": [2],
        "audit": [1],
    }


async def test_zero_keeps_everything(url: str) -> None:
    seed(url)
    engine = create_async_engine(url)
    try:
        sessions = Sessions(async_session_factory(engine))
        service = RetentionService(sessions, ManualClock(NOW), 18, 30, 0, 0, 0)
        assert await service.purge_records() == dict.fromkeys(
            ("reminders", "broadcasts", "deliveries", "audit"), 0
        )
    finally:
        await engine.dispose()
    assert remaining(url)["audit"] == [2]
