"""A person's dates and plan: save events, recompute deadlines, keep reminder rows in step."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.clock import Clock
from bot.db import plans as plans_db
from bot.db import repo
from bot.db.models import CompletedStep, KeyDate, Person, Reminder
from bot.db.statuses import OutboxStatus, ReminderKind
from bot.domain.deadline import Deadline, Plan
from bot.domain.events import Event, EventKind, Facts, Procedure, parse_option
from bot.domain.planner import compute_plan
from bot.domain.quiet_hours import alert_moment
from bot.domain.rules.model import RuleBook
from bot.domain.stages import Stage, current_stage, done_at
from bot.services.unit import Sessions, retried_on_lock


@dataclass(frozen=True)
class PlanChange:
    """What a change of dates did to the deadlines."""

    plan: Plan
    added: tuple[Deadline, ...] = ()
    removed: tuple[Deadline, ...] = ()
    moved: tuple[tuple[Deadline, Deadline], ...] = ()
    suspended: tuple[Deadline, ...] = ()  # stopped by this change (a legal-aid request)

    @property
    def changed(self) -> bool:
        """Tell whether any deadline appeared, disappeared, moved or stopped."""
        return bool(self.added or self.removed or self.moved or self.suspended)


@dataclass(frozen=True)
class PersonPlan:
    """A person's facts and the plan computed from them."""

    facts: Facts
    plan: Plan


@dataclass
class PlanService:
    """Use cases on a person's key dates and deadlines."""

    sessions: Sessions
    book: RuleBook
    clock: Clock
    zone: ZoneInfo
    reminder_time: time

    async def current(self, chat_id: int) -> PersonPlan | None:
        """Return the person's facts and plan, or None if they have no department yet."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.department is None:
                return None
            facts, plan = await self._plan(session, person)
        return PersonPlan(facts, plan)

    async def events(self, chat_id: int) -> tuple[Event, ...]:
        """Return the person's events as stored."""
        async with self.sessions.begin() as session:
            person = await repo.person_by_chat(session=session, chat_id=chat_id)
            if person is None or person.id is None:
                return ()
            rows = await repo.key_dates(session=session, person_id=person.id)
        return tuple(event_of(row) for row in rows)

    @retried_on_lock
    async def save(
        self,
        chat_id: int,
        events: Iterable[Event],
        *,
        remove: Iterable[EventKind] = (),
        procedure: Procedure | None = None,
        finish_conversation: bool = False,
    ) -> PlanChange:
        """Store new or corrected events, recompute the plan and the reminders, say what changed."""
        async with self.sessions.begin() as session:
            person = await _person(session, chat_id)
            _, before = await self._plan(session, person)
            if procedure is not None:
                person.procedure = procedure.value
            for kind in remove:
                await repo.delete_key_date(session=session, person_id=_id(person), event=kind.value)
            for event in events:
                await _upsert(session, _id(person), event)
            await session.flush()
            _, after = await self._plan(session, person)
            await self._sync_reminders(session, _id(person), after)
            if finish_conversation:
                await repo.delete_saved_conversation(session=session, person_id=_id(person))
        return _diff(before, after)

    @retried_on_lock
    async def replan(self, chat_id: int) -> PlanChange | None:
        """Recompute after a change of department, stage or a step done; None without department."""
        async with self.sessions.begin() as session:
            person = await _person(session, chat_id)
            if person.department is None:
                return None
            _, plan = await self._plan(session, person)
            await self._sync_reminders(session, _id(person), plan)
        return PlanChange(plan)

    @retried_on_lock
    async def mark_done(self, chat_id: int, rule_id: str) -> Plan | None:
        """Record that the person met a deadline of their plan; None if it is not in their plan."""
        async with self.sessions.begin() as session:
            person = await _person(session, chat_id)
            _, plan = await self._plan(session, person)
            deadline = plan.find(rule_id)
            standing = plan.find_standing(rule_id) is not None
            if not standing and (deadline is None or not deadline.asks_action):
                return None
            if standing or (deadline is not None and not deadline.done):
                session.add(CompletedStep(person_id=_id(person), rule_id=rule_id))
                await session.flush()
            _, plan = await self._plan(session, person)
            await self._sync_reminders(session, _id(person), plan)
        return plan

    @retried_on_lock
    async def snooze(self, chat_id: int, rule_id: str, moment: datetime) -> bool:
        """Plan one more reminder of an open deadline at `moment`; tell whether it was planned."""
        async with self.sessions.begin() as session:
            person = await _person(session, chat_id)
            _, plan = await self._plan(session, person)
            deadline = plan.find(rule_id)
            if deadline is None or deadline.done or deadline.suspended or not deadline.asks_action:
                return False
            if not self.clock.now() < moment < deadline.due:
                return False
            existing = await repo.existing_reminder_keys(session=session, person_id=_id(person))
            if (rule_id, deadline.due, moment, ReminderKind.SNOOZE) not in existing:
                session.add(
                    Reminder(
                        person_id=_id(person),
                        rule_id=rule_id,
                        due_at=deadline.due,
                        remind_at=moment,
                        kind=ReminderKind.SNOOZE,
                    )
                )
        return True

    async def _plan(self, session: AsyncSession, person: Person) -> tuple[Facts, Plan]:
        """Load the person's dates and completed steps, and compute their plan."""
        rows = await repo.key_dates(session=session, person_id=_id(person))
        completed = await repo.completed_rules(session=session, person_id=_id(person))
        return self.plan_of(person, rows, completed)

    def plan_of(
        self, person: Person, rows: Iterable[KeyDate], completed: frozenset[str]
    ) -> tuple[Facts, Plan]:
        """Compute a person's plan from their stored dates and completed steps.

        Steps implied by the stage the person picked (or reached) and steps they marked done
        are done: shown as such, never reminded.
        """
        procedure = Procedure(person.procedure) if person.procedure else None
        facts = Facts(person.department or "75", tuple(event_of(row) for row in rows), procedure)
        chosen = Stage(person.stage) if person.stage else None
        stages = [current_stage(facts)] + ([chosen] if chosen else [])
        plan = compute_plan(
            facts,
            self.book,
            now=self.clock.now(),
            zone=self.zone,
            reminder_time=self.reminder_time,
            done=done_at(*stages) | completed,
            stage=chosen,
        )
        return facts, plan

    async def _sync_reminders(self, session: AsyncSession, person_id: int, plan: Plan) -> None:
        """Make the pending reminder rows match the plan: cancel stale ones, add new ones."""
        shares = await plans_db.shares_deadlines(session=session, person_id=person_id)
        existing = await repo.all_reminders(session=session, person_id=person_id)
        session.add_all(reconcile(person_id, existing, plan, self.clock.now(), alerts=shares))


def reconcile(
    person_id: int, existing: Iterable[Reminder], plan: Plan, now: datetime, *, alerts: bool
) -> list[Reminder]:
    """Make a person's reminder rows match the plan; return the rows to add.

    A reminder whose date, deadline or rule changed is cancelled, never sent. Reminders the
    person asked for ("remind me tomorrow") stay while their deadline is unchanged and open.
    Rows of other kinds ("changed") are left as they are.
    """
    wanted = _wanted_reminders(plan, now, alerts=alerts)
    still_open = {
        (d.rule.id, d.due)
        for d in plan.deadlines
        if d.asks_action and not d.done and not d.suspended
    }
    # Aware datetimes compare and hash by instant, so stored UTC keys match computed Paris ones.
    keyed = {(row.rule_id, row.due_at, row.remind_at, row.kind): row for row in existing}
    for key, row in keyed.items():
        if row.kind == ReminderKind.CHANGED:
            continue
        if row.kind == ReminderKind.SNOOZE:
            keep = (row.rule_id, row.due_at) in still_open
        else:
            keep = key in wanted
        if row.status == OutboxStatus.PENDING and not keep:
            row.status = OutboxStatus.CANCELLED
        elif row.status == OutboxStatus.CANCELLED and keep and row.remind_at > now:
            row.status = OutboxStatus.PENDING
    return [
        Reminder(
            person_id=person_id,
            rule_id=rule_id,
            due_at=due,
            remind_at=moment,
            kind=ReminderKind(kind),
        )
        for rule_id, due, moment, kind in wanted
        if (rule_id, due, moment, kind) not in keyed
    ]


def _wanted_reminders(
    plan: Plan, now: datetime, *, alerts: bool = False
) -> set[tuple[str, datetime, datetime, str]]:
    """Return the unique keys (rule, due, moment, kind) of the rows the plan calls for.

    With `alerts`, each open deadline also gets an alert to the associations the person shares
    their deadlines with, 3 days before (bot/domain/quiet_hours.py), if that is still ahead.
    """
    wanted: set[tuple[str, datetime, datetime, str]] = set()
    for deadline in plan.deadlines:
        if not deadline.asks_action or deadline.done or deadline.suspended:
            continue
        rule_id, due = deadline.rule.id, deadline.due
        wanted |= {
            (rule_id, due, moment, ReminderKind.LEAD)
            for moment in deadline.reminders
            if moment > now
        }
        if deadline.missed_at is not None and deadline.missed_at > now:
            wanted.add((rule_id, due, deadline.missed_at, ReminderKind.MISSED))
        if alerts and (moment := alert_moment(due)) > now:
            wanted.add((rule_id, due, moment, ReminderKind.ALERT))
    for standing in plan.standing:
        rule_id = standing.rule.id
        wanted |= {
            (rule_id, moment, moment, ReminderKind.STANDING)
            for moment in standing.reminders
            if moment > now
        }
    return wanted


# The coded options of an event, stored as their values (assumed ones are never stored).
STORED_OPTIONS = ("outcome", "received", "permit", "detained")


def event_of(row: KeyDate) -> Event:
    """Turn a stored key date into a domain event."""
    options = {
        name: parse_option(name, value)
        for name in STORED_OPTIONS
        if (value := getattr(row, name)) is not None
    }
    return Event(
        EventKind(row.event),
        row.occurred_on,
        at=row.occurred_at,
        opened_on=row.opened_on,
        decided_on=row.decided_on,
        lawyer_notified_on=row.lawyer_notified_on,
        estimated=row.estimated,
        undated=row.undated,
        **options,
    )


async def _upsert(session: AsyncSession, person_id: int, event: Event) -> None:
    """Insert or replace the key date of an event kind."""
    row = await repo.key_date(session=session, person_id=person_id, event=event.kind.value)
    if row is None:
        row = KeyDate(person_id=person_id, event=event.kind.value, occurred_on=event.on)
    row.occurred_on, row.occurred_at = event.on, event.at
    for name in STORED_OPTIONS:
        value = getattr(event, name)
        setattr(row, name, None if value is None else str(value))
    row.opened_on, row.decided_on, row.estimated = (
        event.opened_on,
        event.decided_on,
        event.estimated,
    )
    row.lawyer_notified_on, row.undated = event.lawyer_notified_on, event.undated
    session.add(row)


async def _person(session: AsyncSession, chat_id: int) -> Person:
    """Return the person or raise LookupError (handlers only call this after consent)."""
    person = await repo.person_by_chat(session=session, chat_id=chat_id, lock=True)
    if person is None:
        raise LookupError("no person for this chat")
    return person


def _id(person: Person) -> int:
    """Return the database id of a stored person."""
    assert person.id is not None
    return person.id


def _diff(before: Plan | None, after: Plan) -> PlanChange:
    """Compare two plans rule by rule."""
    old = {d.rule.id: d for d in before.deadlines} if before else {}
    new = {d.rule.id: d for d in after.deadlines}
    added = tuple(d for rule_id, d in new.items() if rule_id not in old)
    removed = tuple(d for rule_id, d in old.items() if rule_id not in new)
    moved = tuple(
        (old[r], d)
        for r, d in new.items()
        if r in old and (old[r].due != d.due or old[r].suspended) and not d.suspended
    )
    suspended = tuple(
        d for r, d in new.items() if d.suspended and not (r in old and old[r].suspended)
    )
    return PlanChange(after, added, removed, moved, suspended)
