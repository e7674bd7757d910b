"""Several `python -m bot dispatch` processes sharing one PostgreSQL database of due reminders.

The children are real processes; the fake Bot API server runs in this test's event loop, so they
are awaited with asyncio (never subprocess.run, which would freeze the server they talk to). Each
child connects with its own `application_name`, and a test-only trigger logs which connection
claimed or marked sent each reminder: that tells which process did what, without touching bot/.
"""

from __future__ import annotations

import asyncio
import os
import signal
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
from fake_telegram.server import FakeTelegram

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parents[2]
COUNT = 10_000
FIRST_CHAT = 5_000_000
BATCH = 200
RULE = "ofpra_filing_21_days"
# Only a guard against a hung child: on a busy 2-core machine 10,000 messages take 1 to 3 minutes.
CHILD_TIMEOUT = 420.0
# Longer than a batch of 200 takes to deliver here (measured up to 7 s under load): with 3 s, two
# live processes would re-claim each other's rows (see the stalled-dispatcher test at the end).
KILL_LEASE = 30

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
    """Yield an engine on a freshly migrated database that logs claims and deliveries."""
    upgrade_to_head(postgres_url)
    engine = create_sync_engine(postgres_url, poolclass=pool.NullPool)
    with engine.begin() as connection:
        for statement in TRANSITION_LOG:
            connection.exec_driver_sql(statement)
    yield engine
    engine.dispose()


def seed(engine: sa.Engine, count: int) -> None:
    """Insert `count` active people and one lead reminder each, due a minute ago (executemany)."""
    people, reminders = Person.__table__, Reminder.__table__  # type: ignore[attr-defined]
    now = datetime.now(UTC)  # the children read the real clock
    person = {"language": "en", "department": "93", "active": True}
    with engine.begin() as connection:
        connection.execute(
            sa.insert(people),
            [
                {**person, "chat_id": chat, "created_at": now, "updated_at": now}
                for chat in chat_ids(count)
            ],
        )
        ids = connection.execute(sa.select(people.c.id)).scalars().all()
        due = {"rule_id": RULE, "kind": "lead", "due_at": now + timedelta(days=1)}
        due |= {"remind_at": now - timedelta(minutes=1), "created_at": now}
        connection.execute(sa.insert(reminders), [{**due, "person_id": id_} for id_ in ids])


def chat_ids(count: int = COUNT) -> range:
    """Return the chat ids of the seeded people."""
    return range(FIRST_CHAT, FIRST_CHAT + count)


def add_users(telegram: FakeTelegram, count: int = COUNT) -> None:
    """Create the fake private chat of every seeded person (the fake refuses unknown chats)."""
    for chat_id in chat_ids(count):
        telegram.user(chat_id, language_code="en")


def child_env(telegram: FakeTelegram, url: str, name: str, **extra: str) -> dict[str, str]:
    """Return a dispatcher child's environment; `name` becomes its database application_name."""
    return {
        **os.environ,
        "DATABASE_URL": f"{url}?application_name={name}",
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE_URL": telegram.base_url,
        "TELEGRAM_GLOBAL_RATE": "0",
        "DISPATCH_BATCH": str(BATCH),
        # Fewer sends at once cost less CPU per message on these 2-core machines (measured).
        "DISPATCH_CONCURRENCY": "8",
        "LOG_LEVEL": "WARNING",
        "PTB_TIMEDELTA": "true",
        **extra,
    }


async def start_child(
    children: list[asyncio.subprocess.Process], env: dict[str, str], log: Path, *args: str
) -> asyncio.subprocess.Process:
    """Start `python -m bot dispatch *args` in the repository, its output appended to `log`."""
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
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
    children.append(process)
    return process


async def exit_code(process: asyncio.subprocess.Process, log: Path) -> int:
    """Wait for a child (killing it after CHILD_TIMEOUT) and return its exit code."""
    try:
        return await asyncio.wait_for(process.wait(), CHILD_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"still running after {CHILD_TIMEOUT} s:\n{log.read_text()}") from None


async def run_until_idle(
    children: list[asyncio.subprocess.Process], env: dict[str, str], log: Path
) -> None:
    """Run one `dispatch --until-idle` child to its end and check it exited 0."""
    child = await start_child(children, env, log, "--until-idle")
    assert await exit_code(child, log) == 0, log.read_text()


class SendCounter:
    """Counts the sendMessage calls the fake received, scanning only the new requests each time."""

    def __init__(self, telegram: FakeTelegram) -> None:
        """Start counting from the first request."""
        self.telegram, self.seen, self.sends = telegram, 0, 0

    def __call__(self) -> int:
        """Return the number of sendMessage calls received so far."""
        requests = self.telegram.requests
        self.sends += sum(r.method == "sendMessage" for r in requests[self.seen :])
        self.seen = len(requests)
        return self.sends


def delivered(telegram: FakeTelegram) -> Counter[int]:
    """Count the successful sendMessage calls per chat id."""
    return Counter(
        int(call.params["chat_id"]) for call in telegram.calls("sendMessage") if call.status == 200
    )


def sending_rate(telegram: FakeTelegram) -> float:
    """Return the messages/s between the first and the last sendMessage the fake received."""
    times = [call.time for call in telegram.calls("sendMessage")]
    return len(times) / max(max(times) - min(times), 1e-9)


def statuses(engine: sa.Engine) -> dict[str, int]:
    """Count the reminders per status."""
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT status, count(*) FROM reminders GROUP BY 1")
        return dict(rows.all())


def claims_made(engine: sa.Engine) -> int:
    """Count the claims taken (a reminder taken again after its lease expired counts twice)."""
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM test_transitions WHERE status = 'claimed'"
        ).scalar_one()


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


def seconds_until_leases_end(engine: sa.Engine) -> float:
    """Return how long until the last lease of a still-claimed reminder has expired (0: none)."""
    with engine.connect() as connection:
        last = connection.exec_driver_sql(
            "SELECT max(lease_until) FROM reminders WHERE status = 'claimed'"
        ).scalar_one()
    return 0.0 if last is None else max((last - datetime.now(UTC)).total_seconds(), 0.0)


async def test_two_processes_deliver_ten_thousand_reminders_exactly_once(
    database: sa.Engine,
    postgres_url: str,
    tmp_path: Path,
    children: list[asyncio.subprocess.Process],
) -> None:
    """Two `dispatch --until-idle` processes share 10,000 due reminders: each chat gets one."""
    seed(database, COUNT)
    async with FakeTelegram() as telegram:
        add_users(telegram)
        logs = [tmp_path / f"{name}.log" for name in ("one", "two")]
        started = time.perf_counter()
        for log in logs:
            env = child_env(telegram, postgres_url, log.stem)
            await start_child(children, env, log, "--until-idle")
        codes = [await exit_code(child, log) for child, log in zip(children, logs, strict=True)]
        elapsed = time.perf_counter() - started
        per_chat, rate = delivered(telegram), sending_rate(telegram)
    sent_by = {app: len(ids) for app, ids in sorted(transitions(database, "sent").items())}
    print(
        f"\n2 processes, {COUNT} reminders: {elapsed:.1f} s from start to exit, "
        f"{COUNT / elapsed:.0f} messages/s overall, {rate:.0f} messages/s while sending; "
        f"sent per process {sent_by}"
    )
    assert codes == [0, 0], [log.read_text() for log in logs]
    assert per_chat == Counter(dict.fromkeys(chat_ids(), 1))
    assert statuses(database) == {"sent": COUNT}
    assert claims_made(database) == COUNT, "a reminder was claimed twice"
    assert sent_by.keys() == {"one", "two"}, "one process did all the work"
    assert sum(sent_by.values()) == COUNT


async def test_a_process_killed_half_way_loses_no_reminder(
    database: sa.Engine,
    postgres_url: str,
    tmp_path: Path,
    children: list[asyncio.subprocess.Process],
) -> None:
    """SIGKILL one of two dispatchers half-way: its claims are sent once their lease expires."""
    seed(database, COUNT)
    lease = {"DISPATCH_LEASE": str(KILL_LEASE)}
    async with FakeTelegram() as telegram:
        add_users(telegram)
        logs = {name: tmp_path / f"{name}.log" for name in ("victim", "survivor", "after")}
        envs = {name: child_env(telegram, postgres_url, name, **lease) for name in logs}
        victim, survivor = [
            await start_child(children, envs[name], logs[name], "--until-idle")
            for name in ("victim", "survivor")
        ]
        sends = SendCounter(telegram)
        await telegram.wait_until(lambda: sends() >= COUNT // 2, timeout=CHILD_TIMEOUT)
        victim.send_signal(signal.SIGKILL)
        assert await victim.wait() == -signal.SIGKILL
        at_kill = sends()
        assert await exit_code(survivor, logs["survivor"]) == 0, logs["survivor"].read_text()
        await asyncio.sleep(seconds_until_leases_end(database) + 1)
        await run_until_idle(children, envs["after"], logs["after"])
        per_chat = delivered(telegram)
    claimed, sent = transitions(database, "claimed"), transitions(database, "sent")
    in_flight = claimed["victim"] - sent.get("victim", set())
    chats = chat_of(database)
    duplicates = {chat for chat, count in per_chat.items() if count > 1}
    print(
        f"\nSIGKILL after {at_kill} sends: the killed process held {len(in_flight)} claims; "
        f"{len(duplicates)} chats got a duplicate; re-sent by the survivor "
        f"{len(in_flight & sent.get('survivor', set()))}, by the last run "
        f"{len(in_flight & sent.get('after', set()))}"
    )
    assert per_chat.keys() == set(chat_ids()), "a reminder was lost"
    assert statuses(database) == {"sent": COUNT}
    assert len(in_flight) <= BATCH
    assert duplicates <= {chats[reminder] for reminder in in_flight}


async def test_a_stalled_dispatcher_sends_only_what_was_in_flight_again(
    database: sa.Engine,
    postgres_url: str,
    tmp_path: Path,
    children: list[asyncio.subprocess.Process],
) -> None:
    """A dispatcher frozen past its lease must not send, once thawed, what another one sent."""
    count, lease = 5, 1
    seed(database, count)
    slow = {"DISPATCH_LEASE": str(lease), "DISPATCH_CONCURRENCY": "1", "DISPATCH_BATCH": "50"}
    async with FakeTelegram() as telegram:
        add_users(telegram, count)
        telegram.delay("sendMessage", 4.0)  # the first send stays in flight...
        log = tmp_path / "stalled.log"
        env = child_env(telegram, postgres_url, "stalled", **slow)
        stalled = await start_child(children, env, log)
        sends = SendCounter(telegram)
        await telegram.wait_until(lambda: sends() == 1, timeout=CHILD_TIMEOUT)
        stalled.send_signal(signal.SIGSTOP)  # ...while the process freezes (GC, CPU, swap)
        await asyncio.sleep(lease + 0.5)
        other = child_env(telegram, postgres_url, "other")
        await run_until_idle(children, other, tmp_path / "other.log")
        stalled.send_signal(signal.SIGCONT)
        await telegram.wait_idle(quiet=1.0, timeout=10)  # the thawed process sends, or not
        stalled.send_signal(signal.SIGTERM)
        assert await exit_code(stalled, log) == 0, log.read_text()
        per_chat = delivered(telegram)
    assert per_chat.keys() == set(chat_ids(count))
    assert sum(per_chat.values()) <= count + 1, f"{per_chat.total() - count} duplicates"
