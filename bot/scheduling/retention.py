"""The retention job: warn people inactive for INACTIVITY_MONTHS, erase them after the notice."""

from __future__ import annotations

import logging

from telegram.error import Forbidden

from bot.context import BotApplication, BotContext
from bot.i18n import translator
from bot.sending import Lane
from bot.views.retention import erased_for_inactivity, inactivity_notice

log = logging.getLogger(__name__)
RETENTION = "retention"


def schedule_retention(application: BotApplication, interval: float) -> None:
    """Sweep every `interval` seconds, the first time a minute after start."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_repeating(
        retention_job,
        interval=interval,
        first=min(60.0, interval),
        name=RETENTION,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


async def retention_job(context: BotContext) -> None:
    """Delete the records whose time is over; erase those whose notice expired, then send the
    notices now due."""
    retention = context.services.retention
    purged = await retention.purge_records()
    if any(purged.values()):
        log.info("retention: records deleted %s", purged)  # counts only
    closed = await context.services.inbox_upkeep.sweep_closed()
    if closed:
        log.info("retention: %s closed conversations erased", closed)
    if not retention.enabled:
        return
    zone = context.services.zone
    erased = await retention.erase_expired()
    for chat_id, language in erased:
        # If they blocked the bot, or it is unreachable, the erasure is done all the same.
        farewell = erased_for_inactivity(translator(language))
        await context.sender.deliver(chat_id, farewell, Lane.REMINDER)
    notices = await retention.claim_notices()
    sent = 0
    for notice in notices:
        screen = inactivity_notice(
            translator(notice.language), retention.months, notice.erase_on.astimezone(zone).date()
        )
        error = await context.sender.deliver(notice.chat_id, screen, Lane.REMINDER)
        if error is None:
            sent += 1
        elif not isinstance(error, Forbidden):  # blocked: the erasure follows at the day told
            log.warning("inactivity notice not sent: %s (retried later)", type(error).__name__)
            await retention.release_notice(notice.chat_id)
    if erased or notices:
        log.info("retention: %s erased, %s notices sent of %s", len(erased), sent, len(notices))
