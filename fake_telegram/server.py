"""FakeTelegram: a local, strict Bot API server on 127.0.0.1 for tests and the demo.

PTB talks real HTTP to it: ``Application.builder().token(server.token)
.base_url(server.base_url).base_file_url(server.base_file_url)``. Tests drive simulated people
with ``server.user(chat_id)`` and inject faults with ``server.fail(...)`` and ``server.delay(...)``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from fake_telegram import dispatch, transport
from fake_telegram.checks import CHECKS
from fake_telegram.dispatch import ProtocolError, RecordedRequest
from fake_telegram.errors import ApiError
from fake_telegram.faults import Faults
from fake_telegram.ratelimit import RateLimiter
from fake_telegram.spec import load_spec
from fake_telegram.state import CallbackAnswer, Person, SentDocument, State
from fake_telegram.updates import UpdateQueue
from fake_telegram.users import FakeUser, make_user
from fake_telegram.validate import Validator
from fake_telegram.webhook import WebhookSender

DEFAULT_TOKEN = "123456789:FAKE-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
_TOKEN = re.compile(r"^\d+:[\w-]+$")
_HOST = "127.0.0.1"


class FakeTelegram:
    """A Bot API server for one bot token, with simulated people and injectable faults."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        strict: bool = True,
        enforce_rate_limits: bool = False,
        clock: Callable[[], float] = time.monotonic,
        bot_username: str = "asile_rappels_test_bot",
        bot_first_name: str = "Asile Rappels (test)",
        webhook_retry_delay: float = 0.05,
    ) -> None:
        """Prepare the server; `strict` refuses unknown parameters, typos included."""
        if not _TOKEN.match(token):
            raise ValueError("a bot token looks like 123456:ABC-def")
        self.token = token
        self.spec = load_spec()
        self.state = State(bot=Person(int(token.split(":")[0]), bot_first_name, None, bot_username))
        self.queue = UpdateQueue()
        self.webhook = WebhookSender(
            self.queue, retry_delay=webhook_retry_delay, changed=self.state.changed
        )
        self.limiter = RateLimiter(clock=clock, enforce=enforce_rate_limits)
        self.faults = Faults()
        self.validator = Validator(self.spec, strict=strict, checks=CHECKS)
        self.requests: list[RecordedRequest] = []
        self.protocol_errors: list[ProtocolError] = []
        self.unhandled: list[str] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing: asyncio.Event | None = None
        self._busy = 0  # calls being handled, long polls aside

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> Self:
        """Listen on 127.0.0.1, on a free port."""
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=transport.MAX_REQUEST_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self._on_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._on_file)
        app.router.add_route("*", "/{tail:.*}", self._on_unknown)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, _HOST, 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Release long polls and delays, stop webhook deliveries and close the socket."""
        if self._runner is None:
            return
        assert self._closing is not None
        self._closing.set()
        self.queue.close()
        await self.webhook.close()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        """Start the server."""
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Stop the server."""
        await self.stop()

    # -- addresses ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port (once started)."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """PTB's base_url: it appends the token, then "/method"."""
        return f"http://{_HOST}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB's base_file_url: it appends the token, then "/file_path"."""
        return f"http://{_HOST}:{self.port}/file/bot"

    # -- driving it from tests ---------------------------------------------------------------

    def user(
        self,
        chat_id: int,
        *,
        first_name: str = "Test",
        language_code: str | None = "fr",
        last_name: str | None = None,
        username: str | None = None,
        user_id: int | None = None,
        chat_type: str | None = None,
        title: str | None = None,
        chat_username: str | None = None,
    ) -> FakeUser:
        """Return the simulated person of a chat, creating both on first use.

        chat_id > 0 is a private chat with user `chat_id`; -100... a supergroup, other negative
        ids a group (or pass `chat_type`, e.g. "channel"); in groups the person gets `user_id`
        (or a generated one).
        """
        return make_user(
            self,
            chat_id,
            first_name=first_name,
            language_code=language_code,
            last_name=last_name,
            username=username,
            user_id=user_id,
            chat_type=chat_type,
            title=title,
            chat_username=chat_username,
        )

    def fail(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next `times` calls of `method` ("*": any) fail with `status`."""
        self.faults.fail(
            method,
            status=status,
            retry_after=retry_after,
            description=description,
            times=times,
            chat_id=chat_id,
        )

    def delay(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next `times` calls of `method` for `seconds` (they still happen after)."""
        self.faults.delay(method, seconds, times)

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update, e.g. ("message", {...}), for getUpdates or the webhook."""
        return self.queue.push(kind, payload)

    def calls(self, method: str) -> list[RecordedRequest]:
        """Return the recorded calls of one method (any letter case)."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def commands(
        self, *, language_code: str = "", scope: tuple[Any, ...] = ("default",)
    ) -> list[dict[str, Any]]:
        """Return the commands set for a scope key and language, as getMyCommands would."""
        return list(self.state.commands.get((scope, language_code), []))

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until `predicate()` holds, re-checking after every call the bot makes."""
        try:
            async with asyncio.timeout(timeout):
                while not predicate():
                    await self.state.changed.wait()
        except TimeoutError:
            raise AssertionError(f"condition still false after {timeout} s") from None

    async def wait_idle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:
        """Wait until the bot has fetched every update, has no call in progress (long polls
        aside) and has made no call for `quiet` seconds: it has finished answering."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    if self._busy or self.queue.pending():
                        await self.state.changed.wait()
                        continue
                    try:
                        async with asyncio.timeout(quiet):
                            await self.state.changed.wait()
                    except TimeoutError:
                        return
        except TimeoutError:
            raise AssertionError(
                f"the bot was still busy after {timeout} s "
                f"({self._busy} calls in progress, {len(self.queue.pending())} updates pending)"
            ) from None

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery accepted, in order."""
        return self.state.callback_answers

    @property
    def documents(self) -> list[SentDocument]:
        """Every document the bot sent, in order."""
        return self.state.documents

    async def sleep(self, seconds: float) -> None:
        """Sleep, but wake up at once when the server stops."""
        assert self._closing is not None
        try:
            await asyncio.wait_for(self._closing.wait(), seconds)
        except TimeoutError:
            pass

    # -- HTTP ----------------------------------------------------------------------------------

    async def _on_method(self, request: web.Request) -> web.Response:
        """Answer /bot<token>/<method> like Telegram."""
        token, name = request.match_info["token"], request.match_info["method"]
        if token != self.token:
            return transport.error(
                ApiError(401, "Unauthorized") if _TOKEN.match(token) else ApiError(404, "Not Found")
            )
        entry = self.spec.method(name)
        if entry is None:
            self.protocol_errors.append(ProtocolError(name, {}, 404, "Not Found"))
            return transport.error(ApiError(404, "Not Found"))
        try:
            params, uploads = await transport.read_params(request)
        except ApiError as exc:
            self.protocol_errors.append(ProtocolError(entry.name, {}, exc.status, exc.description))
            return transport.error(exc)
        record = RecordedRequest(entry.name, params, uploads, time.time(), request.method)
        self.requests.append(record)
        self.state.changed.fire()
        busy = entry.name != "getUpdates"
        self._busy += busy
        try:
            result = await dispatch.call(self, entry, record)
        except ApiError as exc:
            record.status = exc.status
            if exc.status == 400 and not exc.injected:
                self.protocol_errors.append(
                    ProtocolError(entry.name, dict(params), exc.status, exc.description)
                )
            return transport.error(exc)
        else:
            record.status = 200
            return transport.ok(result)
        finally:
            self._busy -= busy
            self.state.changed.fire()  # wake wait_for / wait_until after every call

    async def _on_file(self, request: web.Request) -> web.StreamResponse:
        """Serve a file's bytes at base_file_url + token + "/" + file_path."""
        path = request.match_info["path"]
        stored = next((f for f in self.state.files.values() if f.path == path), None)
        if request.match_info["token"] != self.token or stored is None or stored.data is None:
            return transport.error(ApiError(404, "Not Found"))
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _on_unknown(self, request: web.Request) -> web.Response:
        """Answer any other path like Telegram: 404 in JSON."""
        return transport.error(ApiError(404, "Not Found"))
