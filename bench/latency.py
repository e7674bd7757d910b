"""Measure what people feel: reply latency side by side with broadcasts, crowds and a flooder.

Run: .venv/bin/python -m bench.latency [--followers 3000] [--onboarding 20] [--crowd 1000]
     [--postgres --instances 2]  (a throwaway PostgreSQL cluster; two instances behind webhooks)
     [--only quiet broadcast crowds flood]  (some situations only, in that order)
Prints numbers; asserts nothing (bench/ is never run as tests).

The fake Bot API server runs in a child process and enforces Telegram's limits (429 above 30
messages/s overall or past a short burst in one chat); the simulated people live there too, so
the bot (this process: the real application over HTTP, long polling and SQLite, or webhooks and
PostgreSQL with `--instances`) is measured from outside. A step's latency is the time from a
person's message or tap to the bot's first answer (a new message or an edit). Situations, one
after the other in the same run:

- onboarding, quiet: `--onboarding` people go through onboarding at once (language, consent,
  stage, department, procedure, a typed date, its confirmation, "I don't know");
- the same while an association's broadcast to `--followers` people goes out at 30/s, and the
  broadcast's own rate over its whole run;
- a crowd: `--crowd` people send /start within 10 s; when the last was answered;
- the same crowd during a broadcast;
- a flooder sending 50 updates/s for 5 s while `--onboarding` people onboard.

Also counted: answers 429 at the server, "Sorry, something went wrong" replies, and people
left without an answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.broadcast_throughput import FIRST_CHAT_ID, STAFF_ID, compose, seed
from bench.instances import bot_instances
from bench.onboarding import is_button, onboarding_steps, press
from bot.db.engine import create_sync_engine
from bot.db.migrate import upgrade_to_head
from fake_telegram.server import FakeTelegram
from fake_telegram.users import FakeUser
from tests.support.postgres import PostgresCluster

ONBOARDING_FIRST = 600_000_000  # chat ids of the people measured (followers start lower)
SORRY = "Sorry, something went wrong"
STEPS = onboarding_steps("en", "02/11/2026")


# -- The server's side: the people -------------------------------------------------------------


def _seen(user: FakeUser) -> int:
    """Return how many messages and edits the person has received."""
    return len(user.messages) + sum(m.edit_count for m in user.messages)


async def _act(user: FakeUser, kind: str, value: str, timeout: float) -> float | None:
    """Do one step; return the seconds until the bot's first answer (None: none came)."""
    before = _seen(user)
    if kind == "press":
        # The wait for the button is not counted: the clock starts at the press.
        await user.wait_for(
            lambda m: any(is_button(b.callback_data, value) for b in m.buttons), timeout
        )
    began = time.perf_counter()
    if kind == "press":
        await press(user, value, timeout)
    else:
        await user.send_text(value)
    try:
        await user.wait_for(lambda _: _seen(user) > before, timeout)
    except AssertionError:
        return None
    return time.perf_counter() - began


async def onboard(
    server: FakeTelegram, first: int, count: int, settle: bool = True
) -> dict[str, Any]:
    """Onboard `count` people at once; return every step's latency and the failures; with
    `settle`, wait until the bot is quiet again before returning."""
    latencies: list[float] = []
    lost = 0

    async def one(chat_id: int) -> None:
        nonlocal lost
        user = server.user(chat_id, language_code="en")
        for kind, value in STEPS:
            try:
                seconds = await _act(user, kind, value, timeout=120)
            except AssertionError:  # the button to press never came
                seconds = None
            if seconds is None:
                lost += 1
                return
            latencies.append(seconds)

    await asyncio.gather(*(one(first + i) for i in range(count)))
    if settle:
        # The last step's cards are still on their way when its first answer arrived: let them
        # go, so that the next situation does not start behind them (40 calls: 1.3 s).
        await server.wait_idle(quiet=1.0, timeout=60)
    return {"latencies": latencies, "lost": lost}


async def crowd(server: FakeTelegram, first: int, count: int, within: float) -> dict[str, Any]:
    """`count` people send /start spread over `within` seconds; when was each answered."""
    began = time.perf_counter()
    answered: list[float] = []
    lost = 0

    async def one(index: int) -> None:
        nonlocal lost
        await asyncio.sleep(within * index / count)
        user = server.user(first + index, language_code="en")
        seconds = await _act(user, "text", "/start", timeout=300)
        if seconds is None:
            lost += 1
        else:
            answered.append(time.perf_counter() - began)

    await asyncio.gather(*(one(i) for i in range(count)))
    return {"last": max(answered, default=0.0), "lost": lost, "answered": len(answered)}


async def flood(
    server: FakeTelegram, first: int, count: int, rate: float, seconds: float
) -> dict[str, Any]:
    """A flooder sends `rate` messages/s for `seconds` while `count` people onboard."""
    flooder = server.user(first + count, language_code="en")

    async def hammer() -> float | None:
        first_answer = asyncio.create_task(_act(flooder, "text", "/start", timeout=60))
        for index in range(int(rate * seconds) - 1):
            await asyncio.sleep(1 / rate)
            await flooder.send_text(f"{index % 28 + 1:02d}/11/2026")
        return await first_answer

    people, flooder_first = await asyncio.gather(onboard(server, first, count), hammer())
    people["flooder_first_answer"] = flooder_first
    people["flooder_received"] = len(flooder.messages)
    return people


def _server_stats(server: FakeTelegram, followers: set[int]) -> dict[str, Any]:
    """Count 429 answers, apologies, and the broadcast's sends."""
    sends = server.calls("sendMessage")
    to_followers = sorted(
        call.time
        for call in sends
        if call.status == 200 and int(call.params.get("chat_id", 0)) in followers
    )
    return {
        "refused": sum(1 for call in sends if call.status == 429),
        "sorry": sum(1 for call in sends if SORRY in str(call.params.get("text", ""))),
        "broadcast_sends": to_followers,
    }


async def serve(followers: int) -> None:
    """Child process: the server and its people, driven by JSON commands on stdin."""
    async with FakeTelegram(enforce_rate_limits=True) as server:
        follower_ids = set(range(FIRST_CHAT_ID, FIRST_CHAT_ID + followers))
        for chat in follower_ids:
            server.user(chat, language_code="en")
        staff = server.user(STAFF_ID, language_code="en")
        await staff.send_text("progress")  # message 1: stands for the progress message
        print(json.dumps({"token": server.token, "base_url": server.base_url}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            command = json.loads(line)
            action = command.pop("do")
            if action == "onboard":
                result = await onboard(server, **command)
            elif action == "crowd":
                result = await crowd(server, **command)
            elif action == "flood":
                result = await flood(server, **command)
            else:
                result = _server_stats(server, follower_ids)
            print(json.dumps(result), flush=True)


# -- The bot's side --------------------------------------------------------------------------


class Bench:
    """The server child and the database, from the bot's process."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process, self.url = process, url
        self.next_chat = ONBOARDING_FIRST

    async def ask(self, **command: Any) -> dict[str, Any]:
        """Send a command to the server's people and wait for its result."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps(command) + "\n").encode())
        await self.process.stdin.drain()
        return dict(json.loads(await self.process.stdout.readline()))

    def chats(self, count: int) -> int:
        """Reserve `count` fresh chat ids for new people; return the first."""
        first, self.next_chat = self.next_chat, self.next_chat + count + 1
        return first

    async def broadcast_done(self, timeout: float = 900) -> None:
        """Wait until no broadcast is sending any more."""
        engine = create_sync_engine(self.url)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                with engine.connect() as connection:
                    sending = connection.execute(
                        sa.text("SELECT count(*) FROM broadcasts WHERE status = 'sending'")
                    ).scalar_one()
                if not sending:
                    return
                await asyncio.sleep(0.5)
        finally:
            engine.dispose()


def percentiles(values: list[float]) -> str:
    """Return "p50 / p99 / max" of latencies, in seconds."""
    if not values:
        return "no answers"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):.2f} s / p99 {p99:.2f} s / max {ordered[-1]:.2f} s"


async def measure(args: argparse.Namespace) -> None:
    """Run every situation in one process pair and print the table."""
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-latency-"))
        if args.postgres:
            cluster = stack.enter_context(PostgresCluster())
            url = cluster.create_database("bench")
        else:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade_to_head(url)
        seed(url, args.followers)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.latency",
            "--serve",
            str(args.followers),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**26,  # the stats line lists every broadcast send's time
        )
        assert process.stdout is not None
        ready = json.loads(await process.stdout.readline())
        settings = {
            "telegram_bot_token": ready["token"],
            "telegram_api_base_url": ready["base_url"],
            "database_url": url,
            "dispatch_interval": 1.0,
            "broadcast_quiet_hours": "off",
            "broadcast_daily_cap": 0,
            "inactivity_months": 0,
        }
        bench = Bench(process, url)
        engine = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{engine}, {args.instances} instance(s)\n", flush=True)
        rows = Rows()
        async with bot_instances(args.instances, **settings):
            for name in args.only:
                await SITUATIONS[name](bench, args, rows)
            stats = await bench.ask(do="stats")
        assert process.stdin is not None
        process.stdin.close()
        await process.wait()
    print(f"\nanswers 429 at the server: {stats['refused']}; apologies sent: {stats['sorry']}")


async def _quiet(bench: Bench, args: argparse.Namespace, rows: Rows) -> None:
    quiet = await bench.ask(do="onboard", first=bench.chats(args.onboarding), count=args.onboarding)
    rows.append((f"{args.onboarding} people onboarding, quiet", _line(quiet)))


async def _broadcast(bench: Bench, args: argparse.Namespace, rows: Rows) -> None:
    began = time.perf_counter()
    await compose(bench.url)
    during = await bench.ask(
        do="onboard", first=bench.chats(args.onboarding), count=args.onboarding, settle=False
    )
    await bench.broadcast_done()
    broadcast_seconds = time.perf_counter() - began
    rows.append((f"the same during a {args.followers:,}-follower broadcast", _line(during)))
    stats = await bench.ask(do="stats")
    rows.append(("the broadcast's own rate", _rate(stats["broadcast_sends"], broadcast_seconds)))


async def _crowds(bench: Bench, args: argparse.Namespace, rows: Rows) -> None:
    quiet_crowd = await bench.ask(
        do="crowd", first=bench.chats(args.crowd), count=args.crowd, within=10.0
    )
    rows.append(
        (
            f"{args.crowd:,} people sending /start within 10 s, quiet",
            _crowd(quiet_crowd, args.crowd),
        )
    )
    await compose(bench.url)
    busy_crowd = await bench.ask(
        do="crowd", first=bench.chats(args.crowd), count=args.crowd, within=10.0
    )
    rows.append(("the same during a broadcast", _crowd(busy_crowd, args.crowd)))
    await bench.broadcast_done()


async def _flood(bench: Bench, args: argparse.Namespace, rows: Rows) -> None:
    flooded = await bench.ask(
        do="flood",
        first=bench.chats(args.onboarding + 1),
        count=args.onboarding,
        rate=50.0,
        seconds=5.0,
    )
    first = flooded["flooder_first_answer"]
    answered = (
        f"; the flooder's first message answered in {first:.2f} s"
        if first is not None
        else "; the flooder's first message NOT answered"
    )
    rows.append(
        (f"{args.onboarding} people onboarding, one person sending 50/s", _line(flooded) + answered)
    )


SITUATIONS = {"quiet": _quiet, "broadcast": _broadcast, "crowds": _crowds, "flood": _flood}


class Rows:
    """The table, printed a row at a time as each situation is measured."""

    def __init__(self) -> None:
        print("| situation | reply latency per step |", flush=True)
        print("|---|---|", flush=True)

    def append(self, row: tuple[str, str]) -> None:
        """Print one situation's row."""
        print(f"| {row[0]} | {row[1]} |", flush=True)


def _line(result: dict[str, Any]) -> str:
    lost = f"; {result['lost']} left without an answer" if result["lost"] else ""
    return percentiles(result["latencies"]) + lost


def _rate(sends: list[float], seconds: float) -> str:
    if len(sends) < 2:
        return "no broadcast sends recorded"
    span = sends[-1] - sends[0]
    return (
        f"{len(sends):,} messages in {span:.1f} s = {len(sends) / span:.1f} msg/s "
        f"(from confirmation to done: {seconds:.1f} s)"
    )


def _crowd(result: dict[str, Any], count: int) -> str:
    ideal = count / 30
    lost = f"; {result['lost']} left without an answer" if result["lost"] else ""
    return (
        f"last answered after {result['last']:.1f} s ({result['last'] / ideal:.2f} x the "
        f"{ideal:.1f} s Telegram's limit allows){lost}"
    )


def main() -> None:
    """Parse the arguments and run (or serve, in the child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=3000)
    parser.add_argument("--onboarding", type=int, default=20)
    parser.add_argument("--crowd", type=int, default=1000)
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL cluster, not SQLite"
    )
    parser.add_argument(
        "--instances", type=int, default=1, help="bot instances (more than 1: webhooks)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=list(SITUATIONS),
        default=list(SITUATIONS),
        help="the situations to measure, in this order (default: all)",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # The numbers are the output: the dispatcher's "job skipped, still running" during a long
    # broadcast pass and each 429 waited out are counted by the server instead.
    logging.basicConfig(level=logging.ERROR)
    if args.serve:
        asyncio.run(serve(int(args.serve)))
        return
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
