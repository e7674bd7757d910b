"""Benchmark the reminder dispatcher against FakeTelegram over HTTP: speed, pacing, chat spacing.

Run: .venv/bin/python -m bench.dispatch_throughput [--messages 5000] [--paced 600]
Prints numbers; asserts nothing (bench/ is never run as tests).

The real application runs its jobs only (`running(application, receive=False)`) on a temporary
SQLite database; the real Dispatcher claims the due reminders, sends them through PTB (aiohttp, the
SendRateLimiter) to FakeTelegram on 127.0.0.1, and records each outcome. Three parts:

a. rate limiting off (TELEGRAM_GLOBAL_RATE=0): M reminders due now, one per chat; messages/s for
   several DISPATCH_CONCURRENCY and DISPATCH_BATCH values (the defaults: 8 and 500);
b. rate limiting on (TELEGRAM_GLOBAL_RATE=30), the fake server enforcing Telegram's limits (429
   above them): the sustained rate, the most sends seen in any 1-second window overall and in one
   chat, and the number of 429 answers;
c. per-chat pacing: 10 reminders of the same chat due at once; the spacing between them.

A run is timed from the start to the end of `Dispatcher.run_once` (the first, and only, sweep).
By default FakeTelegram runs in the bot's process and event loop, so both share one core;
--server-process runs it in a child process (closer to production, where Telegram's work is not
done by our CPU; it takes the second core).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.app import build_application, running
from bot.config import load_settings
from bot.db.engine import create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Person, Reminder
from bot.domain.rules.loader import default_rulebook
from bot.scheduling.dispatcher import Dispatcher, DispatchReport
from fake_telegram.server import FakeTelegram

# PTB periods as timedelta (no deprecation warning on every 429), as `python -m bot` does.
os.environ.setdefault("PTB_TIMEDELTA", "true")

FIRST_CHAT_ID = 200_000_000
DEFAULT_CONCURRENCY, DEFAULT_BATCH = 8, 500


@dataclass
class Run:
    """What one dispatcher sweep did, seen from the bot, the database and the fake server."""

    label: str
    seconds: float
    cpu: float  # CPU seconds of this process (every thread) during the sweep
    report: DispatchReport  # empty when the sweep raised (see `error`)
    statuses: dict[str, int]  # reminders by status once the application stopped
    sends: int  # sendMessage calls answered 200 by the server
    refused: int  # sendMessage calls answered 429
    error: str | None = None  # the exception that ended the sweep, if any
    server: dict[str, Any] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        """Return the reminders recorded as sent."""
        return self.statuses.get("sent", 0)

    @property
    def rate(self) -> float:
        """Return reminders recorded as sent per second of the sweep."""
        return self.sent / self.seconds if self.seconds else 0.0


# -- the database ------------------------------------------------------------------------------


def create_database(path: Path, chats: int) -> str:
    """Create a migrated database with `chats` persons (private chats, English); return its URL."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    now = datetime.now(UTC)
    rows = [
        {
            "id": i + 1,
            "chat_id": FIRST_CHAT_ID + i,
            "language": "en",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(chats)
    ]
    _write(url, sa.insert(Person.__table__), rows)
    return url


def fresh_copy(template: Path, name: str) -> str:
    """Copy the template database to a new file next to it; return the copy's URL."""
    path = template.with_name(f"{name}.sqlite3")
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def load_reminders(url: str, persons: list[int]) -> None:
    """Replace every reminder by one per entry of `persons` (a person id), due a minute ago.

    Each is a "lead" reminder of a deadline tomorrow, for a different rule or due moment, so the
    dispatcher's clean-up (late or superseded reminders) keeps them all.
    """
    rules = [rule.id for rule in default_rulebook().rules]
    now = datetime.now(UTC)
    tomorrow = now + timedelta(days=1)
    rows = [
        {
            "person_id": person,
            "rule_id": rules[i % len(rules)],
            "kind": "lead",
            "due_at": tomorrow + timedelta(minutes=i),
            "remind_at": now - timedelta(minutes=1),
            "status": "pending",
            "attempts": 0,
            "created_at": now,
        }
        for i, person in enumerate(persons)
    ]
    _write(url, sa.delete(Reminder.__table__))
    _write(url, sa.insert(Reminder.__table__), rows)


def _write(url: str, statement: sa.Executable, rows: list[dict[str, Any]] | None = None) -> None:
    """Execute one statement (executemany with `rows`) in its own transaction."""
    engine = create_sync_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(statement, rows)
    finally:
        engine.dispose()


# -- Telegram: in this process, or in a child process ---------------------------------------


class LocalTelegram:
    """FakeTelegram in this process and event loop."""

    def __init__(self, chats: list[int], enforce: bool) -> None:
        self.server = FakeTelegram(enforce_rate_limits=enforce)
        self.chats = chats

    async def start(self) -> tuple[str, str]:
        """Start the server and create the people; return (token, base_url)."""
        await self.server.start()
        for chat in self.chats:
            self.server.user(chat, language_code="en")
        return self.server.token, self.server.base_url

    async def finish(self) -> dict[str, Any]:
        """Return the server's measurements, then stop it."""
        stats = {**server_stats(self.server), "cpu_s": None}  # shares this process's CPU time
        await self.server.stop()
        return stats


class RemoteTelegram:
    """FakeTelegram in a child process (this script with --serve), reporting on stdin's close."""

    def __init__(self, chats: list[int], enforce: bool) -> None:
        self.chats, self.enforce = chats, enforce
        self.process: asyncio.subprocess.Process | None = None
        self.cpu_at_start = 0.0

    async def start(self) -> tuple[str, str]:
        """Start the child; return (token, base_url) once it listens."""
        serve = json.dumps([self.chats, self.enforce])
        command = [sys.executable, "-m", "bench.dispatch_throughput", "--serve", serve]
        self.process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
        assert self.process.stdout is not None
        ready = json.loads(await self.process.stdout.readline())
        self.cpu_at_start = ready["cpu_s"]
        return ready["token"], ready["base_url"]

    async def finish(self) -> dict[str, Any]:
        """Ask the child for its measurements (by closing its stdin) and wait for it to end."""
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.close()
        out, _ = await self.process.communicate()
        stats = json.loads(out.decode().strip().splitlines()[-1])
        return {**stats, "cpu_s": stats["cpu_s"] - self.cpu_at_start}


def server_stats(server: FakeTelegram) -> dict[str, Any]:
    """Return what the server saw: sends, 429s, the busiest 1-second windows, per-chat spacing."""
    calls = server.calls("sendMessage")
    limiter = server.limiter
    chats = [chat for chat, times in limiter.sends.items() if times]
    spacing = {
        str(chat): [b - a for a, b in zip(times, times[1:], strict=False)]
        for chat, times in limiter.sends.items()
        if len(times) > 1
    }
    return {
        "sends": sum(1 for c in calls if c.status == 200),
        "refused": sum(1 for c in calls if c.status == 429),
        "max_1s": limiter.max_in_window(window=1.0),
        "max_1s_chat": max((limiter.max_in_window(chat, 1.0) for chat in chats), default=0),
        "spacing": spacing,
        "span": (max(limiter.all_sends) - min(limiter.all_sends)) if limiter.all_sends else 0.0,
        "cpu_s": time.process_time(),
    }


async def serve(chats: list[int], enforce: bool) -> None:
    """Child process: run FakeTelegram until stdin closes, then print its measurements."""
    async with FakeTelegram(enforce_rate_limits=enforce) as server:
        for chat in chats:
            server.user(chat, language_code="en")
        ready = {"token": server.token, "base_url": server.base_url, "cpu_s": time.process_time()}
        print(json.dumps(ready), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        print(json.dumps(server_stats(server)), flush=True)


# -- one sweep of the real dispatcher ---------------------------------------------------------


async def sweep(
    label: str, url: str, chats: list[int], *, remote: bool, enforce: bool = False, **settings: Any
) -> Run:
    """Run the application until its first dispatcher sweep ends; return what happened."""
    telegram = (RemoteTelegram if remote else LocalTelegram)(chats, enforce)
    token, base_url = await telegram.start()
    finished: asyncio.Future[tuple[float, float, DispatchReport, str | None]] = (
        asyncio.get_running_loop().create_future()
    )
    original = Dispatcher.run_once

    async def observed(self: Dispatcher) -> DispatchReport:
        """Time the sweep and hand its report (or its exception) over; first sweep only."""
        begun, cpu = time.perf_counter(), time.process_time()
        report, error = DispatchReport(), None
        try:
            report = await original(self)
        except Exception as exc:
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"
            raise
        finally:
            if not finished.done():
                took = (time.perf_counter() - begun, time.process_time() - cpu)
                finished.set_result((*took, report, error))
        return report

    Dispatcher.run_once = observed  # type: ignore[method-assign]
    try:
        config = load_settings(
            env_file=None,
            telegram_bot_token=token,
            telegram_api_base_url=base_url,
            database_url=url,
            dispatch_interval=3600,
            **settings,
        )
        application = build_application(config)
        async with running(application, receive=False):
            seconds, cpu, report, error = await asyncio.wait_for(finished, timeout=900)
            if error:  # the sweep's other deliveries go on in the background: let them end
                await _orphans_done()
    finally:
        Dispatcher.run_once = original  # type: ignore[method-assign]
    stats = await telegram.finish()
    return Run(
        label,
        seconds,
        cpu,
        report,
        count_statuses(url),
        stats["sends"],
        stats["refused"],
        error,
        stats,
    )


async def _orphans_done() -> None:
    """Wait for deliveries left running by a sweep that raised (asyncio.gather does not cancel
    the others when one fails)."""
    orphans = [
        task
        for task in asyncio.all_tasks()
        if "_deliver_all" in getattr(task.get_coro(), "__qualname__", "")
    ]
    if orphans:
        await asyncio.wait(orphans, timeout=300)


def count_statuses(url: str) -> dict[str, int]:
    """Return the number of reminders in each status."""
    engine = create_sync_engine(url)
    try:
        with engine.connect() as connection:
            table = Reminder.__table__
            query = sa.select(table.c.status, sa.func.count()).group_by(table.c.status)
            return {str(status): int(n) for status, n in connection.execute(query).all()}
    finally:
        engine.dispose()


# -- the three parts ------------------------------------------------------------------------


async def part_a(template: Path, args: argparse.Namespace) -> list[Run]:
    """Rate limiting off: messages/s for each concurrency and batch size."""
    chats = [FIRST_CHAT_ID + i for i in range(args.messages)]
    runs = []
    for batch in args.batch:
        for concurrency in args.concurrency:
            url = fresh_copy(template, f"a-{concurrency}-{batch}")
            load_reminders(url, list(range(1, args.messages + 1)))
            run = await sweep(
                f"c={concurrency} b={batch}",
                url,
                chats,
                remote=args.server_process,
                telegram_global_rate=0,
                dispatch_concurrency=concurrency,
                dispatch_batch=batch,
            )
            print(
                f"  a. {run.label}: {describe(run)}; CPU ms/msg: bot "
                f"{_per_message(run.cpu, run)}, server {_per_message(run.server['cpu_s'], run)}"
                " (until the sweep ended)",
                flush=True,
            )
            runs.append(run)
    return runs


async def part_b(template: Path, args: argparse.Namespace) -> Run:
    """Rate limiting on (30/s), limits enforced by the server: sustained rate and the maxima."""
    chats = [FIRST_CHAT_ID + i for i in range(args.paced)]
    url = fresh_copy(template, "b")
    load_reminders(url, list(range(1, args.paced + 1)))
    return await sweep(
        "paced 30/s",
        url,
        chats,
        remote=args.server_process,
        enforce=True,
        telegram_global_rate=30,
    )


async def part_c(template: Path, args: argparse.Namespace) -> Run:
    """Ten reminders of one chat due at once: the spacing the per-chat pacing gives them."""
    url = fresh_copy(template, "c")
    load_reminders(url, [1] * args.same_chat)
    return await sweep(
        "same chat",
        url,
        [FIRST_CHAT_ID],
        remote=args.server_process,
        enforce=True,
        telegram_global_rate=30,
    )


def _per_message(cpu: float | None, run: Run) -> str:
    """Return CPU milliseconds per message sent, or "-" when not measured apart."""
    return f"{cpu / run.sends * 1000:.2f}" if cpu is not None and run.sends else "-"


# -- output ---------------------------------------------------------------------------------


def describe(run: Run) -> str:
    """Return one line: sends, recorded outcomes, rates, and what went wrong."""
    line = (
        f"{run.sends} sends answered, {run.sent} recorded sent, {run.statuses}; "
        f"sweep {run.seconds:.2f} s"
    )
    if not run.error:
        line += f" = {run.rate:,.0f} msg/s"
    line += f"; sends/s at the server {server_rate(run):,.0f}"
    if run.report.retried:
        line += f"; retried {run.report.retried} {run.report.errors}"
    if run.error:
        line += f"; SWEEP RAISED {run.error}"
    return line


def server_rate(run: Run) -> float:
    """Return sends per second at the server, from the first send to the last."""
    return (run.sends - 1) / run.server["span"] if run.server.get("span") else 0.0


def print_part_a(a: list[Run], args: argparse.Namespace) -> None:
    """Print the table of part a, and the best and default configurations."""
    print(
        f"\na. rate limiting off, {args.messages:,} reminders, one per chat "
        f"(Telegram {'in a child process' if args.server_process else 'in-process'})"
    )
    print(
        f"{'concurrency':>11} {'batch':>6} | {'sweep s':>8} {'msg/s':>6} {'sends/s':>8} "
        f"{'CPU ms':>6} {'sent':>5} {'claimed':>7}  sweep"
    )
    for run in a:
        concurrency, batch = (int(part.split("=")[1]) for part in run.label.split())
        default = (concurrency, batch) == (DEFAULT_CONCURRENCY, DEFAULT_BATCH)
        rate = f"{run.rate:>6,.0f}" if not run.error else f"{'-':>6}"
        cpu = _per_message(run.cpu, run) if not run.error else "-"
        outcome = f"RAISED {run.error[:40]}" if run.error else "completed"
        print(
            f"{concurrency:>11} {batch:>6} | {run.seconds:>8.2f} {rate} "
            f"{server_rate(run):>8,.0f} {cpu:>6} {run.sent:>5} "
            f"{run.statuses.get('claimed', 0):>7}  {outcome}{'  <- default' if default else ''}"
        )
    print(
        "msg/s: recorded sent / sweep time (completed sweeps only); sends/s: at the server, "
        "first to last send;\nCPU ms: this process's CPU per message; claimed: left claimed "
        "and unrecorded (Telegram had them: re-sent when the 5-min lease ends)"
    )
    completed = [run for run in a if not run.error]
    if completed:
        best = max(completed, key=lambda run: run.rate)
        print(f"best completed sweep: {best.label} at {best.rate:,.0f} msg/s (target >= 1,000/s)")
    fastest = max(a, key=server_rate)
    print(
        f"fastest sending at the server: {fastest.label} at {server_rate(fastest):,.0f} sends/s; "
        f"sweeps that raised: {len(a) - len(completed)} of {len(a)}"
    )


def print_results(a: list[Run], b: Run, c: Run, args: argparse.Namespace) -> None:
    """Print the three parts as tables."""
    print_part_a(a, args)
    print(
        f"\nb. rate limiting on (TELEGRAM_GLOBAL_RATE=30), {args.paced} reminders, "
        "server enforcing Telegram's limits"
    )
    print(f"  {describe(b)}")
    print(
        f"  sustained: {b.rate:.1f} msg/s over the sweep, {server_rate(b):.2f} sends/s from "
        "first to last send at the server"
    )
    print(
        f"  max sends in any 1-s window: overall {b.server['max_1s']} (limit 30), "
        f"per chat {b.server['max_1s_chat']} (limit 1)"
    )
    print(f"  429 answers: {b.refused} (should be 0)")

    gaps = [gap for gaps in c.server["spacing"].values() for gap in gaps]
    print(f"\nc. per-chat pacing: {args.same_chat} reminders of one chat due at once")
    print(f"  {describe(c)}")
    if gaps:
        print(
            f"  spacing between sends at the server: min {min(gaps):.4f} s, median "
            f"{statistics.median(gaps):.4f} s, max {max(gaps):.4f} s (target >= 1 s each); "
            f"max in any 1-s window {c.server['max_1s_chat']}"
        )


async def measure(args: argparse.Namespace, workdir: Path) -> None:
    """Create the database, run the three parts, print the tables."""
    template = workdir / "template.sqlite3"
    create_database(template, max(args.messages, args.paced))
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, SQLite database in {workdir}",
        flush=True,
    )
    a = await part_a(template, args)
    b = await part_b(template, args)
    print(f"  b. {describe(b)}", flush=True)
    c = await part_c(template, args)
    print_results(a, b, c, args)


def main() -> None:
    """Parse the sizes and run the benchmark (or, with --serve, be the Telegram child process)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000, help="reminders for part a")
    parser.add_argument(
        "--concurrency",
        type=int,
        nargs="+",
        default=[4, 8, 16, 64, 256],
        help="DISPATCH_CONCURRENCY values for part a (default: 4 8 16 64 256)",
    )
    parser.add_argument(
        "--batch",
        type=int,
        nargs="+",
        default=[500, 2000],
        help="DISPATCH_BATCH values for part a (default: 500 2000)",
    )
    parser.add_argument("--paced", type=int, default=600, help="reminders for part b (≈20 s)")
    parser.add_argument("--same-chat", type=int, default=10, help="reminders of one chat, part c")
    parser.add_argument(
        "--server-process",
        action="store_true",
        help="run FakeTelegram in a child process instead of in-process",
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        chats, enforce = json.loads(args.serve)
        asyncio.run(serve(chats, enforce))
        return
    with tempfile.TemporaryDirectory(prefix="bench-dispatch-") as workdir:
        asyncio.run(measure(args, Path(workdir)))


if __name__ == "__main__":
    main()
