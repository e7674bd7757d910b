"""Benchmark `replan`: recompute 100,000 stored plans after a correction of the rules.

Run: .venv/bin/python -m bench.replan [--people 100000] [--batch 200] [--database-url URL]
Prints numbers; asserts nothing (bench/ is never run as tests).

The database (SQLite in a temporary directory unless --database-url names an empty PostgreSQL
database) is filled with people whose plans were computed with the rules as they were before the
second legal review: the CNDA appeal without its franc day and its month-end reading, Dublin
transfer appeals ending in June 2026. A third of the people have an Ofpra rejection, a third a
certificate, a third a Dublin transfer decision. Their reminder rows are bulk-inserted (the build
is timed apart). Then, with the clock on 16 September 2026:

1. `ReplanService.run` with the shipped rules, while a person saves an answer every 50 ms (the
   latency of those saves is measured beside the latency of the same saves with no replan);
2. a second run, which must change nothing (idempotent), timed too.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.clock import ManualClock
from bot.db.engine import (
    async_session_factory,
    create_async_engine,
    create_sync_engine,
)
from bot.db.migrate import upgrade_to_head
from bot.db.models import KeyDate, Person, Reminder
from bot.domain.events import Detained, Event, EventKind, Facts, Outcome, Received
from bot.domain.planner import compute_plan
from bot.domain.rules.loader import default_rulebook
from bot.services.plans import PlanService, _wanted_reminders
from bot.services.replan import ReplanService
from bot.services.unit import Sessions
from tests.support.rulebooks import rules_before_the_review

# PTB periods as timedelta (no deprecation warning on every 429), as `python -m bot` does.
os.environ.setdefault("PTB_TIMEDELTA", "true")

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 9, 16, 12, 0, tzinfo=PARIS)
CHUNK = 20_000


def person_events(index: int) -> tuple[Event, ...]:
    """Return the dates of person `index`: a rejection, a certificate or a transfer decision."""
    day = date(2026, 9, 1 + index % 15)
    kind = index % 3
    if kind == 0:
        return (
            Event(EventKind.OFPRA_DECISION, day, outcome=Outcome.REJECTED, received=Received.POST),
        )
    if kind == 1:
        return (Event(EventKind.CERTIFICATE_ISSUED, day),)
    return (Event(EventKind.DUBLIN_TRANSFER_NOTIFIED, day, detained=Detained.NO),)


def build(url: str, people: int) -> float:
    """Fill the database with people and the reminder rows of their old plans; return seconds."""
    started = time.perf_counter()
    upgrade_to_head(url)
    engine = create_sync_engine(url, foreign_keys=False)
    book = rules_before_the_review()
    plans: dict[int, tuple] = {}
    for variant in range(45):  # 3 kinds x 15 days: compute each distinct plan once
        events = person_events(variant)
        plan = compute_plan(Facts("93", events, None), book, now=NOW, reminder_time=clock_time(9))
        plans[variant] = (events, sorted(_wanted_reminders(plan, NOW)))
    try:
        with engine.begin() as connection:
            for first in range(0, people, CHUNK):
                ids = range(first + 1, min(first + CHUNK, people) + 1)
                connection.execute(
                    sa.insert(Person.__table__),
                    [
                        {"id": i, "chat_id": 500_000_000 + i, "language": "fr",
                         "department": "93", "active": True, "created_at": NOW,
                         "updated_at": NOW, "consented_at": NOW, "last_seen_at": NOW}
                        for i in ids
                    ],
                )  # fmt: skip
                dates, rows = [], []
                for i in ids:
                    events, wanted = plans[i % 45]
                    dates += [
                        {"person_id": i, "event": e.kind.value, "occurred_on": e.on,
                         "outcome": e.outcome and e.outcome.value,
                         "received": e.received and e.received.value,
                         "detained": e.detained and e.detained.value, "estimated": False,
                         "created_at": NOW, "updated_at": NOW}
                        for e in events
                    ]  # fmt: skip
                    rows += [
                        {"person_id": i, "rule_id": rule, "due_at": due, "remind_at": at,
                         "kind": kind, "status": "pending", "attempts": 0, "created_at": NOW}
                        for rule, due, at, kind in wanted
                    ]  # fmt: skip
                connection.execute(sa.insert(KeyDate.__table__), dates)
                connection.execute(sa.insert(Reminder.__table__), rows)
    finally:
        engine.dispose()
    return time.perf_counter() - started


async def saves(plans: PlanService, people: int, stop: asyncio.Event) -> list[float]:
    """Save a new decision date for random people every 50 ms; return each save's seconds."""
    latencies, randomiser = [], random.Random(7)
    while not stop.is_set():
        chat_id = 500_000_000 + randomiser.randrange(0, people, 3) + 1  # people with a rejection
        event = Event(
            EventKind.OFPRA_DECISION,
            date(2026, 9, randomiser.randint(1, 15)),
            outcome=Outcome.REJECTED,
            received=Received.POST,
        )
        started = time.perf_counter()
        await plans.save(chat_id, (event,))
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.05)
    return latencies


def spread(values: list[float]) -> str:
    """Return p50 / p99 / max in milliseconds."""
    if not values:
        return "-"
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms ({len(ordered)} saves)"
    )


async def measure(url: str, people: int, batch: int) -> None:
    """Run the replan twice beside a person's saves, and the saves alone; print the numbers."""
    engine = create_async_engine(url)
    plans = PlanService(
        Sessions(async_session_factory(engine)),
        default_rulebook(),
        ManualClock(NOW),
        PARIS,
        clock_time(9, 0),
    )
    service = ReplanService(plans, batch=batch)
    try:
        stop = asyncio.Event()
        quiet_task = asyncio.create_task(saves(plans, people, stop))
        await asyncio.sleep(5)
        stop.set()
        quiet = await quiet_task

        stop = asyncio.Event()
        busy_task = asyncio.create_task(saves(plans, people, stop))
        started = time.perf_counter()
        report = await service.run()
        seconds = time.perf_counter() - started
        stop.set()
        busy = await busy_task

        started = time.perf_counter()
        again = await service.run()
        second = time.perf_counter() - started
    finally:
        await engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"replan: {report.people:,} plans in {seconds:.1f} s ({report.people / seconds:,.0f}/s)")
    print(
        f"  {report.moved:,} dates moved, {report.new:,} new deadlines, "
        f"{report.notified:,} people told; by rule: {report.moved_by_rule}"
    )
    print(
        f"second run: {again.people:,} plans in {second:.1f} s, "
        f"{again.moved} moved, {again.new} new"
    )
    print(f"a person's save, no replan running: {spread(quiet)}")
    print(f"a person's save, during the replan:  {spread(busy)}")
    print(f"peak RSS: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-replan-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        built = build(url, args.people)
        print(f"built {args.people:,} people with their old plans in {built:.1f} s")
        asyncio.run(measure(url, args.people, args.batch))


if __name__ == "__main__":
    main()
