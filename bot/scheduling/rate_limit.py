"""Stay within Telegram's limits: a per-instance global budget, and one message per chat per second.

PTB's AIORateLimiter limits one process and has no per-private-chat limit. Here every call that
targets a chat takes a slot of this instance's share of the global budget (30 messages/s split
between the instances that share the token), and calls marked `{"per_chat": True}` (reminders,
broadcasts) also wait for their chat's slot. Interactive replies are not slowed per chat: a person
who just pressed a button may get two or three messages at once, as Telegram allows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

# Margins: timers jitter by a few milliseconds, and Telegram counts on its side of the network.
PER_CHAT_INTERVAL = 1.1
GLOBAL_MARGIN = 0.9


class Pace:
    """Spaces events evenly at a rate: never more than `rate` per second, no bursts."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate
        self.clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    def pause(self, seconds: float) -> None:
        """Give no slot for `seconds` (Telegram answered 429: the whole budget waits)."""
        self._next = max(self._next, self.clock() + seconds)

    async def take(self) -> None:
        """Wait for the next slot.

        The next slot counts from when this one was actually given, not from when it was
        planned: a late wake-up never lets the following calls catch up in a burst.
        """
        async with self._lock:
            wait = self._next - self.clock()
            if wait > 0:
                await asyncio.sleep(wait)
            self._next = self.clock() + self.interval


class ChatPace:
    """One slot per chat every `interval` seconds."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self.clock = clock
        self._next: dict[int | str, float] = {}

    async def take(self, chat_id: int | str) -> None:
        """Wait for this chat's next slot."""
        now = self.clock()
        slot = max(now, self._next.get(chat_id, 0.0))
        self._next[chat_id] = slot + self.interval
        if len(self._next) > 50_000:
            self._next = {chat: at for chat, at in self._next.items() if at > now}
        if slot > now:
            await asyncio.sleep(slot - now)


class SendRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """PTB rate limiter: global pace for calls to a chat, per-chat pace when asked."""

    def __init__(self, overall_rate: float | None, per_chat_interval: float = PER_CHAT_INTERVAL):
        self.overall = Pace(overall_rate * GLOBAL_MARGIN) if overall_rate else None
        self.per_chat = ChatPace(per_chat_interval) if per_chat_interval else None

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> Any:
        """Wait for the slots this call needs, then make it."""
        chat_id = data.get("chat_id")
        if chat_id is not None:
            if self.per_chat is not None and rate_limit_args and rate_limit_args.get("per_chat"):
                await self.per_chat.take(chat_id)
            if self.overall is not None:
                await self.overall.take()
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as error:
            if self.overall is not None:
                self.overall.pause(_seconds(error.retry_after))
            raise


def _seconds(value: object) -> float:
    """Return retry_after in seconds (PTB gives an int or a timedelta)."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]
