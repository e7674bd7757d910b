"""Webhook mode: POST each pending update to the bot's URL, retrying until it answers 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from fake_telegram.errors import bad_request
from fake_telegram.state import Signal
from fake_telegram.updates import UpdateQueue

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_LOCAL_NAMES = {"localhost"}


@dataclass(frozen=True)
class Delivery:
    """One POST attempt to the webhook: the update, and the HTTP status or the error."""

    update_id: int
    status: int | None
    error: str | None


def check_webhook_url(url: str) -> None:
    """Accept only http(s) URLs on this machine: the fake never sends traffic elsewhere."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: Failed to resolve host: Name or service not known")
    host = parts.hostname
    if host in _LOCAL_NAMES:
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise bad_request("bad webhook: the fake Bot API only delivers to loopback addresses")


class WebhookSender:
    """Deliver updates one at a time, in order, to the URL set by setWebhook."""

    def __init__(self, queue: UpdateQueue, *, retry_delay: float, changed: Signal) -> None:
        """Deliver from `queue`; failed attempts wait `retry_delay`, doubling up to 1 s.

        `changed` fires after each attempt, so tests can wait for deliveries.
        """
        self.queue = queue
        self.changed = changed
        self.retry_delay = retry_delay
        self.url = ""
        self.secret_token: str | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.deliveries: list[Delivery] = []
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None

    def set(self, url: str, *, secret_token: str | None, max_connections: int | None) -> None:
        """Start delivering to `url` (an empty URL removes the webhook)."""
        self.url = url
        self.secret_token = secret_token
        self.max_connections = max_connections or 40
        if url and self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())
        self.queue.arrived.fire()

    async def clear(self) -> None:
        """Stop delivering and forget the URL."""
        self.url = ""
        await self._stop_task()

    async def close(self) -> None:
        """Stop the delivery task and close the HTTP client."""
        await self._stop_task()
        if self._session is not None:
            await self._session.close()
            self._session = None

    def info(self) -> dict[str, Any]:
        """Render WebhookInfo."""
        info: dict[str, Any] = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.queue.pending()),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.queue.allowed_updates is not None:
                info["allowed_updates"] = sorted(self.queue.allowed_updates)
        if self.last_error_date is not None:
            info.update(
                last_error_date=self.last_error_date, last_error_message=self.last_error_message
            )
        return info

    async def _stop_task(self) -> None:
        """Cancel the delivery task and wait for it to end."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        """Deliver the oldest pending update until it succeeds, then the next, forever."""
        failures = 0
        while self.url:
            pending = self.queue.pending()
            if not pending:
                await self.queue.arrived.wait()
                continue
            if await self._post(pending[0]):
                self.queue.remove(pending[0]["update_id"])
                failures = 0
            else:
                await asyncio.sleep(min(self.retry_delay * 2**failures, 1.0))
                failures += 1

    async def _post(self, update: dict[str, Any]) -> bool:
        """POST one update; return whether the bot accepted it (any 2xx)."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        headers = {SECRET_HEADER: self.secret_token} if self.secret_token else {}
        status, error = None, None
        try:
            async with self._session.post(self.url, json=update, headers=headers) as response:
                status = response.status
                await response.read()
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        self.deliveries.append(Delivery(update["update_id"], status, error))
        self.changed.fire()
        if status is not None and 200 <= status < 300:
            return True
        self.last_error_date = int(time.time())
        self.last_error_message = error or f"Wrong response from the webhook: {status}"
        return False
