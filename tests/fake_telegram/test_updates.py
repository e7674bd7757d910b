"""Updates: long polling, conflicts, webhook delivery, and a real Application end to end."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
import telegram
from aiohttp import web
from telegram import Update
from telegram.error import Conflict
from telegram.ext import Application, CommandHandler, ContextTypes

from fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.conftest import CHAT_ID


async def test_long_poll_returns_a_pushed_update_promptly(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """A waiting getUpdates returns as soon as the person writes, not at its timeout."""
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await server.wait_until(lambda: len(server.calls("getUpdates")) == 1)
    await user.send_command("start", "ref42")
    async with asyncio.timeout(5):
        updates = await poll
    message = updates[0].message
    assert message.text == "/start ref42" and message.entities[0].type == "bot_command"
    assert message.from_user.language_code == "fr"


async def test_offset_confirms_updates(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """Updates stay until a getUpdates with a higher offset confirms them."""
    await user.send_text("un")
    await user.send_text("deux")
    first = await bot.get_updates()
    assert [u.message.text for u in await bot.get_updates()] == ["un", "deux"]
    rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in rest] == ["deux"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()


async def test_second_poller_terminates_the_first(server: FakeTelegram, user: FakeUser) -> None:
    """Two bot instances polling: the older getUpdates gets 409 Conflict."""
    async with (
        telegram.Bot(server.token, base_url=server.base_url) as first,
        telegram.Bot(server.token, base_url=server.base_url) as second,
    ):
        older = asyncio.create_task(first.get_updates(timeout=20))
        await server.wait_until(lambda: len(server.calls("getUpdates")) == 1)
        assert await second.get_updates() == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await older


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], Any]]]]:
    """Run a local webhook endpoint that fails its first POST, then accepts; yield URL and log."""
    received: list[tuple[dict[str, str], Any]] = []

    async def hook(request: web.Request) -> web.Response:
        """Record the POST; answer 500 the first time."""
        received.append((dict(request.headers), await request.json()))
        return web.Response(status=500 if len(received) == 1 else 200)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/hook", received
    finally:
        await runner.cleanup()


async def test_webhook_posts_updates_with_the_secret_header_and_retries(
    server: FakeTelegram,
    bot: telegram.Bot,
    user: FakeUser,
    receiver: tuple[str, list[tuple[dict[str, str], Any]]],
) -> None:
    """setWebhook switches to push delivery; a failed POST is retried; polling is refused."""
    url, received = receiver
    await bot.set_webhook(url, secret_token="s3cret-token")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await user.send_text("bonjour")
    await server.wait_until(lambda: len(server.webhook.deliveries) == 2)
    assert [d.status for d in server.webhook.deliveries] == [500, 200]
    headers, body = received[-1]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret-token"
    assert body["message"]["text"] == "bonjour"
    info = await bot.get_webhook_info()
    assert info.url == url and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500"
    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_webhook_must_stay_on_this_machine(bot: telegram.Bot) -> None:
    """The fake never sends traffic elsewhere."""
    with pytest.raises(telegram.error.BadRequest, match="loopback"):
        await bot.set_webhook("https://example.org/hook")


async def test_application_long_polling_answers_start(server: FakeTelegram) -> None:
    """The real Application polls over HTTP, runs a CommandHandler, and replies."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet the person, echoing the deep-link payload."""
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"<b>Bonjour</b> {' '.join(context.args or [])}")

    app = (
        Application.builder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    person = server.user(CHAT_ID, first_name="Amina")
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=5)
        await person.send_command("start", "ref42")
        reply = await person.wait_for(lambda m: m.text.startswith("Bonjour"))
        await person.send_command("start")
        await server.wait_idle()  # fetched, answered, then quiet
        assert [m.text for m in person.messages] == ["Bonjour ref42", "Bonjour"]
        await app.updater.stop()
        await app.stop()
    assert reply.text == "Bonjour ref42" and reply.parse_mode == "HTML"
    assert server.protocol_errors == []


async def test_wait_idle_fails_when_nobody_fetches_updates(
    server: FakeTelegram, user: FakeUser
) -> None:
    """Without a bot polling, pending updates keep the server from being idle."""
    await user.send_text("allô ?")
    with pytest.raises(AssertionError, match="1 updates pending"):
        await server.wait_idle(timeout=0.2)
