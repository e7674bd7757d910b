"""Relayed messages of "Ask my association": a person's message to the staff, an answer back.

Rows go through the dispatcher's one path (claimed with a lease, sent, recorded, retried on
Telegram's faults, never lost), in their own lane, with their own passes (`run_once`, one per
direction) run by their own job (jobs.relay_job), so that a person's message does not wait
behind a broadcast's batch, nor a broadcast behind a staff chat that takes a message a second:
handlers wake it at once (jobs.wake_relays), the dispatch job at each sweep, and a row put back
after a fault when it is due.

A person's message is copied (copyMessage) from their chat: the staff see it as the person sent
it, without "forwarded from" and so without their name; it is sent when at least one staff
member got it. A staff member's answer goes to the person under the bot's line naming the
association.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from bot.db import outbox_relays
from bot.db.outbox import RELAYS, Outcome
from bot.db.outbox_relays import ClaimedRelay, StaffRecipient
from bot.db.statuses import Direction
from bot.domain.rules.model import Rule
from bot.i18n import translator
from bot.scheduling.letters import STAFF_UNREACHABLE, Letter, Skip
from bot.sending import Lane
from bot.views import ask as ask_views
from bot.views import inbox as inbox_views
from bot.views.common import Copy, FileScreen, Outgoing, Screen

if TYPE_CHECKING:
    from datetime import datetime

    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.scheduling.dispatcher import Dispatcher, DispatchReport

BATCH = 50
NO_STAFF = Skip(Outcome.FAILED, "no_staff")


@dataclass(frozen=True)
class Context:
    """What a person's message needs besides its row: who receives it, and for the header of a
    new conversation the person's open deadlines (if they agreed to show them)."""

    recipients: list[StaffRecipient]
    deadlines: list[tuple[Rule, datetime]]


class RelaySender:
    """The relay half of the dispatcher."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        # One pass per direction: answers to people never wait behind copies to a staff chat
        # that already receives a message a second (Telegram's limit per chat).
        self._running = {direction: asyncio.Lock() for direction in Direction}
        # Woken while a pass ran: that pass looks once more before it ends.
        self._again = dict.fromkeys(Direction, False)

    async def run_once(self, report: DispatchReport) -> None:
        """Send every relayed message due now, both ways at once, batch after batch."""
        await asyncio.gather(*(self._pass(direction, report) for direction in Direction))

    async def next_due(self) -> datetime | None:
        """Return when the next relayed message is due (a retry after Telegram's fault)."""
        async with self.dispatcher.sessions.begin() as session:
            return await outbox_relays.next_due(session)

    async def _pass(self, direction: Direction, report: DispatchReport) -> None:
        """Send the messages due one way (to staff, or to people)."""
        d = self.dispatcher
        if self._running[direction].locked():
            self._again[direction] = True  # the running pass takes the new rows too
            return
        async with self._running[direction]:
            await d.flush_sent(RELAYS)
            while d.keep_going():
                self._again[direction] = False
                now = d.clock.now()
                async with d.sessions.begin() as session:
                    batch = await outbox_relays.claim(
                        session,
                        now,
                        direction,
                        lease=d.settings.lease,
                        limit=BATCH,
                        instance=d.settings.instance,
                    )
                    contexts = {c.id: await self._context(session, c, now) for c in batch}
                if not batch:
                    if self._again[direction]:
                        continue
                    return
                await d.send_batch(RELAYS, batch, _composer(d, contexts), report)

    async def _context(self, session: AsyncSession, claim: ClaimedRelay, now: datetime) -> Context:
        """Read who receives a person's message, and the deadlines its header shows."""
        if claim.direction != Direction.IN:
            return Context([], [])
        recipients = await outbox_relays.recipients(
            session,
            claim.association_id,
            claim.handler_id,
        )
        deadlines: list[tuple[Rule, datetime]] = []
        if claim.first and claim.shares_profile:
            book = self.dispatcher.book.by_id
            for rule_id, due in await outbox_relays.open_deadlines(
                session,
                claim.person_id,
                now,
            ):
                if rule_id in book:
                    deadlines.append((book[rule_id], due.astimezone(self.dispatcher.zone)))
        return Context(recipients, deadlines)


def _composer(
    dispatcher: Dispatcher, contexts: dict[int, Context]
) -> Callable[[ClaimedRelay], Awaitable[Letter | Skip]]:
    """Return what writes each claimed row of a batch, with its context."""

    async def compose(claim: ClaimedRelay) -> Letter | Skip:
        remember = partial(dispatcher.in_session, outbox_relays.remember_delivered, claim.id)
        return relay_letter(claim, contexts[claim.id], remember)

    return compose


def relay_letter(
    claim: ClaimedRelay,
    context: Context,
    remember: Callable[[list[int]], Awaitable[None]] | None = None,
) -> Letter | Skip:
    """Write a relayed message: a person's to the staff (those who did not get it yet, after a
    passing fault), or a staff member's to the person."""
    if claim.direction == Direction.IN:
        if not context.recipients:
            return NO_STAFF
        messages: list[tuple[int, Outgoing]] = []
        for member in context.recipients:
            if member.user_id in claim.delivered:
                continue
            t = translator(member.language)
            if claim.first:
                profile = (claim.department, claim.stage) if claim.shares_profile else None
                header = inbox_views.new_thread(t, claim, profile, context.deadlines)
                messages.append((member.user_id, header))
            keyboard = inbox_views.relay_buttons(
                t, claim.thread_id, handled_by_recipient=claim.handler_id == member.user_id
            )
            messages.append(
                (member.user_id, Copy(claim.source_chat_id, claim.source_message_id, keyboard))
            )
        return Letter(
            messages,
            Lane.RELAY,
            one_suffices=True,
            refused=STAFF_UNREACHABLE,
            decisive=(Copy,),
            remember=remember,
        )
    t = translator(claim.language)
    name = claim.association
    if claim.kind == "closed":
        screen: Outgoing = ask_views.closed(t, name, claim.association_id)
    else:
        keyboard = ask_views.answer_keyboard(t, claim.association_id, name)
        if claim.kind == "text":
            screen = Screen(ask_views.staff_answer(t, name, claim.body or ""), keyboard)
        else:
            assert claim.file_id is not None, "a voice, photo or document answer has a file_id"
            caption = ask_views.staff_file_caption(t, name, claim.body)
            screen = FileScreen(claim.kind, claim.file_id, caption, keyboard)
    return Letter([(claim.chat_id, screen)], Lane.RELAY)
