"""The one JobQueue job: run the dispatcher at least every interval, and at the next due moment."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from bot.context import BotApplication, BotContext
from bot.scheduling.dispatcher import DispatchReport

log = logging.getLogger(__name__)
DISPATCH, WAKE = "dispatch", "dispatch:wake"
RELAY, RELAY_RETRY, RELAY_POLL = "relay:wake", "relay:retry", "relay:poll"


def schedule_dispatch(application: BotApplication, interval: float) -> None:
    """Run the dispatcher every `interval` seconds (and right after start)."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_repeating(
        dispatch_job,
        interval=interval,
        first=0.2,
        name=DISPATCH,
        # PTB issue #3642: APScheduler's default grace of 1 s silently skips late runs.
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


async def dispatch_job(context: BotContext) -> None:
    """Send what is due, then wake again at the next due moment if it comes before the interval.

    Relayed messages have their own job, started here too (beside, not inside, this pass):
    rows left by a stopped instance or put back after a fault are swept with the rest."""
    application: BotApplication = context.application  # type: ignore[assignment]
    wake_relays(application)
    report = await context.dispatcher.run_once()
    context.bot_data.liveness.dispatched()
    if report.sent or report.failed or report.blocked:
        log.info(
            "dispatch: %s sent, %s retried, %s failed, %s blocked",
            report.sent,
            report.retried,
            report.failed,
            report.blocked,
        )
    _wake_at_next_due(context, report.next_due)


async def keep_dispatching(application: BotApplication, interval: float) -> None:
    """Watch, on the monotonic clock, that the dispatcher keeps running; until cancelled.

    The JobQueue's schedule is in wall-clock time: when the system clock steps back (an NTP
    correction, a VM restored), the repeating job's next run lies in the future by the step,
    and reminders would stop for that long. When no pass has finished for three intervals (and
    none is running), the job is moved to now: it runs, and its next runs follow from there.
    """
    data = application.bot_data
    poked = time.monotonic()
    while True:
        await asyncio.sleep(interval)
        quiet = min(data.liveness.dispatch_age(), time.monotonic() - poked)
        dispatcher, queue = data.dispatcher, application.job_queue
        if quiet <= 3 * interval or not application.running or queue is None:
            continue
        if dispatcher is None or dispatcher.busy:
            continue
        log.warning("dispatcher stalled (did the system clock step back?): run now")
        for job in queue.get_jobs_by_name(DISPATCH):
            job.job.modify(next_run_time=datetime.now(UTC))
        poked = time.monotonic()


def wake_dispatcher(application: BotApplication) -> None:
    """Run the dispatcher now (a broadcast was confirmed), not at the next sweep."""
    if application.job_queue is not None:
        application.job_queue.run_once(
            dispatch_job, when=0.05, name=WAKE, job_kwargs={"misfire_grace_time": None}
        )


RELAY_POLL_SECONDS = 1.0


def schedule_relay_poll(application: BotApplication) -> None:
    """With several instances, look for relayed messages every second: one queued by another
    instance for a chat this one owns is sent within a second (the handler that queued it woke
    its own instance, which leaves it to the owner)."""
    assert application.job_queue is not None, "python-telegram-bot[job-queue] is required"
    application.job_queue.run_repeating(
        relay_job,
        interval=RELAY_POLL_SECONDS,
        first=RELAY_POLL_SECONDS,
        name=RELAY_POLL,
        job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )


def wake_relays(application: BotApplication) -> None:
    """Relay what a person or a staff member just wrote now, beside any running dispatch."""
    if application.job_queue is not None:
        application.job_queue.run_once(
            relay_job, when=0, name=RELAY, job_kwargs={"misfire_grace_time": None}
        )


async def relay_job(context: BotContext) -> None:
    """One pass of the relays (bot/scheduling/relaying.py); then, if a message was put back
    for a retry (Telegram's 429 or 5xx), another pass when it is due, not at the next sweep."""
    relays = context.dispatcher.relays
    await relays.run_once(DispatchReport())
    _wake_at(context, await relays.next_due(), relay_job, RELAY_RETRY)


def _wake_at_next_due(context: BotContext, next_due: datetime | None) -> None:
    """Replace the wake-up job so the next due reminder is not late by up to an interval."""
    _wake_at(context, next_due, dispatch_job, WAKE)


def _wake_at(
    context: BotContext,
    next_due: datetime | None,
    job: Callable[[BotContext], Coroutine[Any, Any, None]],
    name: str,
) -> None:
    """Replace the wake-up job `name` so that `job` runs at `next_due`, when that comes before
    the next sweep (the sweep takes it otherwise)."""
    application: BotApplication = context.application  # type: ignore[assignment]
    queue = application.job_queue
    if queue is None or next_due is None:
        return
    for planned in queue.get_jobs_by_name(name):
        planned.schedule_removal()
    delay = (next_due - context.services.clock.now()).total_seconds()
    if 0 < delay < context.dispatch_interval:
        queue.run_once(job, when=delay, name=name, job_kwargs={"misfire_grace_time": None})
