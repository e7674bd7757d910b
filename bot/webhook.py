"""Receive Telegram's updates over HTTP (webhook mode), refusing strangers before reading them.

PTB's own webhook server (tornado) reads a request's whole body, up to 100 MB, before it looks at
the secret header: six 90 MB posts without the secret took the process from 126 MB to 1.3 GB.
This server checks `X-Telegram-Bot-Api-Secret-Token` from the headers first (in constant time)
and answers 403 without reading the body; a body over `max_body` (1 MB: an update is a few
kilobytes) is refused with 413. Accepted updates go to the application's update queue, exactly
as PTB's server would put them.

With several instances behind a round-robin proxy, each chat belongs to one instance (its id
modulo the number of instances, `peers` listing every instance's own webhook address in
BOT_INSTANCE_INDEX order): an update for another instance's chat is passed on to it, with the
same secret and a header that stops it going further. So a person's updates are handled in order
by one instance, whose flood limit and per-chat pacing see all of them; two instances never
answer one chat at once. When the owner does not answer, the update is handled here: it is
never lost.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus
from typing import Any

import aiohttp
from aiohttp import web
from telegram import Update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
PASSED_ON_HEADER = "X-Asylum-Bot-Passed-On"  # an update another instance passed on: handle it here
MAX_BODY = 1024 * 1024
PASS_ON_TIMEOUT = 5.0  # seconds to wait for the owner; past it the update is handled here


class WebhookServer:
    """An aiohttp server posting Telegram's updates to an application's update queue."""

    def __init__(
        self,
        application: Any,
        listen: str,
        port: int,
        path: str,
        secret: str,
        max_body: int = MAX_BODY,
        peers: tuple[str, ...] = (),
        index: int = 0,
    ) -> None:
        self.application, self.listen, self.port = application, listen, port
        self.path = "/" + path.lstrip("/")
        self.secret, self.max_body = secret.encode(), max_body
        self.peers, self.index = peers, index
        self.passed_on = 0  # updates handed to the instance that owns their chat
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    @property
    def running(self) -> bool:
        """Tell whether the server is listening."""
        return self._runner is not None

    async def start(self) -> None:
        """Listen on `listen:port`."""
        app = web.Application(client_max_size=self.max_body)
        app.router.add_post(self.path, self._receive)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self.listen, self.port).start()
        self._runner = runner
        log.info("webhook listening on %s:%s", self.listen, self.port)

    async def stop(self) -> None:
        """Stop listening (updates already queued are handled by the application)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _receive(self, request: web.Request) -> web.Response:
        """Check the secret from the headers, then read, parse and queue the update."""
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=HTTPStatus.FORBIDDEN)  # the body is never read
        if request.content_length is not None and request.content_length > self.max_body:
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        try:
            body = await request.read()  # aiohttp stops at client_max_size (413)
            data = json.loads(body)
            update = Update.de_json(data, self.application.bot)
        except web.HTTPRequestEntityTooLarge:
            return web.Response(status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            log.warning("webhook: an update that could not be read (%s)", type(error).__name__)
            return web.Response(status=HTTPStatus.BAD_REQUEST)
        if update is None:
            return web.Response(status=HTTPStatus.OK)
        owner = self._owner(update)
        passed_on = PASSED_ON_HEADER in request.headers
        if owner is not None and not passed_on and await self._pass_on(owner, body):
            return web.Response(status=HTTPStatus.OK)
        await self.application.update_queue.put(update)
        return web.Response(status=HTTPStatus.OK)

    def _owner(self, update: Update) -> str | None:
        """Return the address of the instance that owns the update's chat, if not this one."""
        chat = update.effective_chat
        if len(self.peers) < 2 or chat is None:
            return None
        owner = chat.id % len(self.peers)
        return None if owner == self.index else self.peers[owner]

    async def _pass_on(self, owner: str, body: bytes) -> bool:
        """Post the update to its chat's instance; tell whether that instance took it."""
        if self._client is None:
            self._client = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=PASS_ON_TIMEOUT)
            )
        headers = {
            SECRET_HEADER: self.secret.decode(),
            PASSED_ON_HEADER: "1",
            "Content-Type": "application/json",
        }
        try:
            async with self._client.post(owner, data=body, headers=headers) as answer:
                taken = answer.status == HTTPStatus.OK
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("webhook: the owner of a chat did not answer (%s)", type(error).__name__)
            return False
        if taken:
            self.passed_on += 1
        else:
            log.warning("webhook: the owner of a chat refused an update (%s)", answer.status)
        return taken
