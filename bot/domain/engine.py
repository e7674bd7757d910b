"""The deadline engine: from a person's facts and the rules, every deadline as an exact moment.

Pure functions over frozen models: no Telegram, no SQL, no clock (`now` is passed in). Counting
follows section 2 of the domain reference; see `Counting` for each mode.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import calendar as cal
from bot.domain.deadline import Deadline, Note, Plan
from bot.domain.events import Event, EventKind, Facts, Received, parse_option
from bot.domain.moments import act_before, missed_moment, reminder_moments
from bot.domain.prefectures import prefecture_for
from bot.domain.rules.model import Counting, Direction, InForce, Rule, RuleBook, Unit
from bot.domain.stages import current_stage
from bot.domain.validation import validate_facts

# An Ofpra document in the online account counts as notified when first opened, or 15 days after
# it was made available (CESEDA R531-17; CE 6/06/2023 n°464768).
ONLINE_NOTIFICATION_DAYS = 15


@dataclass(frozen=True)
class Context:
    """What every rule evaluation needs besides the rule."""

    facts: Facts
    zone: ZoneInfo
    reminder_time: time


def compute_plan(
    facts: Facts,
    book: RuleBook,
    *,
    now: datetime,
    zone: ZoneInfo = cal.PARIS,
    reminder_time: time = time(9, 0),
    done: frozenset[str] = frozenset(),
) -> Plan:
    """Compute every deadline, the current stage and the next steps for one person.

    Rules in `done` are already met (the person said so, or their stage implies it): they are
    kept in the plan, marked done, without reminders.
    """
    prefecture_for(facts.department)
    validate_facts(facts, today=now.astimezone(zone).date())
    facts = _with_derived_events(facts)
    context = Context(facts, zone, reminder_time)
    validity = [rule for rule in book.rules if rule.expiry is not None]
    first = _resolve_groups(_evaluate_all(validity, context, {}))
    produced = _produced_expiries(first, facts)
    context = Context(facts.with_events(*produced), zone, reminder_time)
    others = [rule for rule in book.rules if rule.expiry is None]
    computed = {deadline.rule.id: deadline for deadline in first}
    second = _resolve_groups(_evaluate_all(others, context, computed))
    deadlines = tuple(
        replace(d, done=True, reminders=(), missed_at=None) if d.rule.id in done else d
        for d in sorted(first + second, key=lambda d: (d.due, d.rule.id))
    )
    return Plan(deadlines=deadlines, stage=current_stage(facts), now=now.astimezone(zone))


def _evaluate_all(
    rules: list[Rule], context: Context, computed: dict[str, Deadline]
) -> list[Deadline]:
    """Evaluate rules in file order; a rule counted after another sees that one's deadline."""
    results = []
    for rule in sorted(rules, key=lambda rule: rule.after_rule is not None):
        deadline = _evaluate(rule, context, computed)
        if deadline is not None:
            computed[rule.id] = deadline
            results.append(deadline)
    return results


def _evaluate(rule: Rule, context: Context, computed: dict[str, Deadline]) -> Deadline | None:
    """Return the deadline of one rule for these facts, or None when it does not apply."""
    if rule.after_rule is not None:
        base = computed.get(rule.after_rule)
        if base is None or not _applies(rule, context.facts, base.event):
            return None
        return _after_other(rule, base, context)
    event = context.facts.event(rule.event)
    printed = _printed_expiry(rule, context.facts)
    anchor_event = event or printed
    if anchor_event is None or not _applies(rule, context.facts, anchor_event):
        return None
    if event is None and printed is not None:
        return _finish(
            rule, printed, _end(printed.on, context), None, context, (Note.PRINTED_EXPIRY,)
        )
    assert event is not None
    day, notes = _anchor_day(rule, event)
    if printed is not None:
        due, opens = _end(printed.on, context), None
        notes += (Note.PRINTED_EXPIRY,)
    else:
        due, opens, moved = _count(rule, event, day, context)
        notes += moved
    return _finish(rule, event, due, opens, context, notes)


def _applies(rule: Rule, facts: Facts, event: Event) -> bool:
    """Tell whether the rule's conditions hold and it was in force on the day of the event."""
    return rule.in_force_on(event.on) and all(c.holds(facts, event) for c in rule.conditions)


def _printed_expiry(rule: Rule, facts: Facts) -> Event | None:
    """Return the printed expiry event that prevails for a validity rule, if given."""
    if rule.expiry is None:
        return None
    event = facts.event(rule.expiry.event)
    if event is None or any(event.attribute(k) != v for k, v in rule.expiry.attributes):
        return None
    return event


def _anchor_day(rule: Rule, event: Event) -> tuple[date, tuple[Note, ...]]:
    """Return the local day the rule counts from, with notes on how it was chosen."""
    notes: tuple[Note, ...] = (Note.ESTIMATED_DATE,) if event.estimated else ()
    if event.kind is not EventKind.OFPRA_DECISION:
        return event.on, notes
    if rule.from_decision_date:
        if event.decided_on is not None:
            return event.decided_on, notes
        return event.on, notes + (Note.FROM_RECEIPT,)
    notified, deemed = notification_day(event)
    return notified, notes + ((Note.DEEMED_NOTIFIED,) if deemed else ())


def notification_day(event: Event) -> tuple[date, bool]:
    """Return the day an Ofpra decision counts as notified, and whether it is the 15-day rule.

    By post, `on` is the day the receipt was signed or the first notice was left. Online, `on` is
    the day it was made available: notified when first opened, or 15 days later at the latest.
    """
    if event.received is not Received.ONLINE:
        return event.on, False
    latest = event.on + timedelta(days=ONLINE_NOTIFICATION_DAYS)
    if event.opened_on is not None and event.opened_on <= latest:
        return event.opened_on, False
    return latest, True


def _count(
    rule: Rule, event: Event, day: date, context: Context
) -> tuple[datetime, datetime | None, tuple[Note, ...]]:
    """Apply the rule's counting to its anchor; return (due, opens, notes)."""
    duration, unit = rule.measure(context.facts, event)
    zone, department = context.zone, context.facts.department
    if rule.counting is Counting.ELAPSED:
        start = cal.local_moment(event.on, event.at, zone)
        return cal.add_elapsed_hours(start, duration), None, ()
    if rule.counting is Counting.APPOINTMENT:
        moment = cal.local_moment(day, event.at, zone) if event.at else _end(day, context)
        return moment, None, ()
    if rule.direction is Direction.BEFORE:
        opens = (
            cal.start_of_day(_shift(day, -rule.opens, unit, department), zone)
            if rule.opens
            else None
        )
        return _end(_shift(day, -duration, unit, department), context), opens, ()
    if rule.counting is Counting.END_OF_MONTH:
        return _end(cal.last_day_of_month(day, duration), context), None, ()
    last = _shift(day, duration, unit, department)
    if rule.counting is Counting.VALIDITY:
        last -= timedelta(days=1)
    notes: tuple[Note, ...] = ()
    if rule.counting is Counting.FRANC:
        legal = last + timedelta(days=1)
        last = cal.next_working_day(legal, department)
        notes = (Note.EXTENDED,) if last != legal else ()
    elif rule.asks_action and not cal.is_working_day(last, department):
        notes = (Note.NOT_EXTENDED,)
    return _end(last, context), None, notes


def _shift(day: date, amount: int, unit: Unit, department: str) -> date:
    """Move a date by an amount of a unit (negative amounts count back; not for working days)."""
    if unit is Unit.CALENDAR_DAYS:
        return day + timedelta(days=amount)
    if unit is Unit.WEEKS:
        return day + timedelta(weeks=amount)
    if unit is Unit.WORKING_DAYS:
        return cal.add_working_days(day, amount, department)
    if unit is Unit.MONTHS:
        return cal.add_months(day, amount)
    if unit is Unit.YEARS:
        return cal.add_years(day, amount)
    raise ValueError(f"unit {unit} cannot count whole days")


def _after_other(rule: Rule, base: Deadline, context: Context) -> Deadline:
    """Count a rule from the end of another rule's period (e.g. 96 h after the 48 h appeal)."""
    duration, _unit = rule.measure(context.facts, base.event)
    due = cal.add_elapsed_hours(base.due, duration)
    return _finish(rule, base.event, due, None, context, base.notes)


def _end(day: date, context: Context) -> datetime:
    """Return the last moment of a local day."""
    return cal.end_of_day(day, context.zone)


def _finish(
    rule: Rule,
    event: Event,
    due: datetime,
    opens: datetime | None,
    context: Context,
    notes: tuple[Note, ...],
) -> Deadline:
    """Add the 'act before' moment, the reminders and the in-force note to a computed deadline."""
    if rule.in_force is InForce.UNCONFIRMED or (
        rule.check_paper and Note.PRINTED_EXPIRY not in notes
    ):
        notes += (Note.CHECK_PAPER,)
    # A window counted back from an expiry, or an appointment, has no lower bound for its
    # reminders: the event itself lies ahead (past moments are dropped when rows are planned).
    start = cal.local_moment(event.on, event.at, context.zone)
    ahead = rule.direction is Direction.BEFORE or rule.counting is Counting.APPOINTMENT
    return Deadline(
        rule=rule,
        event=event,
        due=due,
        opens=opens,
        act_before=act_before(
            rule, due, None if ahead else start, context.facts.department, context.zone
        ),
        reminders=reminder_moments(
            rule, None if ahead else start, due, context.reminder_time, context.zone
        )
        if rule.asks_action
        else (),
        missed_at=missed_moment(rule, due, context.reminder_time, context.zone),
        notes=tuple(dict.fromkeys(notes)),
    )


def _resolve_groups(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Keep one deadline per group of alternative rules: the earliest, flagged when unsure.

    Where it is not confirmed which rule is in force (e.g. the EU Pact rows from 12 June 2026),
    the person is given the earliest deadline and told to check the date printed on the paper.
    Rules counted from their own event win over those anchored only on a printed expiry.
    """
    kept: list[Deadline] = []
    groups: dict[str, list[Deadline]] = {}
    for deadline in deadlines:
        if deadline.rule.group is None:
            kept.append(deadline)
        else:
            groups.setdefault(deadline.rule.group, []).append(deadline)
    for candidates in groups.values():
        own = [d for d in candidates if d.event.kind is d.rule.event] or candidates
        # The most recent paper counts (a renewed certificate replaces the first one); among
        # alternatives counted from the same day, the earliest deadline wins.
        latest = max(d.event.on for d in own)
        own = [d for d in own if d.event.on == latest]
        winner = min(own, key=lambda d: d.due)
        others = tuple(d.rule.id for d in own if d is not winner)
        unsure = any(d.rule.in_force is InForce.UNCONFIRMED for d in own)
        disagree = len({d.due for d in own}) > 1
        notes = winner.notes + ((Note.CHECK_PAPER,) if unsure or disagree else ())
        kept.append(replace(winner, alternatives=others, notes=tuple(dict.fromkeys(notes))))
    return kept


def _with_derived_events(facts: Facts) -> Facts:
    """Add the events the engine derives: an unopened online decision is a posted document."""
    decision = facts.event(EventKind.OFPRA_DECISION)
    posted = facts.event(EventKind.OFPRA_DOCUMENT_POSTED)
    if decision is None or posted is not None or decision.received is not Received.ONLINE:
        return facts
    if decision.opened_on is not None:
        return facts
    derived = Event(EventKind.OFPRA_DOCUMENT_POSTED, decision.on, estimated=decision.estimated)
    return facts.with_events(derived)


def _produced_expiries(deadlines: Iterable[Deadline], facts: Facts) -> tuple[Event, ...]:
    """Turn computed validity ends into expiry events for the rules counted from an expiry."""
    produced = []
    for deadline in deadlines:
        expiry = deadline.rule.expiry
        if expiry is None or facts.event(expiry.event) is not None:
            continue
        options = {name: parse_option(name, value) for name, value in expiry.attributes}
        produced.append(Event(expiry.event, deadline.due.date(), **options))
    return tuple(produced)
