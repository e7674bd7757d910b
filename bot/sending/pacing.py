"""Stay within Telegram's limits, answering people first: one send window with lanes.

Telegram allows a bot about 30 messages per second in all (this instance has its share:
30 / BOT_INSTANCES) and one message per second to a private chat for bulk sending. Every call
that targets a chat takes a place in this instance's window. Waiting calls are served by lane
(bot/sending.Lane): answers to people first, then reminders, then alerts to staff, then
broadcasts, each lane in arrival order, one waiter woken per free place. Reminders and alerts
keep a floor (`bulk_floor`, a share of the budget) while people are talking, so that due legal
reminders keep going during a surge; a broadcast takes what answers leave: it slows down while
people are talking and catches up after.

Calls of the bulk lanes also wait for their chat's turn (one per second). Answers to a person
who just wrote go at once, up to a burst of REPLY_CHAT_BURST new messages (edits do not count);
past it, new messages to that chat are spaced one per second as Telegram requires, so that a
person flooding the bot spends one place a second of the window, never the window itself (a 429
would pause it for everyone). A 429 pauses the whole window for its retry_after; an
answer is then tried again (within `reply_patience`), never turned into an apology, and so is an
answer refused by a 5xx or a broken connection (briefly, a few times); a bulk call re-raises, and
the outbox records its retry.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot.sending.chats import ChatBucket, ChatWindow
from bot.sending.faults import retry_after

log = logging.getLogger(__name__)
# The lanes, in the order they are served (the values of bot.sending.Lane).
LANES = ("reply", "reminder", "alert", "relay", "broadcast")
REPLY, BULK = LANES[0], LANES[1:]
# The lanes of a conversation: a chat's answers and relayed messages share its short burst.
CONVERSATION = (REPLY, "relay")
# An answer refused by a 5xx or a broken connection is tried again this many times, after 0.5 s,
# then 1 s, then 2 s (the outbox lanes have their own retries, bot/db/outbox.py).
REPLY_NETWORK_RETRIES = 3
REPLY_RETRY_PAUSE = 0.5
FLOORED = (
    "reminder",
    "alert",
    "relay",
)  # the lanes that keep a share of the window while people talk
# Answers sent to one chat back to back before they are spaced one per second (Telegram tolerates
# short bursts in a chat: three, as the fake Bot API enforces).
REPLY_CHAT_BURST = 3


class Schedule:
    """When the next call may start, and from which lane: the window's arithmetic, no waiting.

    At most `limit` calls in any `period`, as Telegram counts them on its side of the network:
    a call is counted from when it starts until `period` after it completed (Telegram received it
    somewhere in between). A call may start only while fewer than `limit` are counted. Then any
    `period`-long window at Telegram holds at most `limit` arrivals, whatever the network's and
    the event loop's delays, with no safety margin to tune. Starts are also spaced
    `period / limit` apart, so the budget is spread, not spent in a burst.
    """

    def __init__(
        self,
        limit: int,
        period: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        bulk_floor: float = 0.2,
    ) -> None:
        if limit < 1:
            raise ValueError("a window needs room for at least one call")
        self.limit, self.period, self.clock = limit, period, clock
        self.spacing = period / limit
        # Reminders and alerts may take this many of the places of any period while answers wait.
        self.bulk_places = max(1, math.ceil(limit * bulk_floor)) if bulk_floor > 0 else 0
        self._next_start = 0.0
        self._in_flight = 0
        self._done: deque[float] = deque()  # completion times, oldest first
        self._bulk_starts: deque[float] = deque()  # start times of bulk calls, oldest first
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Start nothing for `seconds` (Telegram answered 429: the whole budget waits)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def wait(self) -> float | None:
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

    def choose(self, waiting: dict[str, int]) -> str | None:
        """Return the lane whose first waiter starts next (None: nobody waits).

        Answers go first, unless reminders or alerts wait and took fewer than their floor of
        places in the last period (legal dates keep going during a surge); broadcasts take only
        what answers leave. Among the others, reminders before alerts before broadcasts.
        """
        bulk = next((lane for lane in BULK if waiting.get(lane)), None)
        if not waiting.get(REPLY):
            return bulk
        if bulk not in FLOORED:
            return REPLY
        now = self.clock()
        while self._bulk_starts and self._bulk_starts[0] <= now - self.period:
            self._bulk_starts.popleft()
        return bulk if len(self._bulk_starts) < self.bulk_places else REPLY

    def started(self, lane: str) -> None:
        """Count a call that starts now."""
        now = self.clock()
        self._in_flight += 1
        if lane in FLOORED:
            self._bulk_starts.append(now)
        # Timers wake late by a millisecond or so: the next start keeps to the plan, but
        # never comes sooner than half a spacing (no catch-up burst after a long stall).
        self._next_start = max(self._next_start + self.spacing, now + self.spacing / 2)

    def finished(self) -> None:
        """Count a call that completed now."""
        self._in_flight -= 1
        self._done.append(self.clock())


class Window:
    """Places in the send window, handed out by lane, in arrival order within a lane."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._waiting: dict[str, deque[asyncio.Future[None]]] = {lane: deque() for lane in LANES}
        self._timer: asyncio.TimerHandle | None = None

    def pause(self, seconds: float) -> None:
        """Start nothing for `seconds`."""
        self.schedule.pause(seconds)

    def waiting(self) -> dict[str, int]:
        """Return how many calls wait in each lane."""
        return {lane: len(queue) for lane, queue in self._waiting.items()}

    @asynccontextmanager
    async def slot(self, lane: str = REPLY) -> AsyncIterator[None]:
        """Hold a place in the window for the duration of one call."""
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[lane].append(turn)
        self._grant()
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # granted, but the caller gave up
                self._finish()
            else:
                self._drop(lane, turn)
            raise
        try:
            yield
        finally:
            self._finish()

    def _finish(self) -> None:
        self.schedule.finished()
        self._grant()

    def _drop(self, lane: str, turn: asyncio.Future[None]) -> None:
        """Forget a waiter that gave up before its turn."""
        try:
            self._waiting[lane].remove(turn)
        except ValueError:
            pass

    def _grant(self) -> None:
        """Start as many waiters as the window allows now; wake up again when one may start."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while True:
            lane = self.schedule.choose(self.waiting())
            if lane is None:
                return
            wait = self.schedule.wait()
            if wait is not None:
                if wait > 0:
                    loop = asyncio.get_running_loop()
                    self._timer = loop.call_later(wait, self._grant)
                return  # 0: a call in flight ends first, and its end grants again
            turn = self._waiting[lane].popleft()
            if turn.done():  # cancelled while queued
                continue
            self.schedule.started(lane)
            turn.set_result(None)


class SendRateLimiter(BaseRateLimiter[dict[str, Any]]):
    """PTB rate limiter: this instance's window with lanes, and a chat window for bulk calls.

    `rate_limit_args` may carry {"lane": ..., "per_chat": ...} (bot.sending.Sender sets both);
    a call without them (PTB's own, e.g. answering a callback query) is an answer to a person.
    """

    def __init__(
        self,
        overall_rate: float | None,
        per_chat_period: float = 1.0,
        *,
        bulk_floor: float = 0.2,
        reply_patience: float = 30.0,
    ):
        self.overall = (
            Window(Schedule(max(1, int(overall_rate)), bulk_floor=bulk_floor))
            if overall_rate
            else None
        )
        self.per_chat = ChatWindow(per_chat_period) if per_chat_period else None
        self.reply_chats = (
            ChatBucket(REPLY_CHAT_BURST, per_chat_period)
            if overall_rate and per_chat_period
            else None
        )
        # How long an answer may wait out Telegram's 429s in all before it is given up.
        self.reply_patience = reply_patience

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
        """Wait for the places this call needs, then make it; an answer waits out a 429."""
        options = rate_limit_args or {}
        lane = str(options.get("lane", REPLY))
        waited, failures = 0.0, 0
        while True:
            try:
                # A new message (edits and reactions are not counted; a copy is one).
                sends = endpoint.startswith("send") or endpoint == "copyMessage"
                return await self._once(callback, args, kwargs, data, lane, options, sends)
            except RetryAfter as error:
                pause = retry_after(error.retry_after).total_seconds()
                if self.overall is not None:
                    self.overall.pause(pause)
                if lane != REPLY or waited + pause > self.reply_patience:
                    raise
                log.warning("429 on an answer: waiting %.1f s, then trying again", pause)
                waited += pause
                if self.overall is None:
                    await asyncio.sleep(pause)
            except NetworkError as error:
                # A 5xx or a dropped connection: an answer is tried again a few times, briefly.
                # Not a timeout (the message may have arrived: no double answer), not a refusal.
                failures += 1
                pause = REPLY_RETRY_PAUSE * 2 ** (failures - 1)
                if (
                    lane != REPLY
                    or data.get("chat_id") is None  # getMe at start-up fails at once
                    or isinstance(error, BadRequest | TimedOut)
                    or failures > REPLY_NETWORK_RETRIES
                    or waited + pause > self.reply_patience
                ):
                    raise
                log.warning("%s on an answer: trying again", type(error).__name__)
                waited += pause
                await asyncio.sleep(pause)

    async def _once(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        data: dict[str, Any],
        lane: str,
        options: dict[str, Any],
        sends: bool = True,
    ) -> Any:
        chat_id = data.get("chat_id")
        async with AsyncExitStack() as places:
            if chat_id is not None:
                if self.per_chat is not None and options.get("per_chat"):
                    await places.enter_async_context(self.per_chat.slot(chat_id))
                elif self.reply_chats is not None and lane in CONVERSATION and sends:
                    await places.enter_async_context(self.reply_chats.slot(chat_id))
                if self.overall is not None:
                    await places.enter_async_context(self.overall.slot(lane))
            return await callback(*args, **kwargs)
