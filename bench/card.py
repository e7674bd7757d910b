"""Measure /card: time to draw a person's card (PNG and PDF) per language, and its sizes.

Run: .venv/bin/python -m bench.card [--rounds 5]
Prints numbers; asserts nothing. The plan is a rejection received by post and a certificate (five
steps: more than one page holds, so the fitting is measured too).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date, datetime
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from bot.card.render import card_for
from bot.domain.events import Event, EventKind, Facts, Outcome, Received
from bot.domain.planner import compute_plan
from bot.domain.rules.loader import default_rulebook
from bot.i18n import supported_languages, translator

NOW = datetime(2026, 7, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    decision = Event(
        EventKind.OFPRA_DECISION, date(2026, 7, 1), outcome=Outcome.REJECTED, received=Received.POST
    )
    certificate = Event(EventKind.CERTIFICATE_ISSUED, date(2026, 6, 20))
    plan = compute_plan(
        Facts("93", (decision, certificate)),
        default_rulebook(),
        now=NOW,
        reminder_time=clock_time(9),
    )
    print("| language | draw PNG + PDF: p50 / max | PNG | PDF |")
    print("|---|---|---|---|")
    for language in supported_languages():
        t = translator(language.code)
        card_for(t, plan, NOW.date())  # fonts loaded once
        times = []
        for _ in range(rounds):
            began = time.perf_counter()
            card = card_for(t, plan, NOW.date())
            times.append(time.perf_counter() - began)
        print(
            f"| {language.code} | {statistics.median(times) * 1000:.0f} ms / "
            f"{max(times) * 1000:.0f} ms | {len(card.png) / 1024:.0f} kB | "
            f"{len(card.pdf) / 1024:.0f} kB |"
        )


if __name__ == "__main__":
    main()
