"""Bot instances for a benchmark: one polling on SQLite, or several on PostgreSQL behind a
round-robin proxy, as `compose.yaml` runs them (Caddy in front, webhooks, `BOT_INSTANCES`).

Telegram refuses two long-polling consumers of one token, so several instances take updates by
webhook: the fake Bot API posts each update to the proxy, which hands it to the next instance in
turn, as Caddy does. Every instance sends within its share of the 30 messages/s.
"""

from __future__ import annotations

import contextlib
import itertools
import secrets
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp import web

from bot.app import Webhook, build_application, running
from bot.config import load_settings

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def round_robin(ports: list[int]) -> AsyncIterator[str]:
    """Serve a proxy on 127.0.0.1 that passes each POST to the next port in turn; yield its
    URL. A refused or failed pass answers 502, so Telegram (the fake) posts the update again."""
    turn = itertools.cycle(ports)
    session = aiohttp.ClientSession()

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {SECRET_HEADER: request.headers.get(SECRET_HEADER, "")}
        headers["Content-Type"] = request.headers.get("Content-Type", "application/json")
        url = f"http://127.0.0.1:{next(turn)}{request.path}"
        try:
            async with session.post(url, data=body, headers=headers) as answer:
                return web.Response(status=answer.status, body=await answer.read())
        except aiohttp.ClientError:
            return web.Response(status=502)

    app = web.Application()
    app.router.add_post("/{tail:.*}", forward)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}/telegram"
    finally:
        await runner.cleanup()
        await session.close()


@contextlib.asynccontextmanager
async def bot_instances(count: int, **settings: Any) -> AsyncIterator[None]:
    """Run `count` instances of the bot with these settings: one long-polling instance, or
    `count` webhook instances behind a round-robin proxy, each with 1/count of the rate."""
    if count == 1:
        async with running(
            build_application(load_settings(env_file=None, **settings)), poll_timeout=1
        ):
            yield
        return
    ports = [free_port() for _ in range(count)]
    secret = secrets.token_urlsafe(24)
    peers = tuple(f"http://127.0.0.1:{port}/telegram" for port in ports)
    async with round_robin(ports) as url, contextlib.AsyncExitStack() as stack:
        for index, port in enumerate(ports):
            instance = load_settings(
                env_file=None,
                bot_instances=count,
                bot_peer_urls=peers,
                bot_instance_index=index,
                webhook_url=url,
                webhook_secret=secret,
                health_port=0,
                **settings,
            )
            hook = Webhook("127.0.0.1", port, url, secret, peers=peers, index=index)
            await stack.enter_async_context(running(build_application(instance), webhook=hook))
        yield
