"""The system clock stepping back does not stop the reminders."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduling.jobs import DISPATCH
from tests.e2e.conftest import Harness


async def test_a_clock_step_back_does_not_stall_the_dispatcher(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """After a step back of the wall clock, the repeating job's next run is an hour away (what
    APScheduler computes after such a step). The watchdog, on the monotonic clock, sees no pass
    for three intervals and runs the job now; passes resume, every interval again."""
    queue = bot.application.job_queue
    assert queue is not None
    liveness = bot.application.bot_data.liveness
    await asyncio.sleep(0.5)  # the first passes ran
    (job,) = queue.get_jobs_by_name(DISPATCH)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.scheduling.jobs"):
        job.job.modify(next_run_time=datetime.now(UTC) + timedelta(hours=1))
        await asyncio.sleep(0.05)  # a pass in flight ends
        stepped = liveness.last_dispatch
        for _ in range(40):
            await asyncio.sleep(0.05)
            if liveness.last_dispatch != stepped:
                break
    assert liveness.last_dispatch != stepped, "the dispatcher did not run again"
    assert "dispatcher stalled" in caplog.text
    await asyncio.sleep(0.3)
    assert liveness.dispatch_age() < 0.25  # and it keeps its interval
    (same,) = queue.get_jobs_by_name(DISPATCH)
    assert same.next_t is not None and same.next_t < datetime.now(UTC) + timedelta(seconds=1)
