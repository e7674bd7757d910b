"""The real bot, over HTTP, against the local fake Bot API server, on a temporary database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application, running
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.context import BotApplication
from bot.db.migrate import upgrade_to_head
from bot.telegram_request import AiohttpRequest
from fake_telegram.server import FakeTelegram

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)


@dataclass
class Harness:
    """A running bot, its fake Telegram, its database URL and its clock."""

    telegram: FakeTelegram
    application: BotApplication
    database_url: str
    clock: ManualClock


def settings_for(telegram: FakeTelegram, database_url: str, **extra: object) -> Settings:
    """Settings aimed at the fake server and a migrated database; the dispatcher checks often."""
    upgrade_to_head(database_url)
    options: dict[str, object] = {"dispatch_interval": 0.1, "telegram_global_rate": 0, **extra}
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
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url)
    clock = ManualClock(START)
    # Short timeouts so an injected delay becomes a TimedOut quickly.
    request = AiohttpRequest(32, read_timeout=1.0, write_timeout=1.0)
    application = build_application(settings, clock=clock, request=request)
    async with running(application, poll_timeout=1):
        yield Harness(telegram, application, url, clock)
    assert telegram.protocol_errors == [], "the bot made malformed Bot API calls"
