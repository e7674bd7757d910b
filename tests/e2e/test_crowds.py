"""Many people at once, one person hammering, Telegram answering 429: what each person sees."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_application
from bot.clock import ManualClock
from bot.update_processor import PerChatUpdateProcessor
from fake_telegram import FakeTelegram
from tests.e2e.conftest import START, Harness, running, settings_for

SLOW_DOWN = "You sent many messages at once"


@pytest.fixture
async def crowd_bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with a flood limit a test can reach: 5 updates per chat in 60 s."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url, flood_updates=5, flood_seconds=60)
    clock = ManualClock(START)
    application = build_application(settings, clock=clock)
    async with running(application, poll_timeout=1):
        yield Harness(telegram, application, url, clock)
    assert telegram.protocol_errors == [], "the bot made malformed Bot API calls"


def _texts(user: object) -> list[str]:
    return [m.text or "" for m in user.messages]  # type: ignore[attr-defined]


async def test_a_reply_refused_with_429_arrives_late_without_an_apology(bot: Harness) -> None:
    """Telegram's flood control on a reply is waited out: the person gets the answer, a second
    later, and no "Sorry, something went wrong"."""
    user = bot.telegram.user(3001, language_code="en")
    bot.telegram.fail("sendMessage", status=429, retry_after=1, chat_id=user.chat_id)
    await user.send_text("/start")
    await user.wait_for(lambda m: bool(m.buttons), timeout=10)
    assert not any("Sorry" in text for text in _texts(user))
    assert len(bot.telegram.calls("sendMessage")) >= 2  # refused once, then sent


async def test_a_person_hammering_is_told_once_and_nobody_else_waits(
    crowd_bot: Harness,
) -> None:
    """Fifteen messages at once from one person: five are answered, the rest are dropped with
    one calm request to slow down; a second person's /start is answered meanwhile."""
    bot = crowd_bot
    flooder = bot.telegram.user(3002, language_code="en")
    other = bot.telegram.user(3003, language_code="en")
    for number in range(15):
        await flooder.send_text(f"hello {number}")
    await other.send_text("/start")
    await other.wait_for(lambda m: bool(m.buttons), timeout=10)
    processor = bot.application.update_processor
    assert isinstance(processor, PerChatUpdateProcessor)
    await bot.telegram.wait_until(lambda: processor.dropped == 10, timeout=10)
    await flooder.wait_for(lambda m: SLOW_DOWN in (m.text or ""))
    await asyncio.sleep(0.3)  # nothing more comes for the dropped ones
    assert sum(SLOW_DOWN in text for text in _texts(flooder)) == 1
    assert not any(SLOW_DOWN in text for text in _texts(other))


async def test_the_slow_down_request_is_in_the_persons_language(crowd_bot: Harness) -> None:
    """A French speaker is asked in French."""
    flooder = crowd_bot.telegram.user(3004, language_code="fr")
    for number in range(8):
        await flooder.send_text(f"bonjour {number}")
    message = await flooder.wait_for(lambda m: "beaucoup de messages" in (m.text or ""))
    assert message.text.startswith("Vous avez envoyé beaucoup de messages d'un coup")


async def test_a_crowd_is_answered_each_in_order(crowd_bot: Harness) -> None:
    """Thirty people send /start then /help at the same moment: everyone gets both answers,
    the welcome before the help."""
    bot = crowd_bot
    users = [bot.telegram.user(3100 + n, language_code="en") for n in range(30)]
    for user in users:
        await user.send_text("/start")
        await user.send_text("/help")
    for user in users:
        await bot.answered(user, timeout=20)
    for user in users:
        welcome = next(i for i, m in enumerate(user.messages) if m.buttons)
        helped = [i for i, m in enumerate(user.messages) if "/delete" in (m.text or "")]
        assert helped and welcome < helped[0], _texts(user)
