"""The reminder dispatcher: claim due rows, send them, record sent or failed; never drop one.

One JobQueue job runs `run_once` (jobs.py); nothing here creates a job per reminder, so start-up
time and memory do not grow with the number of reminders. Each delivery is recorded in its own
short transaction right after Telegram answered, so a crash re-sends at most the messages that
were in flight.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import OperationalError
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.clock import Clock
from bot.domain.quiet_hours import QuietHours
from bot.domain.rules.model import Rule, RuleBook
from bot.i18n import translator
from bot.scheduling import alerts, claims, deliveries
from bot.scheduling.broadcasting import BroadcastSender
from bot.scheduling.claims import Claimed
from bot.scheduling.faults import verdict
from bot.services.broadcasts import BroadcastService
from bot.services.unit import Sessions
from bot.views.common import Rows, keyboard_json
from bot.views.reminder import reminder_message
from bot.views.staff import alert_message

log = logging.getLogger(__name__)
# Recording what was sent must outlast a database restart or a long lock: a row left "claimed"
# would be sent again when its lease ends. Waits grow to DB_MAX_WAIT, for DB_PATIENCE in all
# (well under the 5-minute lease).
DB_PATIENCE = timedelta(seconds=90)
DB_MAX_WAIT = 5.0
# PTB suggests send_message when do_api_request names a known method; we call it on purpose.
warnings.filterwarnings("ignore", r"Please use 'Bot\.send_?[mM]essage'", PTBUserWarning)


@dataclass(frozen=True)
class DispatchSettings:
    """How the dispatcher claims and retries."""

    lease: timedelta = timedelta(minutes=5)
    batch: int = 500
    concurrency: int = 8
    # Deliveries are recorded together, at most this many (or at the end of a batch): a crash
    # re-sends at most these and the requests on the wire.
    record_every: int = 50
    first_backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(minutes=10)
    # Broadcasts only (reminders are exempt): no sending in these local hours, and at most
    # `daily_cap` broadcasts per person in 24 hours (0: no cap), the others wait their turn.
    quiet: QuietHours | None = None
    daily_cap: int = 0


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

    def add(self, other: DispatchReport) -> None:
        """Sum another run's counts into this one."""
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed
        self.blocked += other.blocked
        self.expired += other.expired
        self.skipped += other.skipped
        self.next_due = other.next_due
        for code, count in other.errors.items():
            self.errors[code] = self.errors.get(code, 0) + count


class Dispatcher:
    """Sends the reminders that are due, as rows claimed from the database."""

    def __init__(
        self,
        sessions: Sessions,
        bot: ExtBot[dict[str, Any]],
        book: RuleBook,
        clock: Clock,
        zone: ZoneInfo,
        settings: DispatchSettings | None = None,
        keep_going: Callable[[], bool] = lambda: True,
        broadcast_service: BroadcastService | None = None,
    ) -> None:
        self.sessions, self.bot, self.book, self.clock = sessions, bot, book, clock
        # False once the application is stopping: no new send starts, unsent claims go back.
        self.keep_going = keep_going
        self.zone = zone
        self.settings = settings or DispatchSettings()
        self._running = asyncio.Lock()
        self._sent: list[Claimed] = []
        self._unsent: list[Claimed] = []
        self.broadcasts = BroadcastSender(self)
        # Reads broadcasts for the authors' progress messages (None: progress is not shown).
        self.broadcast_service = broadcast_service

    async def run_once(self) -> DispatchReport:
        """Send everything due now, batch after batch; return counts and the next due moment.

        Reminders keep priority: a batch of broadcast deliveries is taken only when no reminder
        is due, and reminders are looked at again after each such batch.
        """
        report = DispatchReport()
        async with self._running:
            while self.keep_going():
                now = self.clock.now()
                async with self.sessions.begin() as session:
                    report.expired += await claims.expire_stale(session, now)
                    batch = await claims.claim_due(
                        session, now, lease=self.settings.lease, limit=self.settings.batch
                    )
                if batch:
                    await self._deliver_all(batch, report)
                    continue
                if not await self.broadcasts.run_batch(report):
                    break
            async with self.sessions.begin() as session:
                moments = [
                    await claims.next_due(session),
                    self._after_quiet(await deliveries.next_due(session)),
                ]
            report.next_due = min((m for m in moments if m is not None), default=None)
        return report

    async def send_text(
        self, chat_id: int, text: str, rows: Rows | None = None
    ) -> TelegramError | None:
        """Send one paced message (per-chat limit too); return Telegram's error, if any."""
        api_kwargs: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML.value,
        }
        if rows:
            api_kwargs["reply_markup"] = keyboard_json(rows)
        try:
            await self.bot.do_api_request(
                "sendMessage", api_kwargs=api_kwargs, rate_limit_args={"per_chat": True}
            )
        except TelegramError as error:
            return error
        return None

    async def _deliver_all(self, batch: list[Claimed], report: DispatchReport) -> None:
        """Send a batch with bounded concurrency (the rate limiter paces the calls).

        One failing delivery never stops the others: its row keeps its claim and is taken
        again when the lease ends.
        """
        gate = asyncio.Semaphore(self.settings.concurrency)

        async def one(claim: Claimed) -> None:
            async with gate:
                await self._deliver(claim, report)

        outcomes = await asyncio.gather(*(one(claim) for claim in batch), return_exceptions=True)
        await self._flush_sent()
        if self._unsent:
            unsent, self._unsent = self._unsent, []
            await self.in_session(claims.release_many, unsent)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                log.error("delivery failed: %s", type(outcome).__name__)

    async def _deliver(self, claim: Claimed, report: DispatchReport) -> None:
        """Send one reminder and record the outcome; Telegram faults never escape.

        A claim whose lease is (nearly) over is not sent: another dispatcher may have taken the
        row again, and sending now could be a second copy. The row is simply taken again later.
        """
        if self.clock.now() >= claim.lease_until - self.settings.lease / 10:
            report.skipped += 1
            return
        if not self.keep_going():
            self._unsent.append(claim)
            return
        t = translator(claim.language)
        rule = self.book.by_id.get(claim.rule_id)
        if rule is None:  # a rule removed from the rules file since the row was planned
            await self.in_session(claims.mark_failed, claim, "unknown_rule")
            report.failed += 1
            return
        if claim.kind == "alert":
            await self._alert(claim, rule, report)
            return
        text, rows = reminder_message(
            t,
            rule,
            claim.due_at,
            self._local_now(),
            claim.kind,
            claim.previous_due_at,
            claim.department,
        )
        error = await self.send_text(claim.chat_id, text, rows)
        if error is not None:
            await self.settle_fault(
                error,
                claim,
                report,
                blocked=claims.suspend_person,
                retry=claims.mark_retry,
                failed=claims.mark_failed,
            )
            return
        report.sent += 1
        self._sent.append(claim)
        if len(self._sent) >= self.settings.record_every:
            await self._flush_sent()

    async def _alert(self, claim: Claimed, rule: Rule, report: DispatchReport) -> None:
        """Alert the staff of the associations the person shares their deadlines with.

        Sent when at least one staff member received it; retried while Telegram's faults allow
        when nobody did; cancelled when the person no longer shares with anyone.
        """
        async with self.sessions.begin() as session:
            targets = await alerts.recipients(session, claim.person_id)
        if not targets:
            await self.in_session(claims.mark_cancelled, claim, "not_shared")
            report.skipped += 1
            return
        first_error: TelegramError | None = None
        delivered = 0
        for target in targets:
            t = translator(target.language)
            due = claim.due_at.astimezone(self.zone)
            text = alert_message(t, target.association, rule, due, self._local_now(), claim.chat_id)
            error = await self.send_text(target.user_id, text)
            delivered += error is None
            first_error = first_error or error
        if delivered or first_error is None:
            report.sent += 1
            self._sent.append(claim)
            return
        await self.settle_fault(
            first_error,
            claim,
            report,
            blocked=claims.mark_staff_unreachable,  # not the person: they stay active
            retry=claims.mark_retry,
            failed=claims.mark_failed,
        )

    async def _flush_sent(self) -> None:
        """Record the deliveries not yet recorded, in one transaction.

        If the database stays unreachable beyond DB_PATIENCE they are kept and recorded by the
        next flush, never forgotten (forgotten, they would be sent again after their lease).
        """
        batch, self._sent = self._sent, []
        if not batch:
            return
        try:
            await self.in_session(claims.mark_sent_many, batch, self.clock.now())
        except OperationalError:
            self._sent = batch + self._sent
            raise

    async def settle_fault(
        self,
        error: TelegramError,
        claim: Any,
        report: DispatchReport,
        *,
        blocked: Callable[..., Awaitable[None]],
        retry: Callable[..., Awaitable[None]],
        failed: Callable[..., Awaitable[None]],
    ) -> None:
        """Record what Telegram's refusal means (faults.verdict) with the row kind's functions."""
        decided = verdict(error, claim.attempts, self.settings)
        if decided.action == "blocked":
            await self.in_session(blocked, claim)
            report.blocked += 1
            return
        report.errors[decided.code] = report.errors.get(decided.code, 0) + 1
        if decided.action == "retry":
            await self.in_session(retry, claim, self.clock.now() + decided.delay, decided.code)
            report.retried += 1
        else:
            await self.in_session(failed, claim, decided.code)
            report.failed += 1
            log.warning("message %s failed: %s", claim.id, decided.code)

    async def in_session(self, action: object, *args: object) -> None:
        """Run `action(session, *args)` in a transaction, again while the database is busy or
        unreachable (SQLite locked, PostgreSQL restarting), for up to DB_PATIENCE."""
        waited, wait = 0.0, 0.2
        while True:
            try:
                async with self.sessions.begin() as session:
                    await action(session, *args)  # type: ignore[operator]
                return
            except OperationalError as error:
                if waited >= DB_PATIENCE.total_seconds():
                    raise
                log.warning("database unavailable (%s), retrying", type(error).__name__)
                await asyncio.sleep(wait)
                waited += wait
                wait = min(wait * 2, DB_MAX_WAIT)

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
