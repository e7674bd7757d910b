"""Injected faults and flood limits, as PTB's exceptions see them."""

from __future__ import annotations

import datetime as dt

import pytest
import telegram
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.conftest import CHAT_ID


async def test_429_becomes_retry_after(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """An injected 429 carries parameters.retry_after; only the next call fails."""
    server.fail("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT_ID, "x")
    assert caught.value.retry_after == dt.timedelta(seconds=7)
    await bot.send_message(CHAT_ID, "x")
    assert server.protocol_errors == []  # injected faults are not the bot's mistakes


async def test_blocked_person_gives_forbidden(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """After block(), sends are 403; the bot is told by a my_chat_member update."""
    await user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT_ID, "rappel")
    updates = await bot.get_updates()
    assert updates[-1].my_chat_member.new_chat_member.status == "kicked"
    await user.unblock()
    await bot.send_message(CHAT_ID, "rappel")
    assert [m.text for m in user.messages] == ["rappel"]


async def test_server_errors_become_network_errors(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """500 (JSON) and 502 (nginx HTML) both surface as NetworkError; faults can target a chat."""
    server.fail("sendMessage", status=500, times=2, chat_id=CHAT_ID)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(CHAT_ID, "x")
    server.fail("*", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    server.fail("sendMessage", status=400, description="Bad Request: injected")
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT_ID, "x")
    assert server.protocol_errors == []


async def test_delay_makes_ptb_time_out_but_the_message_still_arrives(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """Like Telegram, a slow answer is still a sent message: retrying would duplicate it."""
    server.delay("sendMessage", 0.5)
    with pytest.raises(TimedOut):
        await bot.send_message(CHAT_ID, "lent", read_timeout=0.1)
    assert [m.text for m in await user.wait_for(1, timeout=3)] == ["lent"]


async def test_flood_limits_answer_429_when_enforced() -> None:
    """Per chat: a burst of 3, then one per second; the clock is the test's."""
    now = [1000.0]
    async with FakeTelegram(enforce_rate_limits=True, clock=lambda: now[0]) as server:
        server.user(CHAT_ID)
        async with telegram.Bot(server.token, base_url=server.base_url) as ptb_bot:
            for _ in range(3):
                await ptb_bot.send_message(CHAT_ID, "x")
            with pytest.raises(RetryAfter):
                await ptb_bot.send_message(CHAT_ID, "x")
            now[0] += 1.0
            await ptb_bot.send_message(CHAT_ID, "x")
    assert server.limiter.max_in_window(CHAT_ID) == 3
    assert len(server.limiter.sends[CHAT_ID]) == 4


async def test_global_flood_limit() -> None:
    """More than 30 sends in a second overall are refused, whatever the chats."""
    async with FakeTelegram(enforce_rate_limits=True, clock=lambda: 5.0) as server:
        for chat in range(1, 12):
            server.user(chat)
        async with telegram.Bot(server.token, base_url=server.base_url) as ptb_bot:
            for chat in range(1, 11):
                for _ in range(3):
                    await ptb_bot.send_message(chat, "x")
            with pytest.raises(RetryAfter):
                await ptb_bot.send_message(11, "x")
        assert server.limiter.max_in_window() == 30
