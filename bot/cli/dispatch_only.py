"""A process that only sends reminders: the dispatcher job without receiving updates."""

from __future__ import annotations

import asyncio
import signal

from bot.app import build_application, running
from bot.config import Settings
from bot.context import BotApplication


async def run_dispatcher(
    settings: Settings, *, until_idle: bool = False, application: BotApplication | None = None
) -> int:
    """Run the dispatcher until SIGTERM/SIGINT, or until nothing is due (`until_idle`).

    `application` is one built from `settings` and maybe already initialized: the command line
    makes the first call to Telegram itself, to report a refused token in one line.
    """
    application = application or build_application(settings)
    async with running(application, receive=False):
        dispatcher = application.bot_data.dispatcher
        assert dispatcher is not None
        if until_idle:
            while True:
                report = await dispatcher.run_once()
                now = application.bot_data.services.clock.now()  # type: ignore[union-attr]
                if report.next_due is None or report.next_due > now:
                    return 0
                await asyncio.sleep(0.2)  # only rows under someone else's lease remain due
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
    return 0
