"""Outages while reminders are due: the database locked or restarted, the Bot API unreachable.

Issue 7 ("Crashes and faults"). The real application runs in this test's event loop (as in
tests/e2e), polling the fake Bot API server over HTTP; reminders are rows inserted directly. Each
outage lasts a few real seconds, not minutes: the code paths are the same for longer ones (PTB's
polling loop backs off up to 30 s between tries; a reminder whose send failed waits its exponential
backoff, 30 s, 1 min, 2 min... up to 10 min, on the bot's clock, which the tests move, and is
never given up for a network fault). The last test moves that clock through a 20-minute outage.
Each test prints one line starting with "outage:" (run with -s).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import pool

from bot.app import build_application, running
from bot.clock import ManualClock, SystemClock
from bot.config import Settings, load_settings
from bot.context import BotApplication
from bot.db.engine import SQLITE_PRAGMAS, create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Person, Reminder
from bot.scheduling import dispatcher as dispatcher_module
from bot.scheduling.jobs import DISPATCH
from fake_telegram.faults import Faults
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import START
from tests.e2e.journeys import say
from tests.support.postgres import PostgresCluster

RULE = "ofpra_filing_21_days"
FIRST_CHAT = 8_000_000
PERSON = 8_999_999  # someone who writes to the bot around the outage
BUSY_TIMEOUT = next(
    int(p.split("=")[1]) / 1000 for p in SQLITE_PRAGMAS if p.startswith("PRAGMA busy_timeout")
)
OUTAGE = 3.0  # seconds the Bot API stays unreachable
WAIT = 60.0  # only guards against a hang


def seed(url: str, count: int, remind_at: datetime) -> None:
    """Insert `count` active people, each with one lead reminder at `remind_at`."""
    people, reminders = Person.__table__, Reminder.__table__  # type: ignore[attr-defined]
    engine = create_sync_engine(url, poolclass=pool.NullPool)
    with engine.begin() as connection:
        for offset in range(count):
            person_id = connection.execute(
                sa.insert(people)
                .values(chat_id=FIRST_CHAT + offset, language="en", department="93", active=True)
                .returning(people.c.id)
            ).scalar_one()
            connection.execute(
                sa.insert(reminders).values(
                    person_id=person_id,
                    rule_id=RULE,
                    kind="lead",
                    due_at=remind_at + timedelta(days=10),
                    remind_at=remind_at,
                    created_at=remind_at - timedelta(days=1),
                )
            )
    engine.dispose()


def reminder_rows(url: str) -> Counter[tuple[str, int]]:
    """Count the reminders by (status, attempts)."""
    engine = create_sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT status, attempts, count(*) FROM reminders GROUP BY status, attempts"
            )
            return Counter({(status, attempts): n for status, attempts, n in rows})
    finally:
        engine.dispose()


def received(telegram: FakeTelegram, count: int) -> Counter[int]:
    """Count the reminders each seeded chat received (sendMessage answered 200)."""
    chats = range(FIRST_CHAT, FIRST_CHAT + count)
    return Counter(
        int(call.params["chat_id"])
        for call in telegram.calls("sendMessage")
        if call.status == 200 and int(call.params["chat_id"]) in chats
    )


async def until(condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Wait (polling, in a thread: it may read the database) until `condition()` holds."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(condition):
        assert time.monotonic() < deadline, f"{what}: still not the case after {timeout} s"
        await asyncio.sleep(0.1)


def settings(
    telegram: FakeTelegram, url: str, base_url: str | None = None, **extra: object
) -> Settings:
    """Settings aimed at the fake server (or a relay to it) and a migrated database."""
    upgrade_to_head(url)
    options: dict[str, object] = {"dispatch_interval": 0.1, "telegram_global_rate": 0, **extra}
    return load_settings(
        env_file=None,
        telegram_bot_token=telegram.token,
        telegram_api_base_url=base_url or telegram.base_url,
        database_url=url,
        **options,
    )


def failed_polls(telegram: FakeTelegram) -> int:
    """Count the getUpdates calls the fake server refused."""
    return sum(1 for call in telegram.calls("getUpdates") if call.status not in (None, 200))


def dispatch_job_scheduled(application: BotApplication) -> bool:
    """Tell whether the dispatcher's repeating job is still in the job queue."""
    assert application.job_queue is not None
    return bool(application.job_queue.get_jobs_by_name(DISPATCH))


async def test_sqlite_locked_longer_than_the_busy_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Another connection holds SQLite's write lock for twice the busy timeout while reminders
    fall due: the bot keeps running and, once the lock is released, sends each reminder once."""
    count, path = 100, tmp_path / "bot.sqlite3"
    url = f"sqlite:///{path}"
    clock = ManualClock(START)
    async with FakeTelegram() as telegram:
        config = settings(telegram, url)
        seed(url, count, START + timedelta(hours=1))
        for offset in range(count):
            telegram.user(FIRST_CHAT + offset, language_code="en")
        person = telegram.user(PERSON, language_code="en")
        application = build_application(config, clock=clock)
        async with running(application, poll_timeout=1):
            await say(person, "/start")  # the bot is up
            locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            try:
                await asyncio.to_thread(locker.execute, "BEGIN EXCLUSIVE")
                locked = time.monotonic()
                clock.advance(timedelta(hours=1, minutes=1))  # every reminder is due
                await asyncio.sleep(2 * BUSY_TIMEOUT)  # the outage itself: a duration
                sent_while_locked = sum(received(telegram, count).values())
                await asyncio.to_thread(locker.execute, "ROLLBACK")
                held = time.monotonic() - locked
            finally:
                locker.close()
            await telegram.wait_until(lambda: len(received(telegram, count)) == count, WAIT)
            await telegram.wait_idle(quiet=0.5, timeout=WAIT)
            before = len(person.messages)
            await say(person, "/help")  # still answering
            assert len(person.messages) > before
            alive = application.running and dispatch_job_scheduled(application)
        per_chat = received(telegram, count)
    locked_errors = [r for r in caplog.records if "OperationalError" in r.getMessage()]
    print(
        f"\noutage: sqlite locked {held:.1f} s (busy timeout {BUSY_TIMEOUT:.0f} s): "
        f"{len(locked_errors)} dispatcher runs failed with OperationalError, "
        f"{sent_while_locked} sent while locked; after: {len(per_chat)}/{count} reminders "
        f"delivered, duplicates {per_chat.total() - len(per_chat)}, bot alive {alive}"
    )
    assert sent_while_locked == 0
    assert locked_errors, "the lock was never hit: the test proves nothing"
    assert alive
    assert per_chat == Counter(dict.fromkeys(range(FIRST_CHAT, FIRST_CHAT + count), 1))
    assert reminder_rows(url) == Counter({("sent", 1): count})


@pytest.mark.postgres
@pytest.mark.parametrize("down", [0.0, 3.0])
async def test_postgres_restart_while_reminders_are_sent(
    down: float, postgres_cluster: PostgresCluster, postgres_url: str
) -> None:
    """PostgreSQL restarts (every connection cut), at once or after `down` seconds, while the
    bot sends 300 due reminders: it reconnects and sends each one exactly once."""
    count = 300
    async with FakeTelegram() as telegram:
        # 50 messages/s: the run lasts about 6 s, so the restart falls in the middle of it.
        config = settings(
            telegram, postgres_url, telegram_global_rate=50, dispatch_batch=50, dispatch_lease=10
        )
        seed(postgres_url, count, SystemClock().now() - timedelta(minutes=1))
        for offset in range(count):
            telegram.user(FIRST_CHAT + offset, language_code="en")
        person = telegram.user(PERSON, language_code="en")
        application = build_application(config)
        async with running(application, poll_timeout=1):
            await telegram.wait_until(lambda: len(received(telegram, count)) >= count // 3, WAIT)
            before = len(received(telegram, count))
            began = time.monotonic()
            await asyncio.to_thread(postgres_cluster.restart, down)
            away = time.monotonic() - began
            during = len(received(telegram, count)) - before
            all_sent = lambda: {s for s, _ in reminder_rows(postgres_url)} == {"sent"}  # noqa: E731
            await until(all_sent, "every reminder recorded sent")
            await telegram.wait_idle(quiet=0.5, timeout=WAIT)
            await say(person, "/start")  # still answering
            alive = application.running and dispatch_job_scheduled(application)
        per_chat = received(telegram, count)
    rows = reminder_rows(postgres_url)
    print(
        f"\noutage: postgresql restarted after {before} of {count} reminders ({away:.1f} s, "
        f"{during} sent meanwhile): {len(per_chat)}/{count} delivered, duplicates "
        f"{per_chat.total() - len(per_chat)}; rows {dict(rows)}; bot alive {alive}"
    )
    assert alive
    assert per_chat == Counter(dict.fromkeys(range(FIRST_CHAT, FIRST_CHAT + count), 1))
    assert {status for status, _ in rows} == {"sent"} and rows.total() == count


class Relay:
    """A TCP relay between the bot and the fake server, on a fixed port, that can be cut.

    Cut, every open connection is dropped and the port refuses new ones, as when Telegram is
    unreachable; mended, it listens on the same port again.
    """

    def __init__(self, target_port: int) -> None:
        """Prepare a relay to 127.0.0.1:`target_port`; nothing listens until `mend()`."""
        self.target_port, self.port = target_port, 0
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._sockets: set[asyncio.StreamWriter] = set()

    @property
    def listening(self) -> bool:
        """Tell whether the relay accepts connections."""
        return self._server is not None

    @property
    def base_url(self) -> str:
        """PTB's base_url through the relay."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def mend(self) -> None:
        """Listen (again) on the relay's port."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Stop listening and drop every connection."""
        assert self._server is not None
        self._server.close()
        for writer in self._sockets:
            writer.transport.abort()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await self._server.wait_closed()
        self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Connect a new client to the fake server and copy bytes both ways until either closes."""
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._sockets |= {writer, up_writer}
        pipes = {
            asyncio.ensure_future(self._copy(reader, up_writer)),
            asyncio.ensure_future(self._copy(up_reader, writer)),
        }
        self._pipes |= pipes
        await asyncio.gather(*pipes, return_exceptions=True)
        self._pipes -= pipes
        self._sockets -= {writer, up_writer}
        for end in (writer, up_writer):
            end.transport.abort()

    @staticmethod
    async def _copy(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        """Copy bytes from one end to the other until end of stream."""
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
        sink.transport.abort()


@pytest.fixture
async def relay(telegram_server: FakeTelegram) -> AsyncIterator[Relay]:
    """A relay in front of the fake server, listening."""
    relay = Relay(telegram_server.port)
    await relay.mend()
    yield relay
    if relay.listening:
        await relay.cut()


@pytest.fixture
async def telegram_server() -> AsyncIterator[FakeTelegram]:
    """A strict fake Bot API server on 127.0.0.1."""
    async with FakeTelegram() as server:
        yield server


async def start_outage(kind: str, telegram: FakeTelegram, relay: Relay) -> None:
    """Make the Bot API unreachable (connection refused) or failing every call with 502."""
    if kind == "refused":
        await relay.cut()
    else:
        telegram.fail("*", status=502, times=1_000_000)


async def end_outage(kind: str, telegram: FakeTelegram, relay: Relay) -> None:
    """Bring the Bot API back."""
    if kind == "refused":
        await relay.mend()
    else:
        telegram.faults = Faults()


@pytest.mark.parametrize("kind", ["refused", "bad_gateway"])
async def test_bot_api_unreachable_for_a_while(
    kind: str, telegram_server: FakeTelegram, relay: Relay, tmp_path: Path
) -> None:
    """The Bot API refuses connections (or answers 502) while reminders fall due: once it is
    back, polling resumes (messages written during and after get replies) and each reminder is
    sent once, after its backoff."""
    telegram, count = telegram_server, 50
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    clock = ManualClock(START)
    config = settings(telegram, url, relay.base_url)
    seed(url, count, START + timedelta(hours=1))
    for offset in range(count):
        telegram.user(FIRST_CHAT + offset, language_code="en")
    during, after = (telegram.user(PERSON - n, language_code="en") for n in (0, 1))
    application = build_application(config, clock=clock)
    async with running(application, poll_timeout=1):
        await say(after, "/start")  # the bot is up
        began = time.monotonic()
        await start_outage(kind, telegram, relay)
        clock.advance(timedelta(hours=1, minutes=1))  # every reminder is due
        if kind == "bad_gateway":  # the long poll under way before the outage has ended
            await telegram.wait_until(lambda: failed_polls(telegram) > 0, WAIT)
        await during.send_text("/start")  # waits at Telegram until the bot polls again
        await until(lambda: reminder_rows(url) == {("pending", 1): count}, "tried during outage")
        await asyncio.sleep(max(0.0, OUTAGE - (time.monotonic() - began)))
        await end_outage(kind, telegram, relay)
        down = time.monotonic() - began
        await during.wait_for(lambda m: bool(m.buttons), timeout=WAIT)
        resumed = time.monotonic() - began - down
        await say(after, "/help")
        clock.advance(timedelta(seconds=31))  # past the first backoff (30 s)
        await telegram.wait_until(lambda: len(received(telegram, count)) == count, WAIT)
        await telegram.wait_idle(quiet=0.5, timeout=WAIT)
    per_chat = received(telegram, count)
    failed = sum(1 for call in telegram.calls("sendMessage") if call.status != 200)
    print(
        f"\noutage: Bot API {kind} for {down:.1f} s: polling answered {resumed:.1f} s after; "
        f"{count} reminders tried during it ({failed} failed calls reached the server), then "
        f"{len(per_chat)} delivered, duplicates {per_chat.total() - len(per_chat)}"
    )
    assert per_chat == Counter(dict.fromkeys(range(FIRST_CHAT, FIRST_CHAT + count), 1))
    assert reminder_rows(url) == Counter({("sent", 2): count})


def next_retry(url: str) -> datetime | None:
    """Return the earliest moment a pending reminder is to be tried again (None: none pending)."""
    reminders = Reminder.__table__  # type: ignore[attr-defined]
    pending = reminders.c.status == "pending"
    engine = create_sync_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            query = sa.select(sa.func.min(reminders.c.remind_at)).where(pending)
            found: datetime | None = connection.execute(query).scalar_one_or_none()
            return found
    finally:
        engine.dispose()


def tried_by(url: str, now: datetime) -> bool:
    """Tell whether every reminder due at `now` was tried: none is claimed or pending and due."""
    return "claimed" not in {s for s, _ in reminder_rows(url)} and (next_retry(url) or now) >= now


async def test_an_outage_longer_than_the_retry_schedule_loses_no_reminder(
    telegram_server: FakeTelegram, relay: Relay, tmp_path: Path
) -> None:
    """The Bot API stays unreachable for 20 minutes of the bot's clock (the relay is cut while the
    clock jumps to each retry: 30 s, 1, 2, 4, 8 min later): once it is back, the reminders that
    fell due during the outage are still sent, each once."""
    telegram, count, outage = telegram_server, 20, timedelta(minutes=20)
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    clock = ManualClock(START)
    config = settings(telegram, url, relay.base_url)
    seed(url, count, START + timedelta(hours=1))
    for offset in range(count):
        telegram.user(FIRST_CHAT + offset, language_code="en")
    application = build_application(config, clock=clock)
    async with running(application, poll_timeout=1):
        await relay.cut()
        clock.advance(timedelta(hours=1, minutes=1))  # every reminder is due
        ends = clock.now() + outage
        while (retry := await asyncio.to_thread(next_retry, url)) is not None and retry < ends:
            clock.set(max(clock.now(), retry + timedelta(seconds=1)))
            await until(lambda: tried_by(url, clock.now()), "the dispatcher tried again")
        clock.set(ends)
        await relay.mend()
        clock.advance(outage)  # any retry still planned is due by now
        settled = lambda: not {"pending", "claimed"} & {s for s, _ in reminder_rows(url)}  # noqa: E731
        await until(settled, "every reminder sent or given up")
        await telegram.wait_idle(quiet=0.5, timeout=WAIT)
    per_chat, rows = received(telegram, count), reminder_rows(url)
    print(
        f"\noutage: Bot API refused for {outage.total_seconds() / 60:.0f} min (bot's clock): "
        f"{len(per_chat)}/{count} reminders delivered after it; rows {dict(rows)}"
    )
    assert per_chat == Counter(dict.fromkeys(range(FIRST_CHAT, FIRST_CHAT + count), 1))


async def test_a_write_outage_longer_than_the_lease_sends_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Reminders are sent, then the database refuses the write that records them, long enough
    for their lease to end (the clock moves 10 minutes past it). When it is back, the rows sent
    are recorded before anything is claimed again: each person got their reminder once."""
    monkeypatch.setattr(dispatcher_module, "DB_PATIENCE", timedelta(seconds=0.5))
    count, path = 20, tmp_path / "bot.sqlite3"
    url = f"sqlite:///{path}"
    clock = ManualClock(START)
    async with FakeTelegram() as telegram:
        config = settings(telegram, url, dispatch_lease=60)
        seed(url, count, START + timedelta(hours=1))
        for offset in range(count):
            telegram.user(FIRST_CHAT + offset, language_code="en")
        telegram.delay("sendMessage", 1.0, times=count)  # the sends are on the wire a while
        application = build_application(config, clock=clock)
        async with running(application, poll_timeout=1):
            clock.advance(timedelta(hours=1, minutes=1))  # every reminder is due: claimed
            await asyncio.sleep(0.4)
            locker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            try:
                await asyncio.to_thread(locker.execute, "BEGIN EXCLUSIVE")  # before the record
                await asyncio.sleep(1.0 + 4 * BUSY_TIMEOUT)  # sent; recording them gives up
                clock.advance(timedelta(minutes=10))  # every lease has ended
                sent_during = len(received(telegram, count))
                await asyncio.to_thread(locker.execute, "ROLLBACK")
            finally:
                locker.close()
            await telegram.wait_until(lambda: len(received(telegram, count)) == count, WAIT)
            await telegram.wait_idle(quiet=1.0, timeout=WAIT)
        per_chat = received(telegram, count)
    failed = [r for r in caplog.records if "OperationalError" in r.getMessage()]
    assert sent_during == count, "the sends were meant to happen before the outage"
    assert failed, "recording never failed: the test proves nothing"
    assert per_chat == Counter(dict.fromkeys(range(FIRST_CHAT, FIRST_CHAT + count), 1))
    assert reminder_rows(url) == Counter({("sent", 1): count})
