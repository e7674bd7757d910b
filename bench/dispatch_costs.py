"""Benchmark where a dispatched reminder's CPU goes: rendering, HTTP, recording the outcome.

Run: .venv/bin/python -m bench.dispatch_costs [--messages 1000]
Prints numbers; asserts nothing (bench/ is never run as tests).

Each step of `Dispatcher._deliver` is timed alone, in CPU milliseconds of this process per message
(every thread, so SQLite's aiosqlite thread counts) and in messages per second:

- render: `reminder_message` with a translator, as the dispatcher does for every reminder;
- send: `ExtBot.send_message` (PTB + the SendRateLimiter) over PTB's HTTPX request class and over
  the bot's aiohttp one (`bot/telegram_request.py`), to FakeTelegram running in a child process,
  so the server's own work is not counted; then raw HTTPX / aiohttp POSTs of the same form, for
  scale. (The dispatcher itself calls `do_api_request("sendMessage")`, which also skips building
  a Message from the answer: see bench/dispatch_throughput.py for the whole path.)
- record: `outbox.record` (one row, SENT) in its own ORM session transaction, the same
  UPDATE on a Core connection, and one Core UPDATE ... WHERE id IN (...) per 100 messages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import httpx
import sqlalchemy as sa
from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from bot.db import outbox, outbox_reminders
from bot.db.engine import async_session_factory, create_async_engine
from bot.domain.rules.loader import default_rulebook
from bot.i18n import translator
from bot.sending.pacing import SendRateLimiter
from bot.sending.request import AiohttpRequest
from bot.services.unit import Sessions
from bot.views.common import Screen
from bot.views.reminder import reminder_message

# PTB periods as timedelta (no deprecation warning on every 429), as `python -m bot` does.
os.environ.setdefault("PTB_TIMEDELTA", "true")

FIRST_CHAT_ID = 200_000_000
PARIS = ZoneInfo("Europe/Paris")


async def timed(count: int, concurrency: int, step: Callable[[int], Awaitable[Any]]) -> str:
    """Run step(0..count-1) with bounded concurrency; return 'CPU ms/msg, msg/s'."""
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int) -> None:
        """Run one step inside the gate."""
        async with gate:
            await step(index)

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(one(i) for i in range(count)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return f"{cpu / count * 1000:6.2f} ms CPU/msg {count / wall:8,.0f} msg/s"


def screen() -> Screen:
    """Return a typical reminder (its text is about 1 kB of HTML, with three buttons)."""
    rule = default_rulebook().by_id["ofpra_filing_21_days"]
    now = datetime.now(PARIS)
    return reminder_message(translator("en"), rule, now + timedelta(days=3), now, "lead")


def render_cost(count: int) -> str:
    """Time the rendering of `count` reminders, a translator looked up for each."""
    rule = default_rulebook().by_id["ofpra_filing_21_days"]
    now = datetime.now(PARIS)
    wall = time.perf_counter()
    for _ in range(count):
        reminder_message(translator("en"), rule, now + timedelta(days=3), now, "lead")
    wall = time.perf_counter() - wall
    return f"{wall / count * 1000:6.2f} ms CPU/msg {count / wall:8,.0f} msg/s"


# -- HTTP ------------------------------------------------------------------------------------


async def http_costs(count: int) -> list[tuple[str, str]]:
    """Time sends to FakeTelegram in a child process, through PTB and raw clients."""
    chats = [FIRST_CHAT_ID + i for i in range(count)]
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.dispatch_throughput",
        "--serve",
        json.dumps([chats, False]),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None and server.stdin is not None
    ready = json.loads(await server.stdout.readline())
    token, base = ready["token"], ready["base_url"]
    rows = []
    try:
        for name, request in (
            ("HTTPX (pool 64)", lambda: HTTPXRequest(connection_pool_size=64)),
            ("aiohttp (the bot's)", AiohttpRequest),
        ):
            for concurrency in (1, 64):
                cost = await ptb_sends(token, base, request(), chats, concurrency)
                rows.append((f"send: PTB send_message, {name}, concurrency {concurrency}", cost))
        rows += await raw_posts(f"{base}{token}/sendMessage", chats)
    finally:
        server.stdin.close()
        await server.communicate()
    return rows


async def ptb_sends(
    token: str, base: str, request: BaseRequest, chats: list[int], concurrency: int
) -> str:
    """Send one reminder to each chat through ExtBot with the bot's rate limiter (pacing off)."""
    bot: ExtBot[Any] = ExtBot(
        token, base_url=base, request=request, rate_limiter=SendRateLimiter(None)
    )
    await bot.initialize()
    shown = screen()
    assert shown.keyboard is not None
    markup = InlineKeyboardMarkup.de_json(shown.keyboard.as_json(), bot)

    async def send(index: int) -> None:
        """Send the reminder as the dispatcher does."""
        await bot.send_message(
            chats[index],
            shown.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            rate_limit_args={"per_chat": True},
        )

    try:
        return await timed(len(chats), concurrency, send)
    finally:
        await bot.shutdown()


async def raw_posts(url: str, chats: list[int]) -> list[tuple[str, str]]:
    """POST the same form with bare HTTPX and aiohttp clients, one at a time."""
    text = screen().text
    forms = [{"chat_id": str(chat), "text": text, "parse_mode": "HTML"} for chat in chats]
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=64)) as client:
        httpx_cost = await timed(len(chats), 1, lambda i: client.post(url, data=forms[i]))
    async with aiohttp.ClientSession() as session:

        async def post(index: int) -> None:
            """POST one form and read the answer."""
            async with session.post(url, data=forms[index]) as response:
                await response.read()

        aiohttp_cost = await timed(len(chats), 1, post)
    return [
        ("send: bare HTTPX POST, concurrency 1", httpx_cost),
        ("send: bare aiohttp POST, concurrency 1", aiohttp_cost),
    ]


# -- recording ---------------------------------------------------------------------------------


async def record_costs(workdir: Path, count: int) -> list[tuple[str, str]]:
    """Time recording `count` deliveries three ways, on claimed rows of a fresh database."""
    from dispatch_throughput import create_database, load_reminders

    url = create_database(workdir / "costs.sqlite3", count)
    engine = create_async_engine(url)
    sessions = Sessions(async_session_factory(engine))
    rows = []
    try:
        for label, concurrency, way in (
            ("record: mark_sent, ORM session per message (as now), concurrency 1", 1, "orm"),
            ("record: mark_sent, ORM session per message (as now), concurrency 64", 64, "orm"),
            ("record: Core UPDATE, connection per message, concurrency 1", 1, "core"),
            ("record: Core UPDATE ... IN (100 ids) per transaction", 1, "batch"),
        ):
            load_reminders(url, list(range(1, count + 1)))
            taken = await claim_all(sessions, count)
            step = recorder(way, engine, sessions, taken)
            rows.append((label, await timed(count, concurrency, step)))
    finally:
        await engine.dispose()
    return rows


def recorder(
    way: str, engine: Any, sessions: Sessions, taken: list[outbox_reminders.ClaimedReminder]
) -> Callable[[int], Awaitable[None]]:
    """Return a step that records delivery number `index` ("batch": each 100th records 100)."""
    now = datetime.now(UTC)
    ids = [claim.id for claim in taken]
    lease = taken[0].lease_until  # one claim, one lease: the token of every row it took

    async def record(index: int) -> None:
        """Record one delivery, the chosen way."""
        if way == "orm":
            async with sessions.begin() as session:
                await outbox.record(
                    session, outbox.REMINDERS, [taken[index]], outbox.Outcome.SENT, now=now
                )
        elif way == "core":
            async with engine.begin() as connection:
                await connection.execute(_sent([ids[index]], lease, now))
        elif index % 100 == 0:
            async with engine.begin() as connection:
                await connection.execute(_sent(ids[index : index + 100], lease, now))

    return record


def _sent(ids: list[int], lease: datetime, now: datetime) -> sa.Update:
    """Return the UPDATE that marks rows sent while the claim holds them (mark_sent, for many)."""
    table = outbox.REMINDERS.table
    return (
        sa.update(table)
        .where(table.c.id.in_(ids), table.c.status == "claimed", table.c.lease_until == lease)
        .values(status="sent", sent_at=now, lease_until=None, last_error=None)
    )


async def claim_all(sessions: Sessions, count: int) -> list[outbox_reminders.ClaimedReminder]:
    """Claim every due reminder, as the dispatcher would."""
    async with sessions.begin() as session:
        return await outbox_reminders.claim(
            session, datetime.now(UTC), lease=timedelta(minutes=5), limit=count
        )


def sniffio_note() -> str:
    """Say whether httpcore finds sniffio, and what its lookup costs per call."""
    from httpcore._synchronization import current_async_library

    try:
        import sniffio  # noqa: F401

        present = "installed"
    except ImportError:
        present = "NOT installed: httpcore retries `import sniffio` on every call"
    wall = time.perf_counter()
    for _ in range(2000):
        current_async_library()
    cost = (time.perf_counter() - wall) / 2000 * 1e6
    return f"sniffio {present}; httpcore.current_async_library() costs {cost:.0f} µs per call"


async def measure(count: int) -> None:
    """Run every measurement and print one line each."""
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; {count} messages per line; "
        "FakeTelegram in a child process (its CPU not counted)",
        flush=True,
    )
    rows = [("render: reminder_message + translator", render_cost(count))]
    rows += await http_costs(count)
    with tempfile.TemporaryDirectory(prefix="bench-costs-") as workdir:
        rows += await record_costs(Path(workdir), count)
    width = max(len(label) for label, _ in rows)
    for label, cost in rows:
        print(f"{label:<{width}}  {cost}")
    print(sniffio_note())


def main() -> None:
    """Parse the size and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000, help="messages per measurement")
    args = parser.parse_args()
    asyncio.run(measure(args.messages))


if __name__ == "__main__":
    main()
