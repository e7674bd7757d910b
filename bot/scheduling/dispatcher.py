"""The dispatcher: take what is due from the outbox, send it, record what happened; never drop one.

One JobQueue job runs `run_once` (jobs.py); nothing here creates a job per message, so start-up
time and memory do not grow with the number of reminders. Reminders, alerts to association staff,
relayed messages ("Ask my association") and broadcast deliveries go through the same path
(`send_batch`): claimed with a lease (bot/db/outbox.py), sent through the one Sender
(bot/sending), and recorded together at most `record_every` at a time, so a crash re-sends at
most those and the requests on the wire.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import OperationalError
from telegram.error import Forbidden, TelegramError

from bot.clock import Clock
from bot.db import outbox, outbox_deliveries, outbox_reminders
from bot.db.outbox import DELIVERIES, REMINDERS, Held, Outcome, Queue
from bot.domain.quiet_hours import QuietHours
from bot.domain.rules.model import RuleBook
from bot.scheduling.broadcasting import BroadcastSender
from bot.scheduling.letters import Letter, Skip, reminder_letter
from bot.scheduling.relaying import RelaySender
from bot.scheduling.voice import VoiceFollowUps
from bot.sending import Sender
from bot.sending.faults import Backoff, verdict
from bot.services.broadcasts import BroadcastService
from bot.services.unit import Sessions

log = logging.getLogger(__name__)
# Recording what was sent must outlast a database restart or a long lock: a row left "claimed"
# would be sent again when its lease ends. Waits grow to DB_MAX_WAIT, for DB_PATIENCE in all
# (well under the 5-minute lease).
DB_PATIENCE = timedelta(seconds=90)
DB_MAX_WAIT = 5.0
C = TypeVar("C", bound=Held)


@dataclass(frozen=True)
class DispatchSettings:
    """How the dispatcher claims and retries."""

    lease: timedelta = timedelta(minutes=5)
    batch: int = 500
    concurrency: int = 8
    # Deliveries are recorded together, at most this many (or at the end of a batch): a crash
    # re-sends at most these and the requests on the wire.
    record_every: int = 50
    backoff: Backoff = field(default_factory=Backoff)
    # Broadcasts only (reminders are exempt): no sending in these local hours, and at most
    # `daily_cap` broadcasts per person in 24 hours (0: no cap), the others wait their turn.
    quiet: QuietHours | None = None
    daily_cap: int = 0
    # The languages a voice reads aloud here: their reminders carry a "Listen" button.
    spoken: frozenset[str] = frozenset()
    # This instance's index and the number of instances (BOT_INSTANCE_INDEX, BOT_PEER_URLS):
    # relayed messages are sent by the instance that owns their chat (bot/db/outbox_relays.py).
    instance: tuple[int, int] = (0, 1)


@dataclass
class DispatchReport:
    """What one run did (counts only: no personal data)."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    blocked: int = 0
    expired: int = 0
    skipped: int = 0
    next_due: datetime | None = None
    errors: dict[str, int] = field(default_factory=dict)


class Dispatcher:
    """Sends what the outbox holds due: reminders first, then broadcast deliveries."""

    def __init__(
        self,
        sessions: Sessions,
        sender: Sender,
        book: RuleBook,
        clock: Clock,
        zone: ZoneInfo,
        settings: DispatchSettings | None = None,
        keep_going: Callable[[], bool] = lambda: True,
        broadcast_service: BroadcastService | None = None,
        voice: VoiceFollowUps | None = None,
    ) -> None:
        self.sessions, self.sender, self.book, self.clock = sessions, sender, book, clock
        # False once the application is stopping: no new send starts, unsent claims go back.
        self.keep_going = keep_going
        self.zone = zone
        self.settings = settings or DispatchSettings()
        self._running = asyncio.Lock()
        self._sent: dict[str, list[Held]] = {}  # per queue, sent and not yet recorded
        self.broadcasts = BroadcastSender(self, broadcast_service)
        # "Ask my association": its own passes, run by their own jobs (jobs.relay_job) so that a
        # relay waiting for a busy staff chat never holds up reminders and broadcasts.
        self.relays = RelaySender(self)
        self.voice = voice  # voice notes after the reminders of people who asked to hear them

    @property
    def busy(self) -> bool:
        """Tell whether a pass is running now."""
        return self._running.locked()

    async def run_once(self) -> DispatchReport:
        """Send everything due now, batch after batch; return counts and the next due moment.

        Reminders keep priority: a batch of broadcast deliveries is taken only when no reminder
        is due, and reminders are looked at again after each such batch.
        """
        report = DispatchReport()
        async with self._running:
            # Rows sent during a database outage are recorded before anything is claimed: their
            # lease may have ended meanwhile, and claiming first would send them again.
            for queue in (REMINDERS, DELIVERIES):
                await self.flush_sent(queue)
            while self.keep_going():
                now = self.clock.now()
                async with self.sessions.begin() as session:
                    report.expired += await outbox_reminders.expire_stale(session, now)
                    batch = await outbox_reminders.claim(
                        session, now, lease=self.settings.lease, limit=self.settings.batch
                    )
                if batch:
                    await self.send_batch(REMINDERS, batch, self._reminder_letter, report)
                    continue
                if not await self.broadcasts.run_batch(report):
                    break
            async with self.sessions.begin() as session:
                moments = [
                    await outbox_reminders.next_due(session),
                    self._after_quiet(await outbox_deliveries.next_due(session)),
                ]
            report.next_due = min((m for m in moments if m is not None), default=None)
        return report

    async def send_batch(
        self,
        queue: Queue,
        batch: Sequence[C],
        compose: Callable[[C], Awaitable[Letter | Skip]],
        report: DispatchReport,
    ) -> None:
        """Send a batch of claimed rows with bounded concurrency, then record what happened.

        One failing row never stops the others: a row whose send raised keeps its claim and is
        taken again when the lease ends. Rows never attempted (the application is stopping) are
        given back at once.
        """
        gate = asyncio.Semaphore(self.settings.concurrency)
        unsent: list[C] = []

        async def one(claim: C) -> None:
            async with gate:
                await self._send_row(queue, claim, compose, report, unsent)

        outcomes = await asyncio.gather(*(one(claim) for claim in batch), return_exceptions=True)
        await self.flush_sent(queue)
        if unsent:
            await self.in_session(outbox.record, queue, unsent, Outcome.RELEASED)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                log.error("delivery failed: %s", type(outcome).__name__)

    async def _send_row(
        self,
        queue: Queue,
        claim: C,
        compose: Callable[[C], Awaitable[Letter | Skip]],
        report: DispatchReport,
        unsent: list[C],
    ) -> None:
        """Send one claimed row and record the outcome; Telegram faults never escape.

        A claim whose lease is (nearly) over is not sent: another dispatcher may have taken the
        row again, and sending now could be a second copy. The row is simply taken again later.
        """
        if self.clock.now() >= claim.lease_until - self.settings.lease / 10:
            report.skipped += 1
            return
        if not self.keep_going():
            unsent.append(claim)
            return
        letter = await compose(claim)
        if isinstance(letter, Skip):
            await self.in_session(outbox.record, queue, [claim], letter.outcome, error=letter.code)
            if letter.outcome is Outcome.FAILED:
                report.failed += 1
            else:
                report.skipped += 1
            return
        errors: list[TelegramError] = []
        reached: list[int] = []  # chats that got their decisive message
        for chat_id, screen in letter.messages:
            error = await self.sender.deliver(chat_id, screen, letter.lane)
            if error is None:
                if letter.counts(screen):
                    reached.append(chat_id)
            else:
                errors.append(error)
                if not letter.one_suffices:
                    break
        passing = [e for e in errors if not isinstance(e, Forbidden)]
        if reached and passing and letter.remember is not None:
            # Some got it, a passing fault kept it from others: retried for those only.
            await letter.remember(reached)
            await self._settle_fault(queue, claim, passing[0], letter.refused, report)
            return
        if not errors or (letter.one_suffices and reached):
            report.sent += 1
            await self._sent_now(queue, claim)
            if self.voice is not None and (letter.voice or letter.recorded):
                self.voice.after(letter)  # the text is sent and recorded; the note follows it
            return
        # Of several recipients, a passing fault (retried) outweighs one who blocked the bot.
        error = next((e for e in errors if not isinstance(e, Forbidden)), errors[0])
        await self._settle_fault(queue, claim, error, letter.refused, report)

    async def _sent_now(self, queue: Queue, claim: Held) -> None:
        """Remember a row as sent; record the sent rows once there are `record_every`."""
        waiting = self._sent.setdefault(queue.name, [])
        waiting.append(claim)
        if len(waiting) >= self.settings.record_every:
            await self.flush_sent(queue)

    async def flush_sent(self, queue: Queue) -> None:
        """Record the rows sent and not yet recorded, in one transaction.

        If the database stays unreachable beyond DB_PATIENCE they are kept and recorded by the
        next flush, never forgotten (forgotten, they would be sent again after their lease).
        """
        batch, self._sent[queue.name] = self._sent.get(queue.name, []), []
        if not batch:
            return
        try:
            await self.in_session(outbox.record, queue, batch, Outcome.SENT, now=self.clock.now())
        except OperationalError:
            self._sent[queue.name] = batch + self._sent[queue.name]
            raise

    async def _settle_fault(
        self,
        queue: Queue,
        claim: Any,
        error: TelegramError,
        refused: Skip,
        report: DispatchReport,
    ) -> None:
        """Record what Telegram's refusal means (faults.verdict) as the row's outcome.

        `refused` is what a refusal by the recipient means for this row: the person blocked the
        bot (they become inactive), or, for an alert, every staff member did (a failure: the
        person is not concerned).
        """
        decided = verdict(error, claim.attempts, self.settings.backoff)
        if decided.action == "blocked":
            await self.in_session(
                outbox.record, queue, [claim], refused.outcome, error=refused.code
            )
            report.blocked += 1
            return
        report.errors[decided.code] = report.errors.get(decided.code, 0) + 1
        if decided.action == "retry":
            at = self.clock.now() + decided.delay
            await self.in_session(
                outbox.record, queue, [claim], Outcome.RETRY, at=at, error=decided.code
            )
            report.retried += 1
        else:
            await self.in_session(outbox.record, queue, [claim], Outcome.FAILED, error=decided.code)
            report.failed += 1
            log.warning("message %s failed: %s", claim.id, decided.code)

    async def in_session(self, action: Callable[..., Awaitable[Any]], *args: Any, **kw: Any) -> Any:
        """Run `action(session, *args, **kw)` in a transaction, again while the database is busy
        or unreachable (SQLite locked, PostgreSQL restarting), for up to DB_PATIENCE."""
        waited, wait = 0.0, 0.2
        while True:
            try:
                async with self.sessions.begin() as session:
                    return await action(session, *args, **kw)
            except OperationalError as error:
                if waited >= DB_PATIENCE.total_seconds():
                    raise
                log.warning("database unavailable (%s), retrying", type(error).__name__)
                await asyncio.sleep(wait)
                waited += wait
                wait = min(wait * 2, DB_MAX_WAIT)

    async def _reminder_letter(self, claim: outbox_reminders.ClaimedReminder) -> Letter | Skip:
        """Write a reminder (or an alert to staff) from its row."""
        recipients = None
        if claim.kind == "alert":
            async with self.sessions.begin() as session:
                recipients = await outbox_reminders.alert_recipients(session, claim.person_id)
        now, spoken = self._local_now(), self.settings.spoken
        return reminder_letter(claim, self.book, now, recipients, spoken=spoken)

    def _after_quiet(self, moment: datetime | None) -> datetime | None:
        """Move a broadcast's due moment out of the quiet hours (reminders are not concerned)."""
        quiet = self.settings.quiet
        if moment is None or quiet is None:
            return moment
        local = max(moment, self.clock.now()).astimezone(self.zone)
        return quiet.resume_at(local) or moment

    def _local_now(self) -> datetime:
        """Return now in the zone of the deadlines (Europe/Paris)."""
        return self.clock.now().astimezone(self.zone)
