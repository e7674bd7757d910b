"""The queue of pending updates, handed out by getUpdates long polling or to a webhook."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from fake_telegram.errors import conflict
from fake_telegram.state import Signal

# Telegram's default when allowed_updates is empty: everything except these three.
_OPT_IN = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_LIMIT = 100


@dataclass
class _Poll:
    """One getUpdates request waiting for updates."""

    wake: asyncio.Event = field(default_factory=asyncio.Event)
    conflict: str | None = None


class UpdateQueue:
    """Pending updates with increasing update_id; confirmed ones are forgotten."""

    def __init__(self, first_update_id: int = 1) -> None:
        """Start empty."""
        self._pending: list[dict[str, Any]] = []
        self._next_id = first_update_id
        self._poll: _Poll | None = None
        self.arrived = Signal()
        self.allowed_updates: frozenset[str] | None = None  # None: Telegram's default
        self.closed = False

    def push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue a new update such as ("message", {...}) and wake whoever waits for one."""
        update = {"update_id": self._next_id, kind: payload}
        self._next_id += 1
        self._pending.append(update)
        self._wake_poll()
        self.arrived.fire()
        return update

    def pending(self) -> list[dict[str, Any]]:
        """Return the updates not yet confirmed (and allowed), oldest first."""
        self._pending = [u for u in self._pending if self._allowed(u)]
        return list(self._pending)

    def confirm(self, offset: int | None) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset ones."""
        if offset is None:
            return
        if offset < 0:
            self._pending = self._pending[offset:]
        else:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]

    def remove(self, update_id: int) -> None:
        """Forget one update (delivered to the webhook)."""
        self._pending = [u for u in self._pending if u["update_id"] != update_id]

    def drop_all(self) -> None:
        """Forget every pending update (drop_pending_updates)."""
        self._pending.clear()

    def terminate_poll(self, reason: str) -> None:
        """Make the waiting getUpdates, if any, answer 409 with `reason`."""
        if self._poll is not None:
            self._poll.conflict = reason
            self._poll.wake.set()

    def close(self) -> None:
        """Release every waiter: the server is stopping."""
        self.closed = True
        self._wake_poll()
        self.arrived.fire()

    async def poll(
        self, *, offset: int | None, limit: int, timeout: float, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """Answer one getUpdates: confirm by offset, then wait up to `timeout` for updates."""
        self.terminate_poll(
            "terminated by other getUpdates request; "
            "make sure that only one bot instance is running"
        )
        if allowed is not None:
            self.allowed_updates = frozenset(allowed) or None
        self.confirm(offset)
        mine = self._poll = _Poll()
        try:
            return await self._wait(mine, max(1, min(limit, MAX_LIMIT)), max(timeout, 0))
        finally:
            if self._poll is mine:
                self._poll = None

    async def _wait(self, mine: _Poll, limit: int, timeout: float) -> list[dict[str, Any]]:
        """Wait until updates arrive, a newer poller takes over, the server stops, or timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if mine.conflict:
                raise conflict(mine.conflict)
            ready = self.pending()[:limit]
            remaining = deadline - loop.time()
            if ready or self.closed or remaining <= 0:
                return ready
            mine.wake.clear()
            try:
                await asyncio.wait_for(mine.wake.wait(), remaining)
            except TimeoutError:
                pass

    def _allowed(self, update: dict[str, Any]) -> bool:
        """Tell whether the bot asked for this kind of update."""
        kind = next(k for k in update if k != "update_id")
        if self.allowed_updates is None:
            return kind not in _OPT_IN
        return kind in self.allowed_updates

    def _wake_poll(self) -> None:
        """Wake the waiting getUpdates, if any."""
        if self._poll is not None:
            self._poll.wake.set()
