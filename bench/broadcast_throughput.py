"""Benchmark a broadcast to many followers against FakeTelegram: time versus the rate limit.

Run: .venv/bin/python -m bench.broadcast_throughput [--followers 100000] [--rate 30]
Prints numbers; asserts nothing (bench/ is never run as tests).

A temporary SQLite database gets an association and N consenting followers (five languages); a
staff member composes a message with a Ukrainian version and confirms it through the real
BroadcastService (one delivery row per follower). The real application then runs its dispatcher
(no updates received) until the broadcast is done, against FakeTelegram in a child process that
enforces Telegram's limits (429 above 30 messages/s or 1 per chat per second) when --rate is 30
or less. Measured: time to complete against the ideal N / rate, the sustained rate, 429 answers,
the busiest 1-second window, duplicates (followers who got it more than once) and the bot's peak
resident memory. 100,000 followers at 30/s take about 56 minutes; --rate 1000 models a bot with
Telegram's paid broadcasts (the server then does not enforce the free limits).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.app import build_application, running
from bot.clock import SystemClock
from bot.config import load_settings
from bot.db.engine import async_session_factory, create_async_engine, create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.services.associations import AssociationService
from bot.services.broadcasts import BroadcastService
from bot.services.unit import Sessions
from fake_telegram.server import FakeTelegram

# PTB periods as timedelta (no deprecation warning on every 429), as `python -m bot` does.
os.environ.setdefault("PTB_TIMEDELTA", "true")

FIRST_CHAT_ID = 400_000_000
STAFF_ID = 399_999_999
LANGUAGES = ("fr", "en", "uk", "ar", "fa_AF")


def seed(url: str, followers: int) -> None:
    """Insert an association, its staff member and `followers` consenting followers."""
    engine = create_sync_engine(url)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO associations (id, name, follow_token, created_at) "
                "VALUES (1, 'Bench', 'benchtoken123', :t)"
            ),
            {"t": now},
        )
        connection.execute(
            sa.text(
                "INSERT INTO staff (association_id, user_id, role, created_at) "
                "VALUES (1, :u, 'admin', :t)"
            ),
            {"u": STAFF_ID, "t": now},
        )
        people = [
            {"id": i + 1, "c": FIRST_CHAT_ID + i, "l": LANGUAGES[i % len(LANGUAGES)], "t": now}
            for i in range(followers)
        ]
        connection.execute(
            sa.text(
                "INSERT INTO persons (id, chat_id, language, consented_at, active, created_at, "
                "updated_at) VALUES (:id, :c, :l, :t, TRUE, :t, :t)"
            ),
            people,
        )
        connection.execute(
            sa.text(
                "INSERT INTO follows (person_id, association_id, created_at) "
                "SELECT id, 1, :t FROM persons"
            ),
            {"t": now},
        )
        if connection.dialect.name == "postgresql":  # the ids were given: move the sequences on
            for table in ("associations", "persons"):
                connection.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    engine.dispose()


async def compose(url: str) -> int:
    """Compose and confirm the broadcast through the real services; return its recipients."""
    engine = create_async_engine(url)
    sessions = Sessions(async_session_factory(engine))
    associations = AssociationService(sessions, SystemClock())
    broadcasts = BroadcastService(sessions, SystemClock(), associations)
    await broadcasts.start(1, STAFF_ID, "en")
    await broadcasts.write(STAFF_ID, "Bureau fermé lundi 12.")
    await broadcasts.wait_for_version(STAFF_ID, "uk")
    await broadcasts.write(STAFF_ID, "Офіс зачинено в понеділок 12.")
    count = await broadcasts.confirm(STAFF_ID, STAFF_ID, 1)
    await engine.dispose()
    return count


async def serve(first: int, count: int, enforce: bool) -> None:
    """Child process: FakeTelegram with the followers and the staff member, until stdin closes."""
    async with FakeTelegram(enforce_rate_limits=enforce) as server:
        for chat in range(first, first + count):
            server.user(chat, language_code="en")
        staff = server.user(STAFF_ID, language_code="en")
        await staff.send_text("progress")  # message 1: stands for the progress message
        print(json.dumps({"token": server.token, "base_url": server.base_url}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        limiter = server.limiter
        per_chat = Counter(
            call.params.get("chat_id") for call in server.calls("sendMessage") if call.status == 200
        )
        stats = {
            "sends": sum(per_chat.values()),
            "refused": sum(1 for c in server.calls("sendMessage") if c.status == 429),
            "max_1s": limiter.max_in_window(window=1.0),
            "duplicates": sum(1 for n in per_chat.values() if n > 1),
            "edits": len(server.calls("editMessageText")),
        }
        print(json.dumps(stats), flush=True)


async def measure(args: argparse.Namespace) -> None:
    """Seed, compose, then time the dispatcher until the broadcast is done."""
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade_to_head(url)
        began = time.perf_counter()
        seed(url, args.followers)
        recipients = await compose(url)
        print(
            f"{args.followers:,} followers seeded and the broadcast confirmed "
            f"({recipients:,} delivery rows) in {time.perf_counter() - began:.1f} s",
            flush=True,
        )
        enforce = args.rate <= 30
        server = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.broadcast_throughput",
            "--serve",
            json.dumps([FIRST_CHAT_ID, args.followers, enforce]),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert server.stdout is not None and server.stdin is not None
        ready = json.loads(await server.stdout.readline())
        config = load_settings(
            env_file=None,
            telegram_bot_token=ready["token"],
            telegram_api_base_url=ready["base_url"],
            database_url=url,
            dispatch_interval=3600,
            telegram_global_rate=args.rate,
            # Throughput of the sending path: the people-facing policies would only add waits.
            broadcast_quiet_hours="off",
            broadcast_daily_cap=0,
        )
        application = build_application(config)
        async with running(application, receive=False):
            dispatcher = application.bot_data.dispatcher
            assert dispatcher is not None
            began = time.perf_counter()
            report = await dispatcher.run_once()
            seconds = time.perf_counter() - began
        server.stdin.close()
        out, _ = await server.communicate()
        stats = json.loads(out.decode().strip().splitlines()[-1])
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        show(args, recipients, seconds, report.sent, stats, peak_mb, _statuses(url))


def show(
    args: argparse.Namespace,
    recipients: int,
    seconds: float,
    sent: int,
    stats: dict[str, Any],
    peak_mb: float,
    statuses: dict[str, int],
) -> None:
    """Print the results."""
    ideal = recipients / args.rate
    print(
        f"rate limit {args.rate}/s: {recipients:,} deliveries in {seconds:.1f} s "
        f"(ideal {ideal:.1f} s: {seconds / ideal:.3f}x); {recipients / seconds:.2f} msg/s"
    )
    print(
        f"server: {stats['sends']:,} messages, {stats['refused']} answers 429, busiest second "
        f"{stats['max_1s']}, duplicates {stats['duplicates']}, progress edits {stats['edits']}"
    )
    print(f"deliveries by status: {statuses}; bot's peak RSS {peak_mb:.0f} MB; sent {sent:,}")


def _statuses(url: str) -> dict[str, int]:
    engine = create_sync_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT status, count(*) FROM deliveries GROUP BY status")
        )
        result = {str(status): int(n) for status, n in rows.all()}
    engine.dispose()
    return result


def main() -> None:
    """Parse the arguments and run (or serve, in the child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=30.0, help="TELEGRAM_GLOBAL_RATE")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        first, count, enforce = json.loads(args.serve)
        asyncio.run(serve(first, count, enforce))
        return
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    asyncio.run(measure(args))


if __name__ == "__main__":
    main()
