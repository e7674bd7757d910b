"""Several `python -m bot dispatch` processes sharing one PostgreSQL database and 10,000 reminders.

The children are real processes; the fake Bot API server runs in this test's event loop, so they
are awaited with asyncio (never subprocess.run, which would freeze the server they talk to). Each
child connects with its own `application_name`, and a test-only trigger logs which connection
claimed or marked sent each reminder: that tells which process did what, without touching bot/.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import pool

from bot.db.engine import create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Person, Reminder
from bot.fake_api.server import FakeTelegram

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
COUNT = 10_000
FIRST_CHAT = 5_000_000
BATCH = 200
LEASE = 3
RULE = "ofpra_filing_21_days"
CHILD_TIMEOUT = 60.0

# Every claim (a new lease) and every delivery, with the application_name of the connection.
TRANSITION_LOG = (
    "CREATE TABLE test_transitions (reminder_id bigint NOT NULL, status text NOT NULL,"
    " app text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp())",
    "CREATE FUNCTION test_log_transition() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO test_transitions (reminder_id, status, app)"
    " VALUES (NEW.id, NEW.status, current_setting('application_name')); RETURN NULL; END $$",
    "CREATE TRIGGER test_log_transition AFTER UPDATE ON reminders FOR EACH ROW"
    " WHEN (NEW.status IN ('claimed', 'sent')) EXECUTE FUNCTION test_log_transition()",
)


@pytest.fixture
def database(postgres_url: str) -> Iterator[sa.Engine]:
    """Yield an engine on a migrated database holding COUNT people, each with one due reminder."""
    upgrade_to_head(postgres_url)
    engine = create_sync_engine(postgres_url, poolclass=pool.NullPool)
    with engine.begin() as connection:
        seed(connection, datetime.now(UTC))
        for statement in TRANSITION_LOG:
            connection.exec_driver_sql(statement)
    yield engine
    engine.dispose()


def seed(connection: sa.Connection, now: datetime) -> None:
    """Insert COUNT active people and one lead reminder each, due a minute ago (executemany)."""
    people, reminders = Person.__table__, Reminder.__table__  # type: ignore[attr-defined]
    connection.execute(
        sa.insert(people),
        [
            {
                "chat_id": FIRST_CHAT + i,
                "language": "en",
                "department": "93",
                "active": True,
                "created_at": now,
                "updated_at": now,
            }
            for i in range(COUNT)
        ],
    )
    ids = connection.execute(sa.select(people.c.id)).scalars().all()
    base = {"rule_id": RULE, "due_at": now + timedelta(days=1), "kind": "lead", "created_at": now}
    connection.execute(
        sa.insert(reminders),
        [{**base, "person_id": id_, "remind_at": now - timedelta(minutes=1)} for id_ in ids],
    )


def chat_ids() -> range:
    """Return the chat ids of the seeded people."""
    return range(FIRST_CHAT, FIRST_CHAT + COUNT)


def child_env(telegram: FakeTelegram, url: str, name: str, **extra: str) -> dict[str, str]:
    """Return a dispatcher child's environment; `name` becomes its database application_name."""
    return {
        **os.environ,
        "DATABASE_URL": f"{url}?application_name={name}",
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TELEGRAM_GLOBAL_RATE": "0",
        "DISPATCH_BATCH": str(BATCH),
        "LOG_LEVEL": "WARNING",
        "PTB_TIMEDELTA": "true",
        **extra,
    }


async def start_child(env: dict[str, str], log: Path, *args: str) -> asyncio.subprocess.Process:
    """Start `python -m bot dispatch *args` in the repository, output appended to `log`."""
    with log.open("ab") as output:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "dispatch",
            *args,
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )


async def exit_code(process: asyncio.subprocess.Process, log: Path) -> int:
    """Wait for a child (killing it after CHILD_TIMEOUT); return its exit code, show its log."""
    try:
        return await asyncio.wait_for(process.wait(), CHILD_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"dispatcher still running after {CHILD_TIMEOUT} s:\n"
                             f"{log.read_text()}") from None


class SendCounter:
    """Counts the sendMessage calls the fake received, scanning only new requests each time."""

    def __init__(self, telegram: FakeTelegram) -> None:
        """Start counting from the first request."""
        self.telegram, self.seen, self.sends = telegram, 0, 0

    def __call__(self) -> int:
        """Return the number of sendMessage calls received so far."""
        requests = self.telegram.requests
        for request in requests[self.seen :]:
            self.sends += request.method == "sendMessage"
        self.seen = len(requests)
        return self.sends


def delivered(telegram: FakeTelegram) -> Counter[int]:
    """Count the successful sendMessage calls per chat id."""
    return Counter(
        int(call.params["chat_id"]) for call in telegram.calls("sendMessage") if call.status == 200
    )


def statuses(engine: sa.Engine) -> dict[str, int]:
    """Count the reminders per status."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT status, count(*) FROM reminders GROUP BY 1")
        return {status: count for status, count in rows}


def transitions(engine: sa.Engine, status: str) -> dict[str, set[int]]:
    """Return, per child, the reminder ids it moved to `status` (claimed: took a lease)."""
    found: dict[str, set[int]] = {}
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT app, reminder_id FROM test_transitions WHERE status = %(status)s",
            {"status": status},
        )
        for app, reminder_id in rows:
            found.setdefault(app, set()).add(reminder_id)
    return found


def chat_of(engine: sa.Engine) -> dict[int, int]:
    """Map reminder ids to the chat id they are sent to."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT r.id, p.chat_id FROM reminders r JOIN persons p ON p.id = r.person_id"
        )
        return dict(rows.all())


def new_users(telegram: FakeTelegram) -> None:
    """Create the fake private chat of every seeded person (the fake refuses unknown chats)."""
    for chat_id in chat_ids():
        telegram.user(chat_id, language_code="en")


async def test_two_processes_deliver_ten_thousand_reminders_exactly_once(
    database: sa.Engine, postgres_url: str, tmp_path: Path
) -> None:
    """Two `dispatch --until-idle` processes share 10,000 due reminders: each chat gets one."""
    async with FakeTelegram() as telegram:
        new_users(telegram)
        logs = [tmp_path / f"{name}.log" for name in ("one", "two")]
        started = time.perf_counter()
        children = [
            await start_child(child_env(telegram, postgres_url, log.stem), log, "--until-idle")
            for log in logs
        ]
        codes = [await exit_code(child, log) for child, log in zip(children, logs, strict=True)]
        elapsed = time.perf_counter() - started
        per_chat = delivered(telegram)
    sent_by = transitions(database, "sent")
    print(
        f"\n2 processes, {COUNT} reminders: {elapsed:.1f} s, {COUNT / elapsed:.0f} messages/s; "
        f"sent per process: { {app: len(ids) for app, ids in sorted(sent_by.items())} }"
    )
    assert codes == [0, 0], [log.read_text() for log in logs]
    assert sum(per_chat.values()) == COUNT
    assert set(per_chat) == set(chat_ids()) and set(per_chat.values()) == {1}
    assert statuses(database) == {"sent": COUNT}
    assert set(sent_by) == {"one", "two"}, "one process did all the work"
    assert sent_by["one"].isdisjoint(sent_by["two"])
    assert len(sent_by["one"]) + len(sent_by["two"]) == COUNT


async def test_a_process_killed_half_way_loses_no_reminder(
    database: sa.Engine, postgres_url: str, tmp_path: Path
) -> None:
    """SIGKILL one of two dispatchers half-way: after its lease, a third one sends what it held."""
    async with FakeTelegram() as telegram:
        new_users(telegram)
        env = {"DISPATCH_LEASE": str(LEASE)}
        logs = {name: tmp_path / f"{name}.log" for name in ("victim", "survivor", "after")}
        victim, survivor = [
            await start_child(child_env(telegram, postgres_url, name, **env), logs[name], "--until-idle")
            for name in ("victim", "survivor")
        ]
        sends = SendCounter(telegram)
        await telegram.wait_until(lambda: sends() >= COUNT // 2, timeout=CHILD_TIMEOUT)
        victim.kill()
        assert await victim.wait() == -9
        at_kill = sends()
        assert await exit_code(survivor, logs["survivor"]) == 0, logs["survivor"].read_text()
        await asyncio.sleep(LEASE + 1)
        after = await start_child(
            child_env(telegram, postgres_url, "after", **env), logs["after"], "--until-idle"
        )
        assert await exit_code(after, logs["after"]) == 0, logs["after"].read_text()
        per_chat = delivered(telegram)
    claimed, sent = transitions(database, "claimed"), transitions(database, "sent")
    in_flight = claimed["victim"] - sent.get("victim", set())
    chats = chat_of(database)
    duplicates = {chat for chat, count in per_chat.items() if count > 1}
    print(
        f"\nSIGKILL after {at_kill} sends: victim held {len(in_flight)} in flight; "
        f"{len(duplicates)} chats got a duplicate; the last run sent {len(sent.get('after', ()))}"
    )
    assert set(per_chat) == set(chat_ids()), "a reminder was lost"
    assert statuses(database) == {"sent": COUNT}
    assert len(in_flight) <= BATCH
    assert duplicates <= {chats[reminder] for reminder in in_flight}
    assert max(per_chat.values()) <= 2
