"""Broadcast deliveries: one batch at a time, between the reminders, within the limits.

Called by the Dispatcher when no reminder is due. Deliveries go through the dispatcher's one
path (claimed, sent, recorded like reminders), in the broadcast lane; around them this module
starts scheduled broadcasts, keeps the quiet hours and the daily cap, and edits the author's
progress message after each batch; when nothing is left, the broadcast is marked done and the
progress message becomes the final report.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot.db import outbox_deliveries
from bot.db.outbox import DELIVERIES
from bot.db.outbox_deliveries import ClaimedDelivery
from bot.i18n import translator
from bot.scheduling.letters import Letter, delivery_letter
from bot.sending import Lane
from bot.services.broadcasts import BroadcastService
from bot.views.broadcasts import broadcast_progress

if TYPE_CHECKING:
    from bot.scheduling.dispatcher import Dispatcher, DispatchReport

log = logging.getLogger(__name__)


class BroadcastSender:
    """The broadcast half of the dispatcher."""

    def __init__(self, dispatcher: Dispatcher, service: BroadcastService | None) -> None:
        self.dispatcher = dispatcher
        # Starts scheduled broadcasts and reads them for the authors' progress messages (None:
        # neither is done, as in a dispatcher that only sends what is already due).
        self.service = service

    async def run_batch(self, report: DispatchReport) -> bool:
        """Start the scheduled broadcasts due, then send one batch of due deliveries.

        Nothing goes out during the quiet hours; someone who already received the daily cap of
        broadcasts gets the next one when their 24 hours allow it. Tells whether a batch was sent.
        """
        d = self.dispatcher
        now = d.clock.now()
        started = await self.service.start_due() if self.service else []
        for broadcast_id in started:
            await self._show_progress(broadcast_id)
        quiet = d.settings.quiet
        if quiet is not None and quiet.contains(now.astimezone(d.zone)):
            return False
        async with d.sessions.begin() as session:
            batch = await outbox_deliveries.claim(
                session, now, lease=d.settings.lease, limit=d.settings.batch
            )
            taken = bool(batch)
            if batch and d.settings.daily_cap:
                batch = await outbox_deliveries.defer_capped(
                    session, batch, now, d.settings.daily_cap
                )
            texts = await outbox_deliveries.texts(session, {c.broadcast_id for c in batch})
        if batch:

            async def compose(claim: ClaimedDelivery) -> Letter:
                return delivery_letter(claim, texts[claim.broadcast_id])

            await d.send_batch(DELIVERIES, batch, compose, report)
        async with d.sessions.begin() as session:
            finished = await outbox_deliveries.finish(session, d.clock.now())
        for broadcast_id in {c.broadcast_id for c in batch} | set(finished):
            await self._show_progress(broadcast_id)
        return taken

    async def _show_progress(self, broadcast_id: int) -> None:
        """Edit the author's progress message: counts so far, or the final report."""
        d = self.dispatcher
        if self.service is None:
            return
        draft = await self.service.draft_by_id(broadcast_id)
        progress = await self.service.report(broadcast_id)
        if draft is None or progress is None or draft.progress_chat_id is None:
            return
        if draft.progress_message_id is None:
            return
        t = translator(draft.default_language)
        quiet = d.settings.quiet
        paused = quiet.resume_at(d.clock.now().astimezone(d.zone)) if quiet else None
        screen = broadcast_progress(t, draft, progress, paused)
        try:
            await d.sender.edit(
                draft.progress_chat_id, draft.progress_message_id, screen, Lane.BROADCAST
            )
        except TelegramError as error:  # the author blocked the bot, or deleted the message
            log.info("progress of broadcast %s not shown: %s", broadcast_id, type(error).__name__)
