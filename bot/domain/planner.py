"""The deadline engine: from a person's facts and the rules, every deadline as an exact moment.

Pure functions over frozen models: no Telegram, no SQL, no clock (`now` is passed in). Counting
follows section 2 of the domain reference (bot/domain/counting.py). A date the engine gives is
never later than the law allows: where a fact is unknown or two readings disagree, the earlier
date is kept, and every deadline carries the steps of its calculation (`Deadline.basis`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain import calendar as cal
from bot.domain.anchors import anchor, anchor_notes, assumed
from bot.domain.basis import BasisStep, Step
from bot.domain.counting import Counted, Place, count, hours_after
from bot.domain.deadline import Deadline, Note, Plan, Standing
from bot.domain.events import (
    Event,
    EventKind,
    Facts,
    Received,
    parse_option,
    with_safe_defaults,
)
from bot.domain.moments import (
    act_before,
    act_by,
    missed_moment,
    reminder_moments,
    standing_moments,
)
from bot.domain.prefectures import prefecture_for
from bot.domain.rules.model import Counting, Direction, InForce, Rule, RuleBook
from bot.domain.stages import Stage, current_stage
from bot.domain.suspension import apply_suspension
from bot.domain.validation import validate_facts


@dataclass(frozen=True)
class Context:
    """What every rule evaluation needs besides the rule."""

    facts: Facts
    zone: ZoneInfo
    reminder_time: time

    @property
    def place(self) -> Place:
        """Return where the counting happens."""
        return Place(self.facts.department, self.zone)


def compute_plan(
    facts: Facts,
    book: RuleBook,
    *,
    now: datetime,
    zone: ZoneInfo = cal.PARIS,
    reminder_time: time = time(9, 0),
    done: frozenset[str] = frozenset(),
    stage: Stage | None = None,
) -> Plan:
    """Compute every deadline, the current stage and the next steps for one person.

    Rules in `done` are already met (the person said so, or their stage implies it), as are rules
    met by an event the person gave (`met_by`): they are kept in the plan, marked done, without
    reminders. `stage` is the one the person chose: kept when their dates show nothing later.
    Undated events (a paper whose date is unknown) count nothing: their steps are standing.
    """
    prefecture_for(facts.department)
    facts = with_safe_defaults(facts)
    validate_facts(facts, today=now.astimezone(zone).date())
    everything = facts
    facts = Facts(
        facts.department, tuple(e for e in facts.events if not e.undated), facts.procedure
    )
    facts = _with_derived_events(facts)
    context = Context(facts, zone, reminder_time)
    validity = [rule for rule in book.rules if rule.expiry is not None]
    first = _resolve_groups(_evaluate_all(validity, context, {}))
    produced = _produced_expiries(first, facts)
    context = Context(facts.with_events(*produced), zone, reminder_time)
    others = [rule for rule in book.rules if rule.expiry is None]
    computed = {deadline.rule.id: deadline for deadline in first}
    second = _resolve_groups(_evaluate_all(others, context, computed))
    met = done | {rule.id for rule in book.rules if any(facts.event(k) for k in rule.met_by)}
    deadlines = tuple(
        _sourced(replace(d, done=True, reminders=(), missed_at=None) if d.rule.id in met else d)
        for d in sorted(first + second, key=lambda d: (d.due, d.rule.id))
    )
    return Plan(
        deadlines=deadlines,
        stage=current_stage(everything, stage),
        now=now.astimezone(zone),
        standing=_standing(everything, book, met, context),
    )


def _standing(
    facts: Facts, book: RuleBook, done: frozenset[str], context: Context
) -> tuple[Standing, ...]:
    """Return, for each undated paper, the steps it asks for: they may be running now."""
    found = []
    for event in facts.events:
        if not event.undated:
            continue
        rules = tuple(
            rule
            for rule in book.rules
            if rule.event is event.kind
            and rule.asks_action
            and rule.after_rule is None
            and rule.id not in done
            and _applies(rule, facts, event)
        )
        if rules:
            reminders = standing_moments(event.on, context.reminder_time, context.zone)
            found.append(Standing(event, rules, reminders))
    return tuple(found)


def _evaluate_all(
    rules: list[Rule], context: Context, computed: dict[str, Deadline]
) -> list[Deadline]:
    """Evaluate rules in file order; a rule that depends on another is evaluated after it."""
    results = []
    for rule in sorted(rules, key=lambda r: r.after_rule is not None or r.suspension is not None):
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
    if printed is not None:
        return _finish(rule, event or printed, _printed(rule, printed, context), context)
    assert event is not None
    day, start_steps = anchor(rule, event)
    duration, unit = rule.measure(context.facts, event)
    counted = count(rule, event, day, duration, unit, context.place)
    assumed_steps = assumed(rule, event, context.facts)
    counted = replace(counted, steps=start_steps + assumed_steps + counted.steps)
    if rule.suspension is not None:
        within = computed.get(rule.suspension.within)
        result = apply_suspension(rule, counted, context.facts, within, context.place)
        start = result.resumed_on
        return _finish(rule, event, result.counted, context, result.days_left, start)
    return _finish(rule, event, counted, context)


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


def _printed(rule: Rule, printed: Event, context: Context) -> Counted:
    """The expiry printed on the document: valid until the end of that day."""
    # The printed date prevails whatever the procedure: only an assumed option is worth saying.
    given = assumed(rule, printed, context.facts)
    steps = (BasisStep(Step.FROM_PRINTED_EXPIRY, day=printed.on),) + tuple(
        s for s in given if s.step is not Step.ANY_PROCEDURE
    )
    due = cal.end_of_day(printed.on, context.zone)
    return Counted(due, printed.on, notes=(Note.PRINTED_EXPIRY,), steps=steps)


def _after_other(rule: Rule, base: Deadline, context: Context) -> Deadline:
    """Count a rule from the end of another rule's period (e.g. 96 h after the 48 h appeal)."""
    duration, _unit = rule.measure(context.facts, base.event)
    counted = hours_after(base.due, duration)
    step = BasisStep(Step.FROM_OTHER_DEADLINE, moment=base.due, other_rule=base.rule.id)
    counted = replace(counted, steps=(step,) + counted.steps, notes=counted.notes)
    return _finish(rule, base.event, counted, context)


def _finish(
    rule: Rule,
    event: Event,
    counted: Counted,
    context: Context,
    suspended_with: int | None = None,
    resumed_on: date | None = None,
) -> Deadline:
    """Add the 'act before' moment, the reminders and the warnings to a computed period."""
    steps = list(counted.steps)
    notes = list(anchor_notes(steps)) + list(counted.notes)
    if rule.in_force is InForce.UNCONFIRMED:
        steps.append(BasisStep(Step.UNCONFIRMED))
    if rule.in_force is InForce.UNCONFIRMED or (
        rule.check_paper and Note.PRINTED_EXPIRY not in notes
    ):
        notes.append(Note.CHECK_PAPER)
    due, zone, department = counted.due, context.zone, context.facts.department
    # A window counted back from an expiry, or an appointment, has no lower bound for its
    # reminders: the event itself lies ahead (past moments are dropped when rows are planned).
    ahead = rule.direction is Direction.BEFORE or rule.counting is Counting.APPOINTMENT
    start = None if ahead else cal.local_moment(event.on, event.at, zone)
    if resumed_on is not None:
        start = cal.local_moment(resumed_on, None, zone)
    stopped = suspended_with is not None
    posted = due if stopped else act_before(rule, due, start, department, zone)
    if posted < due:
        steps.append(BasisStep(Step.POST_BY, day=posted.date(), amount=rule.postal_days))
    act = due if stopped else act_by(rule, due, start, department, zone)
    if act < posted:
        steps.append(BasisStep(Step.ACT_EARLY, day=act.date()))
        notes += [Note.ACT_EARLY, Note.CHECK_PERIOD]
    reminded = rule.asks_action and not stopped
    return Deadline(
        rule=rule,
        event=event,
        due=due,
        opens=counted.opens,
        act_before=act,
        reminders=reminder_moments(rule, start, due, context.reminder_time, zone, act)
        if reminded
        else (),
        missed_at=missed_moment(rule, due, context.reminder_time, zone) if not stopped else None,
        notes=tuple(dict.fromkeys(notes)),
        basis=tuple(steps),
        suspended_with=suspended_with,
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
        basis = winner.basis
        if disagree:
            rules = (winner.rule.id, *others)
            basis += (BasisStep(Step.EARLIEST_OF_RULES, rules=rules, day=winner.due.date()),)
        kept.append(
            replace(winner, alternatives=others, notes=tuple(dict.fromkeys(notes)), basis=basis)
        )
    return kept


def _sourced(deadline: Deadline) -> Deadline:
    """End the calculation's steps with the rule's legal basis and sources."""
    rule = deadline.rule
    steps = (BasisStep(Step.LEGAL_BASIS, text=rule.legal_basis),) + tuple(
        BasisStep(Step.SOURCE, text=source, day=rule.verified) for source in rule.sources
    )
    return replace(deadline, basis=deadline.basis + steps)


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
