"""The operator's view of a running bot: GET /healthz and `python -m bot health` against it."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp
import pytest

from bot.app import build_application, running
from bot.cli import main
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import START, settings_for


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def get_health(port: int) -> tuple[int, dict[str, object]]:
    """GET /healthz and return (status, JSON body)."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
            return response.status, await response.json()


async def test_health_endpoint_and_command_follow_the_bot(
    telegram: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Healthy while it polls and dispatches; 503 (and exit 1) once it stops taking updates;
    exit 1 when nothing listens at all. The body holds states, never a person's data."""
    port = free_port()
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url, health_port=port)
    monkeypatch.setenv("HEALTH_PORT", str(port))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    application = build_application(settings, clock=ManualClock(START), health=True)
    async with running(application, poll_timeout=1):
        liveness = application.bot_data.liveness
        for _ in range(100):
            if liveness.last_dispatch is not None:
                break
            await asyncio.sleep(0.05)
        status, body = await get_health(port)
        assert status == 200, body
        assert body["status"] == "ok" and body["database"] == "ok"
        assert body["receiving_updates"] is True
        assert await asyncio.to_thread(main, ["health"]) == 0

        updater = application.updater
        assert updater is not None
        await updater.stop()
        status, body = await get_health(port)
        assert status == 503 and body["receiving_updates"] is False
        assert await asyncio.to_thread(main, ["health"]) == 1
    assert await asyncio.to_thread(main, ["health"]) == 1  # the bot is gone: nothing answers
