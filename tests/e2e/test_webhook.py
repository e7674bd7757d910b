"""Webhook mode: Telegram posts updates with a secret header; anything without it is refused."""

from __future__ import annotations

import asyncio
import contextlib
import io
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.app import Webhook, build_application, running
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import START, settings_for
from tests.e2e.journeys import press, say
from tests.e2e.test_cli_errors import environment

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


@pytest.mark.processes
@pytest.mark.slow
async def test_the_running_bot_refuses_strangers_before_reading_their_posts(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """`python -m bot run --webhook` as a process: 20 MB posted without the secret are refused
    from the headers (403, the process does not grow by their size), a body over 1 MB with the
    secret gets 413, an update with it is answered; SIGTERM stops the bot cleanly."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    env = environment(tmp_path, telegram.base_url, token=telegram.token)
    env.update(WEBHOOK_URL=url, WEBHOOK_SECRET=SECRET, WEBHOOK_LISTEN="127.0.0.1")
    env["WEBHOOK_PORT"] = str(port)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "--webhook",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await telegram.wait_until(lambda: bool(telegram.calls("setWebhook")), timeout=60)
        before = _rss_kb(process.pid)
        huge = b"{" + b" " * (20 * 1024 * 1024) + b"}"
        user = telegram.user(6002, language_code="en")
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 6002, "type": "private", "first_name": "A"},
                "from": {"id": 6002, "is_bot": False, "first_name": "A", "language_code": "en"},
                "text": "/start",
                "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
            },
        }
        async with aiohttp.ClientSession() as http:
            for _ in range(3):
                with contextlib.suppress(aiohttp.ClientError):  # refused before it is all sent
                    async with http.post(url, data=io.BytesIO(huge)) as response:
                        assert response.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            big = b"{" + b" " * (2 * 1024 * 1024) + b"}"
            with contextlib.suppress(aiohttp.ClientError):
                async with http.post(url, data=io.BytesIO(big), headers=headers) as response:
                    assert response.status == 413
            async with http.post(url, json=update, headers=headers) as response:
                assert response.status == 200
        await user.wait_for(lambda m: bool(m.buttons), timeout=30)
        assert _rss_kb(process.pid) - before < 20 * 1024  # 60 MB posted, far less kept
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, stderr.decode()
        assert b"Traceback" not in stderr
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def _rss_kb(pid: int) -> int:
    """Return a process's resident memory in kB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")
