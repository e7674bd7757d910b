"""The send window: never more than Telegram allows, answers first, bulk lanes never starved.

The arithmetic (`Schedule`) is driven by a manual clock, so its timing is exact; the waiting
(`Window`) is checked for order: lanes, arrival order, one place per waiter, cancellation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.sending import pacing
from bot.sending.chats import ChatBucket, ChatWindow
from bot.sending.pacing import Schedule, SendRateLimiter, Window


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def run_calls(
    schedule: Schedule, clock: Clock, durations: list[float]
) -> list[tuple[float, float]]:
    """Start calls as soon as the schedule allows (one lane), each lasting its duration; return
    each call's (start, end) in the clock's time."""
    spans: list[tuple[float, float]] = []
    in_flight: list[float] = []  # end times
    pending = list(durations)
    while pending or in_flight:
        in_flight.sort()
        while in_flight and in_flight[0] <= clock.now:
            in_flight.pop(0)
            schedule.finished()
        wait = schedule.wait() if pending else None
        if pending and wait is None:
            schedule.started("reminder")
            duration = pending.pop(0)
            spans.append((clock.now, clock.now + duration))
            in_flight.append(clock.now + duration)
            continue
        if not pending and not in_flight:
            break
        moments = list(in_flight)
        if pending and wait is not None:
            moments.append(clock.now + max(wait, 1e-9))  # rounding may leave a zero wait
        clock.now = min(moments)
    return spans


def test_any_period_at_the_receiving_side_holds_at_most_limit_calls() -> None:
    clock = Clock()
    schedule = Schedule(limit=4, period=1.0, clock=clock)
    durations = [0.01 * (i % 5) for i in range(40)]
    spans = run_calls(schedule, clock, durations)
    # Wherever Telegram saw each call inside its span, no period holds more than the limit:
    # the worst case is every call received at the very end of its span, the others at the start.
    for start, _ in spans:
        inside = [1 for s, e in spans if e >= start and s < start + 1.0]
        assert len(inside) <= 4
    assert spans[-1][0] - spans[0][0] < 40 / 4 + 1.0  # and the budget is used, not wasted


def test_starts_are_spread_not_bursting() -> None:
    clock = Clock()
    spans = run_calls(Schedule(limit=5, period=1.0, clock=clock), clock, [0.0] * 5)
    starts = [start for start, _ in spans]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.2 / 2 - 1e-9  # never sooner than half a spacing


def test_a_pause_holds_every_start() -> None:
    clock = Clock()
    schedule = Schedule(limit=10, clock=clock)
    schedule.pause(3.0)
    assert schedule.wait() == pytest.approx(3.0)
    clock.now += 3.0
    assert schedule.wait() is None


def test_answers_go_first_but_reminders_keep_their_floor() -> None:
    """With answers always waiting, reminders still get 20% of the places of each period;
    broadcasts wait until people stop talking."""
    clock = Clock()
    schedule = Schedule(limit=30, clock=clock, bulk_floor=0.2)
    chosen = []
    for _ in range(300):  # ten seconds of a saturated window
        while schedule.wait() is not None:
            clock.now += schedule.wait() or 0.001
        lane = schedule.choose({"reply": 100, "reminder": 100, "broadcast": 100})
        assert lane is not None
        schedule.started(lane)
        schedule.finished()
        chosen.append(lane)
    assert chosen.count("reminder") == pytest.approx(60, abs=6)  # 6 of every 30
    assert chosen.count("reply") == pytest.approx(240, abs=6)
    assert "broadcast" not in chosen  # reminders before broadcasts, strictly


def test_without_answers_waiting_the_bulk_lanes_take_everything_in_order() -> None:
    schedule = Schedule(limit=30, clock=Clock())
    assert schedule.choose({"reply": 0, "alert": 2, "broadcast": 5}) == "alert"
    assert schedule.choose({"broadcast": 5}) == "broadcast"
    assert schedule.choose({}) is None
    assert schedule.choose({"reply": 1}) == "reply"
    assert schedule.choose({"reply": 1, "broadcast": 5}) == "reply"  # no floor for broadcasts


async def test_lanes_and_arrival_order_decide_who_starts() -> None:
    """One place at a time: every answer before every broadcast, each lane in arrival order."""
    window = Window(Schedule(limit=1, period=0.01, bulk_floor=0))
    order: list[str] = []
    blocker = asyncio.Event()

    async def call(name: str, lane: str) -> None:
        async with window.slot(lane):
            order.append(name)
            if name == "first":
                await blocker.wait()

    first = asyncio.create_task(call("first", "reply"))
    await asyncio.sleep(0)
    tasks = [asyncio.create_task(call(f"b{i}", "broadcast")) for i in range(3)]
    tasks += [asyncio.create_task(call(f"r{i}", "reply")) for i in range(3)]
    tasks += [asyncio.create_task(call("m0", "reminder"))]
    await asyncio.sleep(0)
    assert window.waiting() == {"reply": 3, "reminder": 1, "alert": 0, "relay": 0, "broadcast": 3}
    blocker.set()
    await asyncio.gather(first, *tasks)
    assert order == ["first", "r0", "r1", "r2", "m0", "b0", "b1", "b2"]


async def test_a_waiter_that_gives_up_loses_its_place_and_holds_none() -> None:
    window = Window(Schedule(limit=1, period=0.01))
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with window.slot("reply"):
            held.set()
            await release.wait()

    async def waiter() -> None:
        async with window.slot("reply"):
            pass

    first = asyncio.create_task(holder())
    await held.wait()
    gone = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    gone.cancel()
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert window.waiting()["reply"] == 0
    release.set()
    await first
    await asyncio.wait_for(waiter(), timeout=5)  # the window is free again


async def test_one_chat_waits_a_period_after_its_previous_call_ended_others_do_not() -> None:
    loop = asyncio.get_running_loop()
    chats = ChatWindow(period=0.2, clock=loop.time)
    marks: dict[str, float] = {}

    async def call(name: str, chat: int, duration: float) -> None:
        async with chats.slot(chat):
            marks[f"{name} start"] = loop.time()
            await asyncio.sleep(duration)
            marks[f"{name} end"] = loop.time()

    await asyncio.gather(call("a1", 1, 0.05), call("a2", 1, 0.0), call("b", 2, 0.0))
    assert marks["a2 start"] >= marks["a1 end"] + 0.2
    assert marks["b start"] < marks["a2 start"]  # chat 2 did not wait behind chat 1
    assert chats._turns == {}  # nothing kept for chats no call is waiting on


async def test_answers_to_one_chat_go_in_a_burst_then_one_per_period() -> None:
    """Three answers at once to a chat, then one per period: a flooder gets its answers spaced,
    another person's answer does not wait behind them."""
    loop = asyncio.get_running_loop()
    bucket = ChatBucket(3, period=0.2, clock=loop.time)
    began = loop.time()
    for _ in range(3):
        async with bucket.slot(1):
            pass
    assert loop.time() - began < 0.05
    async with bucket.slot(1):
        assert loop.time() - began >= 0.19  # the fourth waited for a token
    other = loop.time()
    async with bucket.slot(2):
        assert loop.time() - other < 0.05
    assert bucket._turns == {}  # nothing kept for chats no call is waiting on


async def test_an_answer_waits_out_a_429_and_is_sent() -> None:
    """Telegram answers 429 twice: the answer is tried again after each retry_after."""
    limiter = SendRateLimiter(None)
    calls = 0

    async def send() -> str:
        nonlocal calls
        calls += 1
        if calls <= 2:
            raise RetryAfter(0.01)  # type: ignore[arg-type]
        return "sent"

    assert (
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 1}, None) == "sent"
    )
    assert calls == 3


async def test_a_bulk_call_hands_its_429_to_the_outbox_and_an_answer_gives_up_in_time() -> None:
    limiter = SendRateLimiter(None, reply_patience=0.05)

    async def refused() -> None:
        raise RetryAfter(0.04)  # type: ignore[arg-type]

    bulk = {"lane": "reminder", "per_chat": True}
    with pytest.raises(RetryAfter):
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 1}, bulk)
    with pytest.raises(RetryAfter):  # 0.04 + 0.04 > 0.05: given up, the caller logs it
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_an_answer_refused_by_a_5xx_is_tried_again_a_few_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 5xx or broken connection: an answer is tried again, at most three times; a timeout
    (it may have arrived), a refusal of what was sent, and an outbox call are not."""
    monkeypatch.setattr(pacing, "REPLY_RETRY_PAUSE", 0.001)
    limiter = SendRateLimiter(None)
    calls: list[str] = []

    def failing(error: Exception, times: int) -> Callable[[], Awaitable[str]]:
        async def send() -> str:
            calls.append(type(error).__name__)
            if len(calls) <= times:
                raise error
            return "sent"

        return send

    async def answer(send: Callable[[], Awaitable[str]], options: Any = None) -> str:
        return await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 1}, options)

    assert await answer(failing(NetworkError("Bad Gateway"), 3)) == "sent"
    assert len(calls) == 4
    for error, options in [
        (NetworkError("Bad Gateway"), None),  # a fourth failure in a row
        (TimedOut(), None),
        (BadRequest("Can't parse entities"), None),
        (NetworkError("Bad Gateway"), {"lane": "reminder", "per_chat": True}),
    ]:
        calls.clear()
        with pytest.raises(type(error)):
            await answer(failing(error, 4), options)
        assert len(calls) == (4 if options is None and type(error) is NetworkError else 1)
