"""Recompute every stored person's plan from the current rules, and tell whom a change concerns.

When the rules file changes (a correction of the law, a new source), the plans stored as reminder
rows were computed from the old rules. `run` recomputes them all, in batches of people taken in
id order, one short transaction per batch, so the bot keeps answering while it runs (on SQLite
and PostgreSQL, as a separate process or inside the bot). A deadline whose date moved, or that
now applies where nothing did, gets one message of kind "changed" (the old date is kept on it);
the reminders follow the new dates. It is idempotent: a second run finds nothing to change. A
lease in app_state lets one process run it at a time; the rules' hash is stored once a run
completes, and `run` in the bot starts one by itself when the hash differs.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import app_state
from bot.db import plans as plans_db
from bot.db.models import Reminder
from bot.db.statuses import ReminderKind
from bot.domain.deadline import Deadline, Plan
from bot.domain.events import FactsError
from bot.domain.prefectures import DepartmentError
from bot.domain.rules.loader import rules_fingerprint
from bot.services.plans import PlanService, reconcile

log = logging.getLogger(__name__)
RULES_HASH, REPLAN_LEASE = "rules_hash", "replan_lease"
LEASE = timedelta(minutes=10)
ATTEMPTS = 6  # a batch that meets a lock or a concurrent write is tried again (it is idempotent)
Progress = Callable[[int, int], None]


class ReplanBusy(RuntimeError):
    """Another process is recomputing the plans (its lease has not expired)."""


@dataclass
class ReplanReport:
    """What a run changed (counts only: no personal data)."""

    people: int = 0  # plans recomputed
    moved: int = 0  # deadlines whose date moved
    new: int = 0  # deadlines that apply now and had no date before
    notified: int = 0  # people who get a message about it
    skipped: int = 0  # people whose stored dates the rules refuse now (left as they were)
    moved_by_rule: dict[str, int] = field(default_factory=dict)

    def add(self, other: ReplanReport) -> None:
        """Sum a batch's counts into this report."""
        self.people += other.people
        self.moved += other.moved
        self.new += other.new
        self.notified += other.notified
        self.skipped += other.skipped
        for rule_id, count in other.moved_by_rule.items():
            self.moved_by_rule[rule_id] = self.moved_by_rule.get(rule_id, 0) + count


@dataclass
class ReplanService:
    """Recomputes every plan with the rules of this release."""

    plans: PlanService
    batch: int = 50

    async def needed(self) -> bool:
        """Tell whether the stored plans were computed with other rules than these."""
        async with self.plans.sessions.begin() as session:
            stored = await app_state.read(session, RULES_HASH)
        return stored != rules_fingerprint()

    async def run(self, progress: Progress | None = None) -> ReplanReport:
        """Recompute every plan; raise ReplanBusy when another process is doing it."""
        clock = self.plans.clock
        async with self.plans.sessions.begin() as session:
            now = clock.now()
            if not await app_state.take_lease(session, REPLAN_LEASE, now, now + LEASE):
                raise ReplanBusy("another process is recomputing the plans")
            total = await plans_db.count_people_with_plans(session=session)
        report, after, done = ReplanReport(), 0, 0
        try:
            while True:
                batch, last = await self._batch_with_retries(after)
                if last is None:
                    break
                report.add(batch)
                after, done = last, done + batch.people + batch.skipped
                if progress is not None:
                    progress(done, total)
            async with self.plans.sessions.begin() as session:
                await app_state.write(session, RULES_HASH, rules_fingerprint(), clock.now())
        finally:
            async with self.plans.sessions.begin() as session:
                await app_state.release_lease(session, REPLAN_LEASE, clock.now())
        return report

    async def _batch_with_retries(self, after: int) -> tuple[ReplanReport, int | None]:
        """Run one batch, again after a lock or a concurrent write (nothing of it was kept)."""
        for attempt in range(ATTEMPTS):
            try:
                return await self._batch(after)
            except (OperationalError, IntegrityError) as error:
                if attempt == ATTEMPTS - 1:
                    raise
                log.warning("replan batch retried: %s", type(error).__name__)
                await asyncio.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")

    async def _batch(self, after: int) -> tuple[ReplanReport, int | None]:
        """Recompute the plans of the next people after id `after`; return the last id seen."""
        report = ReplanReport()
        clock = self.plans.clock
        async with self.plans.sessions.begin() as session:
            # Writing first takes SQLite's write lock before anything is read, so no other
            # process commits between what this batch reads and what it writes; on PostgreSQL
            # the people's rows are locked (FOR UPDATE), as every change of a plan does.
            now = clock.now()
            await app_state.renew_lease(session, REPLAN_LEASE, now, now + LEASE)
            people = await plans_db.people_after(session=session, after=after, limit=self.batch)
            if not people:
                return report, None
            ids = [person.id for person in people if person.id is not None]
            inputs = await plans_db.plan_inputs(session=session, ids=ids)
            dates, completed = inputs.dates, inputs.completed
            sharing, reminders = inputs.sharing, inputs.reminders
            for index, person in enumerate(people):
                pid = person.id
                assert pid is not None
                try:
                    _, plan = self.plans.plan_of(person, dates[pid], completed[pid])
                except (FactsError, DepartmentError):
                    report.skipped += 1  # refused by the new rules: the old rows stay as they are
                    continue
                report.people += 1
                existing = reminders[pid]
                notices = changes(existing, plan, now)
                session.add_all(reconcile(pid, existing, plan, now, alerts=pid in sharing))
                for deadline, previous in notices:
                    if previous is None:
                        report.new += 1
                    else:
                        report.moved += 1
                        rule_id = deadline.rule.id
                        report.moved_by_rule[rule_id] = report.moved_by_rule.get(rule_id, 0) + 1
                    if person.active:
                        session.add(_notice(pid, deadline, previous, now))
                report.notified += bool(notices) and person.active
                if index % 50 == 49:
                    await asyncio.sleep(0)  # let the bot answer people between plans
        return report, people[-1].id


def changes(
    existing: Iterable[Reminder], plan: Plan, now: datetime
) -> list[tuple[Deadline, datetime | None]]:
    """Return the open deadlines to tell the person about: moved (with the date they had been
    given) or new (None). The date they had is the one on their latest reminder row."""
    latest: dict[str, Reminder] = {}
    for row in existing:
        if row.status == "cancelled":
            continue
        kept = latest.get(row.rule_id)
        if kept is None or (row.remind_at, row.id or 0) > (kept.remind_at, kept.id or 0):
            latest[row.rule_id] = row
    found: list[tuple[Deadline, datetime | None]] = []
    for deadline in plan.deadlines:
        if not deadline.asks_action or deadline.done or deadline.suspended:
            continue
        told = latest.get(deadline.rule.id)
        if told is None:
            reminded = deadline.rule.remind_days or deadline.rule.remind_hours
            if reminded and deadline.due > now:
                found.append((deadline, None))
        elif told.due_at != deadline.due and max(told.due_at, deadline.due) > now:
            found.append((deadline, told.due_at))
    return found


def _notice(
    person_id: int, deadline: Deadline, previous: datetime | None, now: datetime
) -> Reminder:
    """Return the one message telling a person that a deadline moved or now applies."""
    return Reminder(
        person_id=person_id,
        rule_id=deadline.rule.id,
        due_at=deadline.due,
        remind_at=now,
        kind=ReminderKind.CHANGED,
        previous_due_at=previous,
    )
