"""Webhook mode: Telegram posts updates with a secret header; anything without it is refused."""

from __future__ import annotations

import socket
from pathlib import Path

import aiohttp

from bot.app import Webhook, build_application, running
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import START, settings_for
from tests.e2e.journeys import press, say

SECRET = "s3cret-token-for-the-webhook-0123"


def _free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_journey_over_webhook_and_forged_posts_refused(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """The bot registers its webhook with the secret; updates flow; a post without it gets 403."""
    settings = settings_for(telegram, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    port = _free_port()
    hook = Webhook("127.0.0.1", port, f"http://127.0.0.1:{port}/telegram-updates", SECRET)
    user = telegram.user(6001, language_code="en")
    async with running(build_application(settings, clock=ManualClock(START)), webhook=hook):
        registered = telegram.calls("setWebhook")[-1].params
        assert registered["url"] == hook.url and registered["secret_token"] == SECRET
        await say(user, "/start")
        await press(user, "English")
        await press(user, "I agree")
        await user.wait_for(lambda m: "Where are you now" in (m.text or ""))
        forged = {
            "update_id": 999,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 6001, "type": "private"},
                "text": "/delete",
            },
        }
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-000000"}):
                async with http.post(hook.url, json=forged, headers=headers) as response:
                    assert response.status == 403
        assert not any("Erase everything" in (m.text or "") for m in user.messages)
    assert telegram.protocol_errors == []
