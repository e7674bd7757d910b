"""Telegram's flood limits on sending, and a record of every send for rate measurements.

Telegram asks bots to stay under about 30 messages per second overall, one per second in a
chat (short bursts are tolerated) and 20 per minute in a group. When enforcement is on, a send
past those limits is answered 429 "Too Many Requests: retry after N".
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

from fake_telegram.errors import ApiError, too_many_requests

GLOBAL_PER_SECOND = 30
CHAT_BURST = 3  # sends tolerated back to back in one chat before the 1/s rate applies
CHAT_PER_SECOND = 1.0
GROUP_PER_MINUTE = 20


class RateLimiter:
    """Record sends per chat with their times; optionally refuse those over the limits."""

    def __init__(self, *, clock: Callable[[], float], enforce: bool) -> None:
        """Read time from `clock` (seconds, monotonic); refuse only when `enforce`."""
        self.clock = clock
        self.enforce = enforce
        self.sends: dict[int, list[float]] = defaultdict(list)
        self.all_sends: list[float] = []
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)

    def check(self, chat_id: int, *, group: bool) -> None:
        """Raise 429 if sending to `chat_id` now would break a limit (when enforced)."""
        if not self.enforce:
            return
        now = self.clock()
        recent = [t for t in self.all_sends if now - t < 1.0]
        if len(recent) >= GLOBAL_PER_SECOND:
            raise _retry(1.0 - (now - recent[0]))
        tokens = self._tokens(chat_id, now)
        if tokens < 1.0:
            raise _retry((1.0 - tokens) / CHAT_PER_SECOND)
        if group:
            minute = [t for t in self.sends[chat_id] if now - t < 60.0]
            if len(minute) >= GROUP_PER_MINUTE:
                raise _retry(60.0 - (now - minute[0]))

    def record(self, chat_id: int) -> None:
        """Count a successful send to `chat_id` now."""
        now = self.clock()
        self.sends[chat_id].append(now)
        self.all_sends.append(now)
        self._buckets[chat_id] = (self._tokens(chat_id, now) - 1.0, now)

    def max_in_window(self, chat_id: int | None = None, window: float = 1.0) -> int:
        """Return the most sends seen within any `window` seconds (one chat, or all chats)."""
        times = sorted(self.all_sends if chat_id is None else self.sends.get(chat_id, []))
        best, start = 0, 0
        for end, at in enumerate(times):
            while at - times[start] >= window:
                start += 1
            best = max(best, end - start + 1)
        return best

    def _tokens(self, chat_id: int, now: float) -> float:
        """Return the chat's available sends: a bucket of CHAT_BURST refilled at 1/s."""
        tokens, at = self._buckets.get(chat_id, (float(CHAT_BURST), now))
        return min(float(CHAT_BURST), tokens + (now - at) * CHAT_PER_SECOND)


def _retry(seconds: float) -> ApiError:
    """Return the 429 for a wait of `seconds`, rounded up to whole seconds like Telegram."""
    return too_many_requests(max(1, math.ceil(seconds)))
