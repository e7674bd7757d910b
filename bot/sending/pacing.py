"""Stay within Telegram's limits: a per-instance global budget, and one message per chat per second.

PTB's AIORateLimiter limits one process and has no per-private-chat limit. Here every call that
targets a chat takes a place in this instance's window (its share of the 30 messages/s Telegram
allows the token: 30 / BOT_INSTANCES), and calls marked `{"per_chat": True}` (reminders,
broadcasts) also wait for their chat's turn (one per second). Interactive replies are not slowed
per chat: a person who just pressed a button may get two or three messages at once, as Telegram
allows.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.scheduling.faults import retry_after


class Window:
    """At most `limit` calls in any `period`, as Telegram counts them on its side of the network.

    A call is counted from when it starts until `period` after it completed: Telegram received it
    somewhere in between. A call may start only while fewer than `limit` are counted. Then any
    `period`-long window at Telegram holds at most `limit` arrivals, whatever the network's and
    the event loop's delays, with no safety margin to tune: the rate is `limit` per `period` plus
    one round trip (29.8/s against a local server, about 27/s across a 100 ms round trip).
    Starts are also spaced `period / limit` apart, so the budget is spread, not spent in a burst.
    """

    def __init__(
        self, limit: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if limit < 1:
            raise ValueError("a window needs room for at least one call")
        self.limit, self.period, self.clock = limit, period, clock
        self.spacing = period / limit
        self._next_start = 0.0
        self._in_flight = 0
        self._done: deque[float] = deque()  # completion times, oldest first
        self._paused_until = 0.0
        self._changed = asyncio.Condition()

    def pause(self, seconds: float) -> None:
        """Start nothing for `seconds` (Telegram answered 429: the whole budget waits)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a place in the window for the duration of one call."""
        async with self._changed:
            while (wait := self._wait()) is not None:
                try:
                    await asyncio.wait_for(self._changed.wait(), wait if wait > 0 else None)
                except TimeoutError:
                    pass
            self._in_flight += 1
            # Timers wake late by a millisecond or so: the next start keeps to the plan, but
            # never comes sooner than half a spacing (no catch-up burst after a long stall).
            now = self.clock()
            self._next_start = max(self._next_start + self.spacing, now + self.spacing / 2)
        try:
            yield
        finally:
            async with self._changed:
                self._in_flight -= 1
                self._done.append(self.clock())
                self._changed.notify_all()

    def _wait(self) -> float | None:
        """Return None when a call may start now, else how long to wait (0: until one ends)."""
        now = self.clock()
        if now < self._paused_until:
            return self._paused_until - now
        if now < self._next_start:
            return self._next_start - now
        while self._done and self._done[0] <= now - self.period:
            self._done.popleft()
        if self._in_flight + len(self._done) < self.limit:
            return None
        if self._done:
            return self._done[0] + self.period - now
        return 0.0


class ChatWindow:
    """One call per chat per `period`, counted from when the chat's previous call completed."""

    def __init__(self, period: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.period, self.clock = period, clock
        self._free_at: dict[int | str, float] = {}
        self._turns: dict[int | str, tuple[asyncio.Lock, int]] = {}  # lock, calls using it

    @asynccontextmanager
    async def slot(self, chat_id: int | str) -> AsyncIterator[None]:
        """Wait for this chat's turn, and hold it for the duration of one call."""
        lock, users = self._turns.get(chat_id, (asyncio.Lock(), 0))
        self._turns[chat_id] = (lock, users + 1)
        try:
            async with lock:
                wait = self._free_at.get(chat_id, 0.0) - self.clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                try:
                    yield
                finally:
                    self._free_at[chat_id] = self.clock() + self.period
        finally:
            lock, users = self._turns[chat_id]
            if users == 1:
                del self._turns[chat_id]
            else:
                self._turns[chat_id] = (lock, users - 1)
            self._forget_old()

    def _forget_old(self) -> None:
        """Drop the chats whose turn is free again, once there are many."""
        if len(self._free_at) > 50_000:
            now = self.clock()
            self._free_at = {chat: at for chat, at in self._free_at.items() if at > now}


class SendRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """PTB rate limiter: this instance's window for calls to a chat, a chat window when asked."""

    def __init__(self, overall_rate: float | None, per_chat_period: float = 1.0):
        self.overall = Window(max(1, int(overall_rate))) if overall_rate else None
        self.per_chat = ChatWindow(per_chat_period) if per_chat_period else None

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
        """Wait for the places this call needs, then make it."""
        chat_id = data.get("chat_id")
        async with AsyncExitStack() as places:
            if chat_id is not None:
                if (
                    self.per_chat is not None
                    and rate_limit_args
                    and rate_limit_args.get("per_chat")
                ):
                    await places.enter_async_context(self.per_chat.slot(chat_id))
                if self.overall is not None:
                    await places.enter_async_context(self.overall.slot())
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                if self.overall is not None:
                    self.overall.pause(retry_after(error.retry_after).total_seconds())
                raise
