"""The storage layer on real databases: cascades, unique keys, UTC times, the async engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from bot.db.engine import (
    async_session_factory,
    async_url,
    create_async_engine,
    create_sync_engine,
    sync_url,
)
from bot.db.migrate import upgrade_to_head
from bot.db.models import KeyDate, Person, Reminder

PARIS = ZoneInfo("Europe/Paris")
DUE = datetime(2026, 12, 1, 23, 59, tzinfo=UTC)
OCCURRED = date(2026, 11, 2)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """Yield an engine on a freshly migrated database of each kind."""
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade_to_head(url)
    engine = create_sync_engine(url)
    yield engine
    engine.dispose()


def _reminder(person_id: int, **changes: object) -> Reminder:
    """Return a pending reminder for `person_id`, with `changes` applied."""
    values = {"rule_id": "ofpra_application_21d", "due_at": DUE, "remind_at": DUE}
    return Reminder(person_id=person_id, **(values | changes))


def _add_person(session: Session, chat_id: int = 1001) -> int:
    """Insert a person and return their id."""
    person = Person(chat_id=chat_id, language="fa_AF", department="93", procedure="normal")
    session.add(person)
    session.flush()
    assert person.id is not None
    return person.id


def test_deleting_a_person_deletes_their_dates_and_reminders(engine: sa.Engine) -> None:
    """The database itself cascades, so nothing about a person outlives them."""
    with Session(engine) as session, session.begin():
        person_id = _add_person(session)
        other_id = _add_person(session, chat_id=2002)
        session.add(KeyDate(person_id=person_id, event="certificate_issued", occurred_on=OCCURRED))
        session.add_all([_reminder(person_id), _reminder(other_id)])

    with Session(engine) as session, session.begin():
        session.exec(sa.delete(Person).where(Person.id == person_id))

    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(KeyDate)).one() == 0
        assert session.exec(select(Reminder.person_id)).all() == [other_id]


def test_the_same_reminder_cannot_be_stored_twice(engine: sa.Engine) -> None:
    """The unique key (person, rule, due_at, remind_at) refuses a duplicate."""
    with Session(engine) as session, session.begin():
        person_id = _add_person(session)
        session.add(_reminder(person_id))

    with Session(engine) as session, pytest.raises(sa.exc.IntegrityError):
        session.add(_reminder(person_id, remind_at=DUE.astimezone(PARIS)))  # same instant
        session.flush()


def test_an_unknown_reminder_status_is_refused(engine: sa.Engine) -> None:
    """The model refuses a status that is not a member; the check constraint refuses raw SQL."""
    with Session(engine) as session, pytest.raises(sa.exc.StatementError, match="lost"):
        session.add(_reminder(_add_person(session), status="lost"))
        session.flush()

    with Session(engine) as session, pytest.raises(sa.exc.IntegrityError, match="status"):
        person_id = _add_person(session)
        session.connection().execute(
            sa.text(
                "INSERT INTO reminders (person_id, rule_id, kind, due_at, remind_at, status,"
                " attempts) VALUES (:person, 'ofpra_application_21d', 'lead', :due, :due,"
                " 'lost', 0)"
            ),
            {"person": person_id, "due": DUE},
        )


def test_times_come_back_as_the_same_instant_in_utc(engine: sa.Engine) -> None:
    """An aware Paris time is stored in UTC and read back aware, in UTC."""
    paris_morning = datetime(2026, 3, 29, 9, 30, tzinfo=PARIS)  # the day clocks go forward
    with Session(engine) as session, session.begin():
        session.add(_reminder(_add_person(session), remind_at=paris_morning))

    with Session(engine) as session:
        if engine.dialect.name == "postgresql":
            session.connection().execute(sa.text("SET TIME ZONE 'Europe/Paris'"))
        remind_at = session.exec(select(Reminder.remind_at)).one()

    assert remind_at == paris_morning
    assert remind_at.tzinfo is UTC
    assert (remind_at.hour, remind_at.minute) == (7, 30)


def test_a_naive_time_is_refused(engine: sa.Engine) -> None:
    """A naive datetime is ambiguous, so it never reaches the database."""
    with Session(engine) as session, pytest.raises(sa.exc.StatementError) as raised:
        session.add(_reminder(_add_person(session), remind_at=datetime(2026, 3, 29, 9, 30)))
        session.flush()

    assert isinstance(raised.value.orig, ValueError)


@pytest.mark.parametrize(
    ("written", "sync", "asynchronous"),
    [
        (
            "sqlite:///data/bot.sqlite3",
            "sqlite:///data/bot.sqlite3",
            "sqlite+aiosqlite:///data/bot.sqlite3",
        ),
        ("postgres://bot:p%40ss@db/bot", "postgresql+psycopg://bot:p%40ss@db/bot", None),
        ("postgresql://bot@db:5433/bot", "postgresql+psycopg://bot@db:5433/bot", None),
        ("postgresql+psycopg2://bot@db/bot", "postgresql+psycopg2://bot@db/bot", None),
        (
            "sqlite+aiosqlite:///data/bot.sqlite3",
            "sqlite:///data/bot.sqlite3",
            "sqlite+aiosqlite:///data/bot.sqlite3",
        ),
    ],
)
def test_urls_are_normalised_to_our_drivers(
    written: str, sync: str, asynchronous: str | None
) -> None:
    """Operators write plain URLs; psycopg 3 serves both sides, aiosqlite the async SQLite one."""
    assert (sync_url(written), async_url(written)) == (sync, asynchronous or sync)


async def test_the_async_engine_stores_and_reads_a_person(sqlite_url: str) -> None:
    """The asyncio engine and session factory work on SQLite, foreign keys enforced."""
    upgrade_to_head(sqlite_url)
    engine = create_async_engine(sqlite_url)
    sessions = async_session_factory(engine)
    try:
        async with sessions.begin() as session:
            session.add(Person(chat_id=-1, language="ps"))
        async with sessions() as session:
            person = (await session.exec(select(Person).where(Person.chat_id == -1))).one()
            foreign_keys = (await session.exec(sa.text("PRAGMA foreign_keys"))).scalar()
    finally:
        await engine.dispose()

    assert (person.language, person.active, person.created_at.tzinfo) == ("ps", True, UTC)
    assert foreign_keys == 1
