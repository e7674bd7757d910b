"""The send windows: never more than Telegram allows, whatever the delays of each call."""

from __future__ import annotations

import asyncio
import random
import time

from bot.scheduling.rate_limit import ChatWindow, Window


async def _calls(window: Window, count: int, durations: list[float]) -> list[tuple[float, float]]:
    """Make `count` calls through the window at once; return each call's (start, end)."""
    spans: list[tuple[float, float]] = []

    async def call(index: int) -> None:
        async with window.slot():
            began = time.monotonic()
            await asyncio.sleep(durations[index])
            spans.append((began, time.monotonic()))

    await asyncio.gather(*(call(i) for i in range(count)))
    return sorted(spans)


async def test_a_call_starts_only_a_period_after_the_limit_th_previous_one_ended() -> None:
    window = Window(limit=3, period=0.2)
    durations = [random.Random(7).uniform(0.0, 0.05) for _ in range(12)]
    spans = await _calls(window, 12, durations)
    ends = sorted(end for _, end in spans)
    for index, (start, _) in enumerate(spans[3:], start=3):
        # Of the calls before it, at most `limit - 1` may have ended less than a period ago.
        recent = [end for end in ends[:index] if end > start - 0.2]
        assert len(recent) <= 2, (index, start, recent)


async def test_any_period_at_the_receiving_side_holds_at_most_limit_calls() -> None:
    window = Window(limit=4, period=0.15)
    durations = [random.Random(3).uniform(0.0, 0.04) for _ in range(16)]
    spans = await _calls(window, 16, durations)
    # Wherever the receiver saw each call inside its span, no period holds more than the limit:
    # the worst case is every call received at the very end of its span, the others at the start.
    for start, _ in spans:
        inside = [
            1
            for other_start, other_end in spans
            if other_end >= start and other_start < start + 0.15
        ]
        assert len(inside) <= 4


async def test_starts_are_spread_not_bursting() -> None:
    window = Window(limit=5, period=0.25)
    spans = await _calls(window, 5, [0.0] * 5)
    starts = [start for start, _ in spans]
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.05 / 2 - 0.002  # never sooner than half a spacing


async def test_a_pause_holds_every_start() -> None:
    window = Window(limit=10, period=1.0)
    window.pause(0.2)
    began = time.monotonic()
    async with window.slot():
        assert time.monotonic() - began >= 0.19


async def test_one_chat_waits_a_period_after_its_previous_call_ended_others_do_not() -> None:
    chats = ChatWindow(period=0.2)
    marks: dict[str, float] = {}

    async def call(name: str, chat: int, duration: float) -> None:
        async with chats.slot(chat):
            marks[f"{name} start"] = time.monotonic()
            await asyncio.sleep(duration)
            marks[f"{name} end"] = time.monotonic()

    began = time.monotonic()
    await asyncio.gather(call("a1", 1, 0.05), call("a2", 1, 0.0), call("b", 2, 0.0))
    assert marks["a2 start"] >= marks["a1 end"] + 0.2
    assert marks["b start"] - began < 0.1
    assert chats._turns == {}  # nothing kept for chats no call is waiting on
