"""`python -m bot association hours|retention ...`: the operator sets, for one association, when
its staff read messages and how long its closed conversations are kept."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.clock import SystemClock
from bot.config import Settings
from bot.db.engine import async_session_factory, create_async_engine
from bot.domain.opening_hours import parse_opening
from bot.services.inbox_upkeep import InboxUpkeep
from bot.services.unit import Sessions

OFF = ("off", "none", "")


def hours(args: argparse.Namespace, settings: Settings) -> int:
    """Set the association's opening hours ("mon-fri 9:00-17:00"), or clear them ("off")."""
    text = args.hours.strip().lower()
    try:
        opening = None if text in OFF else parse_opening(text)
    except ValueError as error:
        print(f"error: {error} (for example: mon-fri 9:00-17:00, or off)", file=sys.stderr)
        return 2
    done = asyncio.run(_apply(settings, lambda u: u.set_hours(args.association_id, opening)))
    if not done:
        print(f"error: no association #{args.association_id}", file=sys.stderr)
        return 2
    print(f"Association #{args.association_id}: opening hours {text if opening else 'not set'}")
    return 0


def retention(args: argparse.Namespace, settings: Settings) -> int:
    """Set how many days the association keeps closed conversations ("default": the setting)."""
    text = args.days.strip().lower()
    if text != "default" and not (text.isdigit() and 1 <= int(text) <= 3650):
        print("error: a number of days from 1 to 3650, or default", file=sys.stderr)
        return 2
    days = None if text == "default" else int(text)
    done = asyncio.run(_apply(settings, lambda u: u.set_retention(args.association_id, days)))
    if not done:
        print(f"error: no association #{args.association_id}", file=sys.stderr)
        return 2
    kept = f"{days} days" if days else f"THREAD_RETENTION_DAYS ({settings.thread_retention_days})"
    print(f"Association #{args.association_id}: closed conversations kept {kept}")
    return 0


async def _apply(settings: Settings, change: Callable[[InboxUpkeep], Awaitable[bool]]) -> bool:
    """Run one change on the database of `settings`."""
    engine = create_async_engine(settings.database_url)
    try:
        upkeep = InboxUpkeep(Sessions(async_session_factory(engine)), SystemClock())
        return await change(upkeep)
    finally:
        await engine.dispose()
