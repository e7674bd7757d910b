"""The daily digest: each morning, staff are told how many people wait for their answer."""

from __future__ import annotations

import logging
from datetime import time
from zoneinfo import ZoneInfo

from bot.context import BotApplication, BotContext
from bot.i18n import translator
from bot.sending import Lane
from bot.views.directory import check_reminder
from bot.views.inbox import digest

log = logging.getLogger(__name__)
DIGEST = "inbox digest"
DIGEST_TIME = time(9, 0)  # local time (Europe/Paris): the start of an office day


def schedule_digest(application: BotApplication, zone: ZoneInfo) -> None:
    """Send the digest every day at DIGEST_TIME."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_daily(
        digest_job,
        time=DIGEST_TIME.replace(tzinfo=zone),
        name=DIGEST,
        job_kwargs={"misfire_grace_time": 3600},
    )


async def digest_job(context: BotContext) -> None:
    """Tell each staff member how many people wait for an answer from their association; on
    the first of the month, tell admins whose directory entry was not checked for 6 months."""
    services = context.services
    now = services.clock.now()
    lines = await services.inbox_upkeep.claim_digest()
    if lines is None:
        return  # another instance sends today's digest
    if now.astimezone(services.zone).day == 1:
        for user_id, language, name, verified_on in await services.directory.to_check():
            screen = check_reminder(translator(language), name, verified_on)
            await context.sender.deliver(user_id, screen, Lane.ALERT)
    failed = 0
    for line in lines:
        screen = digest(translator(line.language), line.association, line.waiting, line.oldest, now)
        if await context.sender.deliver(line.user_id, screen, Lane.ALERT) is not None:
            failed += 1  # blocked the bot, or Telegram refused: tomorrow's digest says it again
    if lines:
        log.info("inbox digest: %s sent, %s not delivered", len(lines) - failed, failed)
