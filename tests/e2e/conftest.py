"""The real bot, over HTTP, against the local fake Bot API server, on a temporary database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import build_application, running
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.context import BotApplication, BotContext
from bot.db.migrate import upgrade_to_head
from bot.scheduling.dispatcher import DispatchReport
from bot.sending.request import AiohttpRequest
from fake_telegram.server import FakeTelegram
from fake_telegram.users import FakeUser

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)


class HandledUpdates:
    """The updates the application has finished handling, seen by a handler of its own in the
    last group: PTB runs the groups of an update one after the other, so when this one runs,
    every handler of the bot has returned, and every message it sent has reached the server."""

    GROUP = 1_000

    def __init__(self, application: BotApplication) -> None:
        self.messages: set[tuple[int, int]] = set()  # (chat id, message id)
        self.queries: set[str] = set()  # callback query ids
        self.changed = asyncio.Condition()
        application.add_handler(TypeHandler(Update, self._record), group=self.GROUP)

    async def _record(self, update: Update, _context: BotContext) -> None:
        if update.message is not None:
            self.messages.add((update.message.chat_id, update.message.message_id))
        if update.callback_query is not None:
            self.queries.add(update.callback_query.id)
        async with self.changed:
            self.changed.notify_all()


@dataclass
class Harness:
    """A running bot, its fake Telegram, its database URL and its clock."""

    telegram: FakeTelegram
    application: BotApplication
    database_url: str
    clock: ManualClock
    handled: HandledUpdates = field(init=False)

    def __post_init__(self) -> None:
        self.handled = HandledUpdates(self.application)

    async def dispatch_pass(self) -> DispatchReport:
        """Run a reminder dispatcher pass now; see `dispatch_pass`."""
        return await dispatch_pass(self.application)

    async def answered(self, user: FakeUser, timeout: float = 5.0) -> None:
        """Wait until the bot has finished handling everything `user` sent so far (texts and
        presses): its answers are all there, however many messages they take."""

        def done() -> bool:
            sent = {m.message_id for m in user.chat.messages.values() if not m.from_bot}
            pressed = {
                q.id
                for q in user.server.state.callback_queries.values()
                if q.chat_id == user.chat_id
            }
            return {(user.chat_id, i) for i in sent} <= self.handled.messages and (
                pressed <= self.handled.queries
            )

        try:
            async with asyncio.timeout(timeout), self.handled.changed:
                await self.handled.changed.wait_for(done)
        except TimeoutError:
            raise AssertionError(
                f"chat {user.chat_id}: still not answered after {timeout} s"
            ) from None


async def dispatch_pass(application: BotApplication) -> DispatchReport:
    """Run one pass of the application's reminder dispatcher and return what it did.

    The pass starts now, so after the caller's last clock change; the dispatcher's lock makes it
    wait for the pass of the job that may be running. When it returns, everything due at the
    clock's time has been sent (by this pass or an earlier one): nothing more will come until the
    clock moves. Its report counts what this pass itself sent (`sent == 0`: nothing was due).
    """
    dispatcher = application.bot_data.dispatcher
    assert dispatcher is not None, "the dispatcher is built in post_init"
    return await dispatcher.run_once()


def settings_for(telegram: FakeTelegram, database_url: str, **extra: object) -> Settings:
    """Settings aimed at the fake server and a migrated database; the dispatcher checks often.

    No flood limit by default: a test's person answers in milliseconds, far faster than anyone
    types, and would be held back as a flood. tests/e2e/test_crowds.py sets one. Every count is
    shown to staff (COUNT_THRESHOLD 1), for journeys with one to three followers.
    """
    upgrade_to_head(database_url)
    options: dict[str, object] = {
        "dispatch_interval": 0.1,
        "telegram_global_rate": 0,
        "flood_updates": 0,
        # Journeys with one to three followers; tests/e2e/test_disclosure.py keeps the default.
        "count_threshold": 1,
        # The same buttons whether or not this machine has a speech engine: tests/e2e/test_listen.py
        # turns voice notes on.
        "voice_notes": False,
        **extra,
    }
    return load_settings(
        env_file=None,
        telegram_bot_token=telegram.token,
        telegram_api_base_url=telegram.base_url,
        database_url=database_url,
        **options,
    )


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """A strict fake Bot API server on 127.0.0.1."""
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    """The real application polling the fake server, with a clock set to 3 March 2026."""
    async with harness(telegram, tmp_path) as running_bot:
        yield running_bot


@asynccontextmanager
async def harness(
    telegram: FakeTelegram, tmp_path: Path, timeout: float = 1.0, **extra: object
) -> AsyncIterator[Harness]:
    """Run the application on a database in `tmp_path` with settings_for(..., **extra); check
    after that it made no malformed Bot API call. Short timeouts (`timeout` seconds) so that an
    injected delay becomes a TimedOut quickly."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url, **extra)
    clock = ManualClock(START)
    request = AiohttpRequest(32, read_timeout=timeout, write_timeout=timeout)
    application = build_application(settings, clock=clock, request=request)
    async with running(application, poll_timeout=1):
        yield Harness(telegram, application, url, clock)
    assert telegram.protocol_errors == [], "the bot made malformed Bot API calls"
