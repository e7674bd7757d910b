"""Per-chat pacing, as Telegram asks of bots in private chats: answers in a short burst then one
per second (ChatBucket), bulk calls one per second (ChatWindow: a bucket of one)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


class ChatBucket:
    """Per chat, `burst` calls at once, then one per `period`: a token bucket per chat whose
    refill counts from when each call completed (Telegram counts the message when it arrives)."""

    def __init__(
        self, burst: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.period, self.clock = float(burst), period, clock
        self._buckets: dict[int | str, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._turns: dict[int | str, tuple[asyncio.Lock, int]] = {}  # lock, calls using it

    @asynccontextmanager
    async def slot(self, chat_id: int | str) -> AsyncIterator[None]:
        """Wait until the chat has a token and hold it for one call (a chat's calls in order)."""
        lock, users = self._turns.get(chat_id, (asyncio.Lock(), 0))
        self._turns[chat_id] = (lock, users + 1)
        try:
            async with lock:
                tokens = self._tokens(chat_id)
                if tokens < 1.0:
                    await asyncio.sleep((1.0 - tokens) * self.period)
                    tokens = self._tokens(chat_id)
                try:
                    yield
                finally:
                    self._buckets[chat_id] = (tokens - 1.0, self.clock())
        finally:
            lock, users = self._turns[chat_id]
            if users == 1:
                del self._turns[chat_id]
            else:
                self._turns[chat_id] = (lock, users - 1)
            if len(self._buckets) > 50_000:  # chats whose bucket is full again are forgotten
                full = self.burst
                self._buckets = {c: b for c, b in self._buckets.items() if self._tokens(c) < full}

    def _tokens(self, chat_id: int | str) -> float:
        tokens, at = self._buckets.get(chat_id, (self.burst, self.clock()))
        return min(self.burst, tokens + (self.clock() - at) / self.period)


class ChatWindow(ChatBucket):
    """One call per chat per `period`, counted from when the chat's previous call completed
    (a bucket of one)."""

    def __init__(self, period: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(1, period, clock)
