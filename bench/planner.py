"""Benchmark the deadline engine: rules loading, and plans computed per second.

Run: .venv/bin/python -m bench.planner [PERSONS]. Prints numbers; asserts nothing
(see docs/benchmarks.md).
The bot recomputes a person's plan on every change of date, stage or language, and the reminder
dispatcher relies on those plans, so the engine must stay far below a millisecond per person.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta

from bot.domain.calendar import PARIS
from bot.domain.events import Event, EventKind, Facts, Outcome, Procedure, Received
from bot.domain.planner import compute_plan
from bot.domain.prefectures import all_prefectures
from bot.domain.rules.loader import default_rulebook, parse_rules, shipped_rules_text

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=PARIS)


def random_facts(rng: random.Random, departments: list[str]) -> Facts:
    """Return a plausible person: a certificate, often a decision, sometimes a permit."""
    issued = date(2024, 1, 1) + timedelta(days=rng.randrange(1000))
    events = [Event(EventKind.CERTIFICATE_ISSUED, issued)]
    if rng.random() < 0.5:
        decided = issued + timedelta(days=rng.randrange(60, 300))
        outcome = rng.choice([Outcome.REJECTED, Outcome.CLOSURE, Outcome.SUBSIDIARY])
        received = rng.choice(list(Received))
        events.append(
            Event(
                EventKind.OFPRA_DECISION,
                min(decided, NOW.date()),
                outcome=outcome,
                received=received,
            )
        )
    procedure = rng.choice([Procedure.NORMAL, Procedure.ACCELERATED])
    return Facts(rng.choice(departments), tuple(events), procedure)


def main() -> None:
    """Print the load time of the rules and the engine's throughput."""
    persons = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    text = shipped_rules_text()
    started = time.perf_counter()
    for _ in range(20):
        parse_rules(text)
    load_ms = (time.perf_counter() - started) / 20 * 1000
    book = default_rulebook()
    rng = random.Random(42)
    departments = list(all_prefectures())
    people = [random_facts(rng, departments) for _ in range(persons)]
    compute_plan(people[0], book, now=NOW)  # warm the holiday cache
    started = time.perf_counter()
    deadlines = sum(len(compute_plan(facts, book, now=NOW).deadlines) for facts in people)
    elapsed = time.perf_counter() - started
    print(f"rules file parsed and validated: {load_ms:.1f} ms ({len(book.rules)} rules)")
    print(f"plans: {persons} in {elapsed:.2f} s = {persons / elapsed:,.0f} plans/s")
    print(f"per plan: {elapsed / persons * 1e6:.0f} µs, {deadlines / persons:.1f} deadlines each")


if __name__ == "__main__":
    main()
