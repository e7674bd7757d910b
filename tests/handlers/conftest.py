"""The handler tier's fixtures: a migrated SQLite database and the offline application."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import build_application
from bot.clock import ManualClock
from bot.config import load_settings
from bot.db.migrate import upgrade_to_head
from tests.handlers.harness import Handlers
from tests.handlers.recording import TOKEN, RecordingRequest

# The end-to-end tests' day too (tests/e2e/conftest.py): Tuesday 3 March 2026, 10:00 in Paris.
START = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
# Never contacted: every call goes to the RecordingRequest.
API_BASE_URL = "http://bot-api.invalid/bot"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a SQLite file at the newest schema, migrated once per run (copied by each test)."""
    path = tmp_path_factory.mktemp("handlers") / "migrated.sqlite3"
    upgrade_to_head(f"sqlite:///{path}")
    return path


@pytest.fixture
async def bot(migrated_database: Path, tmp_path: Path) -> AsyncIterator[Handlers]:
    """The application with its real handlers and services, on a fresh copy of the database,
    talking to a RecordingRequest; stopped and its database closed after the test."""
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_database, path)
    url = f"sqlite:///{path}"
    settings = load_settings(
        env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=API_BASE_URL,
        database_url=url,
        telegram_global_rate=0,
        voice_notes=False,  # the same buttons whether or not a speech engine is installed
    )
    recorder = RecordingRequest()
    clock = ManualClock(START)
    application = build_application(settings, clock=clock, request=recorder)
    await application.initialize()
    try:
        assert application.post_init is not None
        await application.post_init(application)
        yield Handlers(application, recorder, clock, url)
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
    assert recorder.unknown == [], "the bot called methods the recorder does not answer"
    assert recorder.refused == [], "Telegram would have refused these calls"
