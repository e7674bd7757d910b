"""`python -m bot replan`: recompute every stored plan with the rules of this release.

Safe while the bot runs (short transactions, one batch at a time). Prints a progress bar on
stderr and a summary of how many dates moved; people whose deadline moved, or who now have one,
get one message through the dispatcher. `run` does the same by itself when the rules changed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from bot.cli import USAGE_ERROR, configure_logging, settings_from_environment
from bot.clock import SystemClock
from bot.config import Settings
from bot.db.engine import async_session_factory, create_async_engine
from bot.db.migrate import current_revision, head_revision
from bot.domain.rules.loader import default_rulebook
from bot.services.plans import PlanService
from bot.services.replan import ReplanBusy, ReplanReport, ReplanService
from bot.services.unit import Sessions

BAR = 30


def replan(args: argparse.Namespace) -> int:
    """Recompute every plan; exit 0 when done, 1 when another process is doing it."""
    settings = settings_from_environment()
    configure_logging(settings)
    if current_revision(settings.database_url) != head_revision():
        print("error: the database is not migrated; run `python -m bot migrate`", file=sys.stderr)
        return USAGE_ERROR
    try:
        report = asyncio.run(_replan(settings, args.batch, sys.stderr))
    except ReplanBusy:
        print("another process is recomputing the plans; try again later", file=sys.stderr)
        return 1
    print(summary(report))
    return 0


async def _replan(settings: Settings, batch: int, out: TextIO) -> ReplanReport:
    """Run the replan over the configured database."""
    engine = create_async_engine(settings.database_url)
    try:
        plans = PlanService(
            Sessions(async_session_factory(engine)),
            default_rulebook(),
            SystemClock(),
            settings.timezone,
            settings.reminder_time,
        )
        bar = ProgressBar(out)
        report = await ReplanService(plans, batch=batch).run(bar.update)
        bar.finish()
        return report
    finally:
        await engine.dispose()


class ProgressBar:
    """A one-line bar on a terminal; a line every tenth of the way elsewhere (logs, CI)."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.terminal, self.shown = out, out.isatty(), -1

    def update(self, done: int, total: int) -> None:
        """Show how many plans are done out of the total."""
        share = done / total if total else 1.0
        if self.terminal:
            filled = round(share * BAR)
            self.out.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {done:,}/{total:,}")
        elif int(share * 10) > self.shown:
            self.shown = int(share * 10)
            self.out.write(f"replan: {done:,}/{total:,} people\n")
        self.out.flush()

    def finish(self) -> None:
        """End the bar's line."""
        if self.terminal:
            self.out.write("\n")


def summary(report: ReplanReport) -> str:
    """Return the end-of-run summary: counts only."""
    lines = [
        f"Recomputed {report.people:,} plans: {report.moved:,} dates moved, "
        f"{report.new:,} new deadlines, {report.notified:,} people told."
    ]
    if report.skipped:
        lines.append(f"{report.skipped:,} people kept as they were (their dates are refused now).")
    for rule_id, count in sorted(report.moved_by_rule.items(), key=lambda item: -item[1]):
        lines.append(f"  {rule_id}: {count:,} moved")
    return "\n".join(lines)
