"""Sending broadcast deliveries: one batch at a time, between the reminders, within the limits.

Called by the Dispatcher when no reminder is due. Each delivery is sent through the same paced
path as reminders (this instance's window, one message per chat per second), recorded like them,
and the author's progress message is edited after each batch; when nothing is left, the broadcast
is marked done and the progress message becomes the final report.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot.i18n import translator
from bot.scheduling import deliveries
from bot.scheduling.deliveries import BroadcastText, ClaimedDelivery
from bot.views.broadcast import delivered
from bot.views.staff import broadcast_progress

if TYPE_CHECKING:
    from bot.scheduling.dispatcher import Dispatcher, DispatchReport

log = logging.getLogger(__name__)


class BroadcastSender:
    """The broadcast half of the dispatcher."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    async def run_batch(self, report: DispatchReport) -> bool:
        """Start the scheduled broadcasts due, then send one batch of due deliveries.

        Nothing goes out during the quiet hours; someone who already received the daily cap of
        broadcasts gets the next one when their 24 hours allow it. Tells whether a batch was sent.
        """
        d = self.dispatcher
        now = d.clock.now()
        started = await d.broadcast_service.start_due() if d.broadcast_service else []
        for broadcast_id in started:
            await self._show_progress(broadcast_id)
        quiet = d.settings.quiet
        if quiet is not None and quiet.contains(now.astimezone(d.zone)):
            return False
        async with d.sessions.begin() as session:
            batch = await deliveries.claim(
                session, now, lease=d.settings.lease, limit=d.settings.batch
            )
            taken = bool(batch)
            if batch and d.settings.daily_cap:
                batch = await deliveries.defer_capped(session, batch, now, d.settings.daily_cap)
            texts = await deliveries.texts(session, {c.broadcast_id for c in batch})
        if batch:
            unsent: list[ClaimedDelivery] = []  # not attempted: the application is stopping
            outcomes = await self._send_all(batch, texts, report, unsent)
            if unsent:
                await d.in_session(deliveries.release_many, unsent)
            sent = [claim for claim, outcome in zip(batch, outcomes, strict=True) if outcome]
            if sent:
                await d.in_session(deliveries.mark_sent_many, sent, d.clock.now())
            report.sent += len(sent)
        async with d.sessions.begin() as session:
            finished = await deliveries.finish(session, d.clock.now())
        for broadcast_id in {c.broadcast_id for c in batch} | set(finished):
            await self._show_progress(broadcast_id)
        return taken

    async def _send_all(
        self,
        batch: list[ClaimedDelivery],
        texts: dict[int, BroadcastText],
        report: DispatchReport,
        unsent: list[ClaimedDelivery],
    ) -> list[bool]:
        gate = asyncio.Semaphore(self.dispatcher.settings.concurrency)

        async def one(claim: ClaimedDelivery) -> bool:
            async with gate:
                return await self._send(claim, texts[claim.broadcast_id], report, unsent)

        results = await asyncio.gather(*(one(c) for c in batch), return_exceptions=True)
        outcomes = []
        for result in results:
            if isinstance(result, BaseException):
                log.error("delivery failed: %s", type(result).__name__)
                outcomes.append(False)
            else:
                outcomes.append(result)
        return outcomes

    async def _send(
        self,
        claim: ClaimedDelivery,
        text: BroadcastText,
        report: DispatchReport,
        unsent: list[ClaimedDelivery],
    ) -> bool:
        """Send one delivery; True when Telegram took it (recorded with the batch)."""
        d = self.dispatcher
        if d.clock.now() >= claim.lease_until - d.settings.lease / 10:
            report.skipped += 1
            return False
        if not d.keep_going():
            unsent.append(claim)
            return False
        error = None
        for part in delivered(translator(claim.language), text, claim.language):
            error = await d.send_text(claim.chat_id, part)
            if error is not None:
                break
        if error is None:
            return True
        await d.settle_fault(
            error,
            claim,
            report,
            blocked=deliveries.mark_blocked,
            retry=deliveries.mark_retry,
            failed=deliveries.mark_failed,
        )
        return False

    async def _show_progress(self, broadcast_id: int) -> None:
        """Edit the author's progress message: counts so far, or the final report."""
        d = self.dispatcher
        service = d.broadcast_service
        if service is None:
            return
        draft = await service.draft_by_id(broadcast_id)
        progress = await service.report(broadcast_id)
        if draft is None or progress is None or draft.progress_chat_id is None:
            return
        t = translator(draft.default_language)
        quiet = d.settings.quiet
        paused = quiet.resume_at(d.clock.now().astimezone(d.zone)) if quiet else None
        screen = broadcast_progress(t, draft, progress, paused)
        try:
            await d.bot.edit_message_text(
                screen.text,
                chat_id=draft.progress_chat_id,
                message_id=draft.progress_message_id,
                parse_mode="HTML",
                reply_markup=screen.keyboard,
            )
        except TelegramError as error:  # "message is not modified", or the author blocked us
            log.info("progress of broadcast %s not shown: %s", broadcast_id, type(error).__name__)
