"""Updates of different chats handled at once, each chat's strictly in order, floods held back.

PTB handles one update at a time by default: everyone waits behind the slowest handler (one
person sending 500 dates made another's /start wait 33 s). Here updates are handled
concurrently, up to `max_concurrent`, while the updates of one chat run one after the other in
the order Telegram sent them (a person's answer is never overtaken by their next tap).

A person sending far more than anyone can type (more than `flood_updates` in `flood_seconds`)
is told once, calmly, to slow down, and their extra updates are dropped until the pace falls:
nobody else waits behind them. Counts only; nothing of what they sent is kept.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

FloodNotice = Callable[[Update], Awaitable[None]]


@dataclass(frozen=True)
class FloodLimit:
    """At most `updates` updates from one chat in any `seconds` (0 updates: no limit)."""

    updates: int = 20
    seconds: float = 10.0


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across chats, in order within a chat, with a flood limit per chat."""

    def __init__(
        self,
        max_concurrent: int,
        flood: FloodLimit | None = None,
        on_flood: FloodNotice | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_concurrent)
        self.flood = flood or FloodLimit()
        self.on_flood = on_flood
        self.clock = clock
        self._tails: dict[int, asyncio.Future[None]] = {}  # each chat's last update, to chain
        self._recent: dict[int, deque[float]] = {}  # each chat's update times in the window
        self._told: dict[int, float] = {}  # when a flooding chat was told to slow down
        self.dropped = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update's handlers after the previous update of its chat finished."""
        chat_id = _chat_of(update)
        if chat_id is None:  # not from a chat (none the bot handles today): no ordering needed
            await coroutine
            return
        if self._flooding(chat_id):
            self.dropped += 1
            _close(coroutine)
            await self._tell(chat_id, update)
            return
        previous = self._tails.get(chat_id)
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._tails[chat_id] = mine
        try:
            if previous is not None:
                try:
                    await asyncio.shield(previous)
                except asyncio.CancelledError:
                    _close(coroutine)
                    raise
            await coroutine
        finally:
            mine.set_result(None)
            if self._tails.get(chat_id) is mine:
                del self._tails[chat_id]

    def _flooding(self, chat_id: int) -> bool:
        """Count this update; tell whether the chat is over its limit."""
        limit = self.flood
        if limit.updates <= 0:
            return False
        now = self.clock()
        times = self._recent.setdefault(chat_id, deque())
        while times and times[0] <= now - limit.seconds:
            times.popleft()
        if len(self._recent) > 10_000:
            self._forget_quiet(now)
        if len(times) >= limit.updates:
            return True
        times.append(now)
        return False

    async def _tell(self, chat_id: int, update: object) -> None:
        """Ask a flooding person to slow down, once per flood (not at every dropped update)."""
        now = self.clock()
        if now - self._told.get(chat_id, float("-inf")) < self.flood.seconds:
            return
        self._told[chat_id] = now
        if self.on_flood is not None and isinstance(update, Update):
            await self.on_flood(update)

    def _forget_quiet(self, now: float) -> None:
        """Drop the counts of chats that have been quiet for a whole window."""
        window = self.flood.seconds
        self._recent = {c: t for c, t in self._recent.items() if t and t[-1] > now - window}
        self._told = {c: at for c, at in self._told.items() if at > now - window}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _chat_of(update: object) -> int | None:
    """Return the chat an update comes from, if any."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


def _close(coroutine: Awaitable[Any]) -> None:
    """Discard the handlers' coroutine of a dropped update without running it."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()
