"""Measure "Ask my association": how long a person's message takes to reach the staff, and the
staff's answer to reach the person, quiet and while a broadcast goes out at 30/s.

Run: .venv/bin/python -m bench.relay [--followers 3000] [--askers 5] [--rounds 3] [--think 2]
     [--postgres --instances 2]  (a throwaway PostgreSQL cluster; two instances behind webhooks)
Prints numbers; asserts nothing (bench/ is never run as tests).

The fake Bot API server runs in a child process and enforces Telegram's limits (30 messages/s
overall, a short burst then one a second per chat); the people and two staff members live there.
`--askers` people who follow the association and agreed to write start one a second; each sends
`--rounds` messages, and a staff member answers each (Telegram's "reply" to the copy); each
takes `--think` seconds to read and type first (Telegram allows a chat a short burst, then a
message a second: people typing at machine speed would measure that allowance, not the bot).
Measured per message: from the person's send to the copy in the first staff member's chat
("to staff"), and from the staff member's send to the answer in the person's chat ("to the
person"). The same again during a broadcast to `--followers` people; its own rate too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.broadcast_throughput import FIRST_CHAT_ID, STAFF_ID, compose, seed
from bench.instances import bot_instances
from bench.latency import Bench, percentiles
from bot.db.engine import create_sync_engine
from bot.db.migrate import upgrade_to_head
from fake_telegram.server import FakeTelegram
from tests.support.postgres import PostgresCluster

ASKERS_FIRST = 700_000_000
SECOND_STAFF = STAFF_ID - 1


def seed_askers(url: str, askers: int) -> None:
    """Insert a second staff member and `askers` people who follow the association and agreed
    to write to it (the agreement screen is not what is measured)."""
    engine = create_sync_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO staff (association_id, user_id, role, created_at) "
                "VALUES (1, :u, 'staff', :t)"
            ),
            {"u": SECOND_STAFF, "t": now},
        )
        for index in range(askers):
            person_id = connection.execute(
                sa.text(
                    "INSERT INTO persons (chat_id, language, consented_at, active, created_at, "
                    "updated_at) VALUES (:c, 'en', :t, TRUE, :t, :t) RETURNING id"
                ),
                {"c": ASKERS_FIRST + index, "t": now},
            ).scalar_one()
            connection.execute(
                sa.text(
                    "INSERT INTO follows (person_id, association_id, created_at, "
                    "ask_consented_at, ask_shares) VALUES (:p, 1, :t, :t, FALSE)"
                ),
                {"p": person_id, "t": now},
            )
    engine.dispose()


async def converse(
    server: FakeTelegram, first: int, askers: int, rounds: int, label: str, think: float
) -> dict[str, Any]:
    """Each asker (one starting a second) sends `rounds` messages; the staff answer each. People
    take `think` seconds to read and type before each message (not counted)."""
    staff = server.user(STAFF_ID, language_code="en")
    to_staff: list[float] = []
    to_person: list[float] = []
    lost = 0

    async def one(index: int) -> None:
        nonlocal lost
        await asyncio.sleep(index)
        person = server.user(first + index, language_code="en")
        await person.send_text("/ask")
        await person.wait_for(lambda m: "Write your message" in (m.text or ""), 60)
        for turn in range(rounds):
            await asyncio.sleep(think)
            began = time.perf_counter()
            sent = await person.send_text(f"{label} question {index}.{turn}")
            try:
                copy = await staff.wait_for(
                    lambda m, s=sent.message_id, c=person.chat_id: m.copied_from == (c, s), 120
                )
                to_staff.append(time.perf_counter() - began)
                await asyncio.sleep(think)
                began = time.perf_counter()
                answer = f"{label} answer {index}.{turn}"
                await staff.send_text(answer, reply_to=copy.message_id)
                await person.wait_for(lambda m, a=answer: a in (m.text or ""), 120)
                to_person.append(time.perf_counter() - began)
            except AssertionError:
                lost += 1
                print(f"stalled: {label} {index}.{turn}", file=sys.stderr, flush=True)
                return

    await asyncio.gather(*(one(i) for i in range(askers)))
    return {"to_staff": to_staff, "to_person": to_person, "lost": lost}


async def serve(followers: int) -> None:
    """Child process: the server and its people, driven by JSON commands on stdin."""
    async with FakeTelegram(enforce_rate_limits=True) as server:
        follower_ids = set(range(FIRST_CHAT_ID, FIRST_CHAT_ID + followers))
        for chat in follower_ids:
            server.user(chat, language_code="en")
        staff = server.user(STAFF_ID, language_code="en")
        server.user(SECOND_STAFF, language_code="en")
        await staff.send_text("progress")  # message 1: stands for the progress message
        print(json.dumps({"token": server.token, "base_url": server.base_url}), flush=True)
        loop = asyncio.get_running_loop()
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            command = json.loads(line)
            if command.pop("do") == "converse":
                result = await converse(server, **command)
            else:
                sends = server.calls("sendMessage")
                result = {
                    "refused": sum(1 for call in server.requests if call.status == 429),
                    "broadcast_sends": sorted(
                        call.time
                        for call in sends
                        if call.status == 200 and int(call.params.get("chat_id", 0)) in follower_ids
                    ),
                }
            print(json.dumps(result), flush=True)


async def measure(args: argparse.Namespace) -> None:
    """Run both situations in one process pair and print the table."""
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-relay-"))
        if args.postgres:
            url = stack.enter_context(PostgresCluster()).create_database("bench")
        else:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade_to_head(url)
        seed(url, args.followers)
        seed_askers(url, args.askers * 2)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.relay",
            "--serve",
            str(args.followers),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=2**26,
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
            **({"telegram_global_rate": 0} if args.no_pacing else {}),
        }
        bench = Bench(process, url)
        engine = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{engine}, {args.instances} instance(s), {args.askers} people x {args.rounds}")
        print("| situation | to staff | to the person |\n|---|---|---|", flush=True)
        async with bot_instances(args.instances, **settings):
            quiet = await bench.ask(
                do="converse",
                first=ASKERS_FIRST,
                askers=args.askers,
                rounds=args.rounds,
                label="quiet",
                think=args.think,
            )
            _row("quiet", quiet)
            began = time.perf_counter()
            await compose(url)
            busy = await bench.ask(
                do="converse",
                first=ASKERS_FIRST + args.askers,
                askers=args.askers,
                rounds=args.rounds,
                label="busy",
                think=args.think,
            )
            _row(f"during a {args.followers:,}-follower broadcast", busy)
            await bench.broadcast_done()
            seconds = time.perf_counter() - began
            stats = await bench.ask(do="stats")
            relay_states = _relay_states(url)
        assert process.stdin is not None
        process.stdin.close()
        await process.wait()
    sends = stats["broadcast_sends"]
    if len(sends) > 1:
        span = sends[-1] - sends[0]
        print(
            f"\nthe broadcast: {len(sends):,} messages in {span:.1f} s = "
            f"{len(sends) / span:.1f} msg/s (confirmation to done: {seconds:.1f} s)"
        )
        slices = [0] * (int(span // 10) + 1)
        for at in sends:
            slices[int((at - sends[0]) // 10)] += 1
        print("its messages per 10 s:", " ".join(str(n) for n in slices))
    print(f"answers 429 at the server: {stats['refused']}")
    print(f"relayed messages by state: {relay_states}")


def _relay_states(url: str) -> dict[str, int]:
    """Count the relayed messages by direction, status and error code (none should be left)."""
    engine = create_sync_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT direction, status, coalesce(last_error, ''), count(*) "
                "FROM thread_messages GROUP BY 1, 2, 3"
            )
        ).all()
    engine.dispose()
    return {f"{d} {s} {e}".strip(): n for d, s, e, n in rows}


def _row(name: str, result: dict[str, Any]) -> None:
    lost = f" ({result['lost']} conversations stalled)" if result["lost"] else ""
    print(
        f"| {name}{lost} | {percentiles(result['to_staff'])} | "
        f"{percentiles(result['to_person'])} |",
        flush=True,
    )


def main() -> None:
    """Parse the arguments and run (or serve, in the child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=3000)
    parser.add_argument("--askers", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--think", type=float, default=2.0, help="seconds to read and type")
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--instances", type=int, default=1)
    parser.add_argument("--no-pacing", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--verbose", action="store_true", help="log warnings of the bot")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.ERROR)
    if args.serve:
        asyncio.run(serve(int(args.serve)))
        return
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
