"""Fixtures: a started FakeTelegram, a real PTB Bot talking HTTP to it, a simulated person."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram

from fake_telegram import FakeTelegram, FakeUser

CHAT_ID = 42


@pytest.fixture(autouse=True)
def ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB's timedelta periods: PTB 22.8 warns on every RetryAfter otherwise."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    """Start a strict fake Bot API server on 127.0.0.1 and stop it after the test."""
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    """Return an initialised PTB Bot whose requests go to the fake server."""
    async with telegram.Bot(
        server.token, base_url=server.base_url, base_file_url=server.base_file_url
    ) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def user(server: FakeTelegram) -> FakeUser:
    """Return a person in a private chat with the bot."""
    return server.user(CHAT_ID, first_name="Amina")
