"""At start, recompute every plan when the rules file changed since the plans were made."""

from __future__ import annotations

import logging

from bot.context import BotApplication, BotContext
from bot.scheduling.jobs import wake_dispatcher
from bot.services.replan import ReplanBusy, ReplanService

log = logging.getLogger(__name__)
REPLAN = "replan"


def schedule_replan(application: BotApplication) -> None:
    """Check the rules' hash once, a moment after start (the bot answers meanwhile)."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_once(
        replan_job, when=1.0, name=REPLAN, job_kwargs={"misfire_grace_time": None}
    )


async def replan_job(context: BotContext) -> None:
    """Recompute the plans if the rules changed; another instance may already be doing it."""
    replan = ReplanService(context.services.plans)
    if not await replan.needed():
        return
    log.info("the rules changed since the plans were computed: recomputing every plan")
    try:
        report = await replan.run()
    except ReplanBusy:
        log.info("another instance is recomputing the plans")
        return
    log.info(
        "replan: %s plans, %s dates moved, %s new deadlines, %s people told",
        report.people,
        report.moved,
        report.new,
        report.notified,
    )
    if report.notified:
        wake_dispatcher(context.application)  # type: ignore[arg-type]
