"""`python -m bot places import FILE | list`: the operator's own entries of the directory of help.

The file (TOML, one `[places.<key>]` table per place) is the truth for the operator's entries:
`import` adds, updates and removes them to match it, and refuses the whole file when one entry
lacks its source or its verification date. Associations keep their own entries in Telegram.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.clock import SystemClock
from bot.config import Settings
from bot.db.engine import async_session_factory, create_async_engine
from bot.domain.directory import is_shown, needs_check, read_entries
from bot.services.directory import DirectoryService, PlaceView
from bot.services.unit import Sessions

T = TypeVar("T")


def import_file(args: argparse.Namespace, settings: Settings) -> int:
    """Check the file, then make the operator's entries match it."""
    try:
        entries = read_entries(Path(args.file).read_text(encoding="utf-8"))
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    except ValueError as error:  # tomllib's errors are ValueErrors too
        print(f"error: {args.file}: {error}; nothing was imported", file=sys.stderr)
        return 2
    added, updated, removed = asyncio.run(_run(settings, lambda d: d.import_entries(entries)))
    print(f"{len(entries)} entries: {added} added, {updated} updated, {removed} removed")
    return 0


def list_entries(args: argparse.Namespace, settings: Settings) -> int:
    """Print the operator's entries with what to check: 6 months without a check, or hidden."""
    views: list[PlaceView] = asyncio.run(_run(settings, lambda d: d.operator_entries()))
    today = SystemClock().now().astimezone(settings.timezone).date()
    for view in views:
        if is_shown(view.verified_on, today):
            state = "CHECK" if needs_check(view.verified_on, today) else "ok"
        else:
            state = "HIDDEN"
        print(f"{state:6} {view.department} {view.kind:13} {view.verified_on} {view.name}")
    if not views:
        print("no entry of the operator (associations keep their own in Telegram)")
    return 0


async def _run(settings: Settings, work: Callable[[DirectoryService], Awaitable[T]]) -> T:
    """Run one use case of the directory on the database of `settings`."""
    engine = create_async_engine(settings.database_url)
    try:
        sessions = Sessions(async_session_factory(engine))
        return await work(DirectoryService(sessions, SystemClock(), settings.timezone))
    finally:
        await engine.dispose()
