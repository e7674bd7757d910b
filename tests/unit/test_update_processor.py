"""The update processor: chats at once, each chat in order, a flood held back and told once."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update

from bot.update_processor import FloodLimit, PerChatUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    """Return a text message update from `chat_id`."""
    user = {"id": chat_id, "is_bot": False, "first_name": "A"}
    message = {
        "message_id": update_id,
        "date": 0,
        "chat": {"id": chat_id, "type": "private"},
        "from": user,
        "text": "hello",
    }
    return Update.de_json({"update_id": update_id, "message": message}, None)


class _Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_one_chat_is_handled_in_order_while_another_is_not_held_up() -> None:
    """A slow first update of chat 1 does not let its second overtake it, and chat 2's update
    finishes meanwhile."""
    processor = PerChatUpdateProcessor(8, FloodLimit(0))
    finished: list[tuple[int, int]] = []
    release = asyncio.Event()

    async def handle(chat_id: int, number: int, *, wait: bool = False) -> None:
        if wait:
            await release.wait()
        finished.append((chat_id, number))

    first = asyncio.create_task(processor.do_process_update(_update(1, 1), handle(1, 1, wait=True)))
    second = asyncio.create_task(processor.do_process_update(_update(2, 1), handle(1, 2)))
    other = asyncio.create_task(processor.do_process_update(_update(3, 2), handle(2, 1)))
    await other
    await asyncio.sleep(0.01)
    assert finished == [(2, 1)]  # chat 1's second update waits for its first
    release.set()
    await asyncio.gather(first, second)
    assert finished == [(2, 1), (1, 1), (1, 2)]


async def test_a_failed_update_does_not_block_the_chat() -> None:
    """An update whose handler raises still lets the chat's next update run."""
    processor = PerChatUpdateProcessor(8, FloodLimit(0))
    ran: list[int] = []

    async def fail() -> None:
        raise RuntimeError("handler failed")

    async def note() -> None:
        ran.append(2)

    failing = asyncio.create_task(processor.do_process_update(_update(1, 5), fail()))
    following = asyncio.create_task(processor.do_process_update(_update(2, 5), note()))
    results = await asyncio.gather(failing, following, return_exceptions=True)
    assert isinstance(results[0], RuntimeError) and ran == [2]


async def test_a_flood_is_dropped_and_told_once_and_others_are_untouched() -> None:
    """Past 3 updates in 10 s a chat's updates are dropped; the person is told once per
    window; another chat is not affected; after the window the chat is heard again."""
    clock = _Clock()
    told: list[int] = []

    async def tell(update: Update) -> None:
        assert update.effective_chat is not None
        told.append(update.effective_chat.id)

    processor = PerChatUpdateProcessor(8, FloodLimit(3, 10.0), on_flood=tell, clock=clock)
    handled: list[tuple[int, int]] = []

    async def handle(chat_id: int, number: int) -> None:
        handled.append((chat_id, number))

    for number in range(1, 8):
        await processor.do_process_update(_update(number, 1), handle(1, number))
    await processor.do_process_update(_update(100, 2), handle(2, 1))
    assert handled == [(1, 1), (1, 2), (1, 3), (2, 1)]
    assert told == [1] and processor.dropped == 4

    clock.now += 10.5
    await processor.do_process_update(_update(200, 1), handle(1, 8))
    assert handled[-1] == (1, 8)


async def test_a_dropped_update_is_never_run() -> None:
    """The handlers' coroutine of a dropped update is closed, not left to warn."""
    clock = _Clock()
    processor = PerChatUpdateProcessor(8, FloodLimit(1, 10.0), clock=clock)
    ran: list[int] = []

    async def handle(number: int) -> None:
        ran.append(number)

    coroutines: list[Any] = [handle(1), handle(2)]
    for number, coroutine in enumerate(coroutines, 1):
        await processor.do_process_update(_update(number, 3), coroutine)
    assert ran == [1]
    assert coroutines[1].cr_frame is None  # closed


async def test_no_limit_when_the_count_is_zero() -> None:
    """FLOOD_UPDATES=0 turns the limit off."""
    processor = PerChatUpdateProcessor(8, FloodLimit(0, 10.0), clock=_Clock())
    ran: list[int] = []

    async def handle(number: int) -> None:
        ran.append(number)

    for number in range(50):
        await processor.do_process_update(_update(number, 4), handle(number))
    assert ran == list(range(50))
