"""Benchmark start-up time and peak memory with many pending reminders: our design vs the naive one.

Run: .venv/bin/python -m bench.reminders_startup [--counts 100000 300000 1000000]
Prints numbers; asserts nothing (bench/ is never run as tests).

For each count a SQLite database is built once in a temporary directory (migrated, then persons and
future reminders bulk-inserted with Core executemany; the build is timed apart and not counted).
Each design then starts in a FRESH subprocess, so memory is clean, with a FakeTelegram in the same
process:

- ours: `build_application` + `running(application, receive=False)`, until the first dispatcher
  run has completed (nothing is due: every reminder is in the future);
- naive (PTB's timerbot example, done at start): load every pending reminder and schedule one
  `job_queue.run_once(callback, when=remind_at)` per reminder, then start the application.

Start-up is measured from `build_application` (or `Application.builder()`) to that moment, after
Python and the imports (shown apart). Peak RSS is `ru_maxrss` of the subprocess at that moment.
A naive run that takes longer than --naive-timeout or more memory than --naive-memory-mb is stopped,
and its figures at the largest count are extrapolated linearly from the smaller counts (said so).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bot.db.engine import create_sync_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Person, Reminder
from bot.domain.rules.loader import default_rulebook

# PTB periods as timedelta (no deprecation warning on every 429), as `python -m bot` does.
os.environ.setdefault("PTB_TIMEDELTA", "true")

CHUNK = 50_000
FIRST_CHAT_ID = 100_000_000
TARGET_SECONDS, TARGET_MB = 2.0, 150.0


# -- the database ------------------------------------------------------------------------------


def build_database(path: Path, reminders: int, per_person: int) -> float:
    """Create a migrated database with `reminders` future reminders; return the seconds it took."""
    started = time.perf_counter()
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    engine = create_sync_engine(url, foreign_keys=False)
    persons = math.ceil(reminders / per_person)
    try:
        with engine.begin() as connection:
            for first in range(0, persons, CHUNK):
                rows = _person_rows(first, min(first + CHUNK, persons))
                connection.execute(sa.insert(Person.__table__), rows)
            for first in range(0, reminders, CHUNK):
                rows = _reminder_rows(first, min(first + CHUNK, reminders), per_person)
                connection.execute(sa.insert(Reminder.__table__), rows)
    finally:
        engine.dispose()
    return time.perf_counter() - started


def _person_rows(first: int, end: int) -> list[dict[str, object]]:
    """Return persons first+1 .. end (ids), each in their own private chat, speaking English."""
    now = datetime.now(UTC)
    return [
        {
            "id": i + 1,
            "chat_id": FIRST_CHAT_ID + i,
            "language": "en",
            "active": True,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(first, end)
    ]


def _reminder_rows(first: int, end: int, per_person: int) -> list[dict[str, object]]:
    """Return reminders first .. end-1, due between tomorrow and a year from now."""
    rules = [rule.id for rule in default_rulebook().rules]
    rng = random.Random(first)
    now = datetime.now(UTC)
    rows: list[dict[str, object]] = []
    for index in range(first, end):
        remind_at = now + timedelta(days=1 + rng.random() * 364)
        rows.append(
            {
                "person_id": index // per_person + 1,
                "rule_id": rules[index % len(rules)],
                "remind_at": remind_at,
                "due_at": remind_at + timedelta(days=rng.randint(1, 30)),
                "kind": "lead",
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            }
        )
    return rows


# -- inside the measured subprocess ----------------------------------------------------------


def _rss_mb() -> float | None:
    """Return the current resident set size in MB (Linux), or None where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _peak_mb() -> float:
    """Return this process's peak RSS in MB (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def start_ours(url: str) -> dict[str, float]:
    """Start the real application (jobs only) and wait for the first dispatcher run to complete."""
    from bot.app import build_application, running
    from bot.config import load_settings
    from bot.scheduling.dispatcher import Dispatcher
    from fake_telegram.server import FakeTelegram

    first_run = asyncio.Event()
    timings: dict[str, float] = {}
    original = Dispatcher.run_once

    async def observed(self: Dispatcher):  # type: ignore[no-untyped-def]
        """Time the dispatcher's run and signal the end of the first one."""
        begun = time.perf_counter()
        report = await original(self)
        timings.setdefault("first_run_s", time.perf_counter() - begun)
        first_run.set()
        return report

    Dispatcher.run_once = observed  # type: ignore[method-assign]
    async with FakeTelegram() as telegram:
        baseline = _rss_mb()
        settings = load_settings(
            env_file=None,
            telegram_bot_token=telegram.token,
            telegram_api_base_url=telegram.base_url,
            database_url=url,
        )
        started = time.perf_counter()
        application = build_application(settings)
        async with running(application, receive=False):
            timings["ready_s"] = time.perf_counter() - started
            await asyncio.wait_for(first_run.wait(), timeout=600)
            elapsed = time.perf_counter() - started
            peak = _peak_mb()
    return {"startup_s": elapsed, "peak_mb": peak, "baseline_mb": baseline or 0.0, **timings}


async def start_naive(url: str) -> dict[str, float]:
    """Start a PTB application that schedules one JobQueue job per pending reminder."""
    from telegram.ext import Application, ContextTypes
    from telegram.request import HTTPXRequest

    from bot.db.engine import create_async_engine
    from fake_telegram.server import FakeTelegram

    async def remind(context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send one reminder (never reached here: every reminder is in the future)."""
        job = context.job
        assert job is not None and job.chat_id is not None
        await context.bot.send_message(job.chat_id, f"Reminder {job.data}")

    async with FakeTelegram() as telegram:
        baseline = _rss_mb()
        started = time.perf_counter()
        application = (
            Application.builder()
            .token(telegram.token)
            .base_url(telegram.base_url)
            .request(HTTPXRequest(connection_pool_size=64))
            .build()
        )
        await application.initialize()
        initialized = time.perf_counter() - started
        engine = create_async_engine(url)
        loading = time.perf_counter()
        async with engine.connect() as connection:
            rows = (await connection.execute(_pending_query())).all()
        await engine.dispose()
        loaded = time.perf_counter() - loading
        queue = application.job_queue
        assert queue is not None
        scheduling = time.perf_counter()
        for reminder_id, chat_id, remind_at in rows:
            # As in examples/timerbot.py: one job per alarm, named after the chat.
            queue.run_once(
                remind, when=remind_at, chat_id=chat_id, name=str(chat_id), data=reminder_id
            )
        scheduled = time.perf_counter() - scheduling
        await application.start()
        elapsed = time.perf_counter() - started
        peak = _peak_mb()
        jobs = len(queue.jobs())
        await application.stop()
        await application.shutdown()
    return {
        "startup_s": elapsed,
        "peak_mb": peak,
        "baseline_mb": baseline or 0.0,
        "init_s": initialized,
        "load_s": loaded,
        "schedule_s": scheduled,
        "jobs": jobs,
    }


def _pending_query() -> sa.Select:
    """Return the pending reminders with their chat: the least the naive design must load."""
    r, p = Reminder.__table__, Person.__table__
    return (
        sa.select(r.c.id, p.c.chat_id, r.c.remind_at)
        .join(p, p.c.id == r.c.person_id)
        .where(r.c.status == "pending", p.c.active.is_(True))
    )


def child(design: str, url: str, spawned_at: float, memory_mb: int) -> None:
    """Run one design in this (fresh) process and print its numbers as JSON on stdout."""
    imports_s = time.time() - spawned_at
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        runner = start_ours if design == "ours" else start_naive
        result: dict[str, object] = {**asyncio.run(runner(url)), "imports_s": imports_s}
    except MemoryError:
        result = {"error": f"out of memory (address space limited to {memory_mb} MB)"}
    print(json.dumps(result), flush=True)


# -- the parent: build, spawn, tabulate ------------------------------------------------------


def measure(design: str, url: str, timeout: float, memory_mb: int) -> dict[str, object]:
    """Run one design in a fresh subprocess; return its numbers, or an "error" entry."""
    command = [
        sys.executable,
        "-m",
        "bench.reminders_startup",
        "--child",
        design,
        "--url",
        url,
        "--spawned-at",
        repr(time.time()),
        "--memory-mb",
        str(memory_mb),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    return json.loads(lines[-1])


def extrapolate(points: dict[int, dict[str, object]], count: int, key: str) -> float | None:
    """Extrapolate `key` linearly to `count` from the two largest measured counts."""
    measured = sorted(n for n, r in points.items() if key in r)
    if len(measured) < 2:
        return None
    (n1, n2) = measured[-2:]
    y1, y2 = float(points[n1][key]), float(points[n2][key])  # type: ignore[arg-type]
    return y2 + (y2 - y1) / (n2 - n1) * (count - n2)


def print_table(counts: list[int], ours: dict[int, dict], naive: dict[int, dict]) -> None:
    """Print start-up seconds and peak RSS of both designs, side by side."""
    print()
    print(
        f"{'reminders':>10} | {'ours: start s':>13} {'peak MB':>8} {'1st run s':>9} | "
        f"{'naive: start s':>14} {'peak MB':>8} {'load s':>7}"
    )
    print("-" * 84)
    for count in counts:
        o, n = ours[count], naive[count]
        left = (
            f"{o['startup_s']:>13.2f} {o['peak_mb']:>8.0f} {o['first_run_s']:>9.3f}"
            if "error" not in o
            else f"{o['error'][:32]:>32}"
        )
        if "startup_s" in n:
            mark = "*" if n.get("extrapolated") else " "
            load = f"{n['load_s']:>7.2f}" if "load_s" in n else f"{'-':>7}"
            right = f"{n['startup_s']:>13.1f}{mark} {n['peak_mb']:>8.0f} {load}"
        else:
            right = f"{n.get('error', '')[:32]:>32}"
        print(f"{count:>10,} | {left} | {right}")
    if any(n.get("extrapolated") for n in naive.values()):
        print("* extrapolated linearly from the two largest measured counts (not measured)")
    for name, results in (("ours", ours), ("naive", naive)):
        baselines = [r["baseline_mb"] for r in results.values() if "baseline_mb" in r]
        if baselines:
            print(
                f"{name}: RSS after imports + FakeTelegram, before start-up: "
                f"~{statistics.median(baselines):.0f} MB (included in its peak)"
            )
    print("ours: start-up includes the dispatch job's fixed first delay (first=0.2 s)")
    print(f"targets for ours at the largest count: < {TARGET_SECONDS} s, < {TARGET_MB:.0f} MB")


def run_all(args: argparse.Namespace, workdir: Path) -> None:
    """Build each database, measure both designs on it, and print the table."""
    ours: dict[int, dict] = {}
    naive: dict[int, dict] = {}
    for count in args.counts:
        path = workdir / f"bench-{count}.sqlite3"
        built = build_database(path, count, args.per_person)
        size = path.stat().st_size / 1e6
        print(
            f"{count:,} reminders ({math.ceil(count / args.per_person):,} persons): "
            f"built in {built:.1f} s (not counted), {size:.0f} MB on disk",
            flush=True,
        )
        url = f"sqlite:///{path}"
        ours[count] = measure("ours", url, args.naive_timeout, 0)
        print(f"  ours:  {ours[count]}", flush=True)
        naive[count] = measure("naive", url, args.naive_timeout, args.naive_memory_mb)
        print(f"  naive: {naive[count]}", flush=True)
        if "error" in naive[count]:
            for key in ("startup_s", "peak_mb"):
                value = extrapolate(naive, count, key)
                if value is not None:
                    naive[count] = {**naive[count], key: value, "extrapolated": True}
        path.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    print_table(args.counts, ours, naive)


def main() -> None:
    """Parse the sizes, then measure (or, with --child, be one measured subprocess)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--counts",
        type=int,
        nargs="+",
        default=[100_000, 300_000, 1_000_000],
        help="numbers of pending reminders, ascending (default: 100k 300k 1M)",
    )
    parser.add_argument("--per-person", type=int, default=10, help="reminders per person")
    parser.add_argument(
        "--naive-timeout",
        type=float,
        default=300.0,
        help="seconds before a subprocess is stopped (default 300)",
    )
    parser.add_argument(
        "--naive-memory-mb",
        type=int,
        default=8000,
        help="address-space limit of the naive subprocess, MB (default 8000)",
    )
    parser.add_argument("--child", choices=["ours", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--memory-mb", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args.spawned_at, args.memory_mb)
        return
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; each design in a fresh "
        "subprocess with a FakeTelegram on 127.0.0.1"
    )
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as workdir:
        run_all(args, Path(workdir))


if __name__ == "__main__":
    main()
