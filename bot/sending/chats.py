"""Per-chat pacing: bulk calls one per second per chat (ChatWindow), answers in a short burst
then one per second (ChatBucket), as Telegram asks of bots in private chats."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager


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


class ChatBucket:
    """Per chat, `burst` calls at once, then one per `period`: a token bucket per chat whose
    refill counts from when each call completed (Telegram counts the message when it arrives)."""

    def __init__(
        self, burst: int, period: float = 1.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.period, self.clock = float(burst), period, clock
        self._buckets: dict[int | str, tuple[float, float]] = {}  # chat -> (tokens, at)
        self._locks: dict[int | str, tuple[asyncio.Lock, int]] = {}  # lock, calls using it

    @asynccontextmanager
    async def slot(self, chat_id: int | str) -> AsyncIterator[None]:
        """Wait until the chat has a token and hold it for one call (a chat's calls in order)."""
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
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
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)
            if len(self._buckets) > 50_000:  # chats whose bucket is full again are forgotten
                full = self.burst
                self._buckets = {c: b for c, b in self._buckets.items() if self._tokens(c) < full}

    def _tokens(self, chat_id: int | str) -> float:
        tokens, at = self._buckets.get(chat_id, (self.burst, self.clock()))
        return min(self.burst, tokens + (self.clock() - at) / self.period)
