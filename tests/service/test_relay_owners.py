"""With several instances, a relayed message is sent by the instance that owns its chat (so one
instance paces each chat), and by any instance once it has waited: nothing waits for an owner
that is down. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from bot.db import outbox_relays
from bot.db.engine import async_session_factory, create_async_engine, create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Association, Person
from bot.db.models_threads import Thread, ThreadMessage
from bot.db.outbox_relays import OWNER_GRACE
from bot.db.statuses import Direction
from bot.services.unit import Sessions

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    """A migrated database of each kind, with one conversation: association 1 (owned by
    instance 1 of 2) and a person in chat 8002 (owned by instance 0), a message each way."""
    found: str = request.getfixturevalue(f"{request.param}_url")
    upgrade_to_head(found)
    engine = create_sync_engine(found)
    with Session(engine) as session, session.begin():
        association = Association(id=1, name="Entraide 93", follow_token="t0k3n")
        person = Person(chat_id=8002, language="fr")
        session.add_all([association, person])
        session.flush()
        assert person.id is not None
        thread = Thread(association_id=1, person_id=person.id, opened_at=NOW)
        session.add(thread)
        session.flush()
        assert thread.id is not None
        for direction in Direction:
            session.add(
                ThreadMessage(
                    thread_id=thread.id,
                    direction=direction,
                    kind="text",
                    source_chat_id=8002,
                    source_message_id=1,
                    body="x" if direction is Direction.OUT else None,
                    send_at=NOW,
                )
            )
    engine.dispose()
    return found


async def claimed(url: str, now: datetime, direction: str, instance: tuple[int, int]) -> int:
    """Claim as this instance; return how many rows it took."""
    engine = create_async_engine(url)
    try:
        async with Sessions(async_session_factory(engine)).begin() as session:
            rows = await outbox_relays.claim(
                session, now, direction, lease=LEASE, limit=10, instance=instance
            )
        return len(rows)
    finally:
        await engine.dispose()


async def test_each_instance_sends_the_relays_of_its_chats_then_any_after_a_wait(
    url: str,
) -> None:
    # To the staff: association 1 belongs to instance 1; to the person: chat 8002 to instance 0.
    assert await claimed(url, NOW, "in", (0, 2)) == 0
    assert await claimed(url, NOW, "out", (1, 2)) == 0
    assert await claimed(url, NOW, "out", (0, 2)) == 1
    # Nobody took the message to the staff (instance 1 is down): after the grace, anyone does.
    assert await claimed(url, NOW + OWNER_GRACE, "in", (0, 2)) == 1
    # One instance alone owns everything.
    assert await claimed(url, NOW + LEASE * 2, "in", (0, 1)) == 1
