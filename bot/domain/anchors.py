"""Where a deadline's count starts, how that day is known, and what was assumed (pure).

A decision counts from its notification (by post the day given, online when first opened or 15
days after it was posted), or, for the rules counted from the date printed on it, from that date:
when it is not known, from the earliest plausible day before receipt. Facts the person did not
give are assumed the way that gives the earliest date, and every assumption is a step of the
deadline's basis.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from bot.domain.basis import BasisStep, Step
from bot.domain.deadline import Note
from bot.domain.events import Event, EventKind, Facts, Received
from bot.domain.rules.model import UNKNOWN, Rule

# An Ofpra document in the online account counts as notified when first opened, or 15 days after
# it was made available (CESEDA R531-17; CE 6/06/2023 n°464768).
ONLINE_NOTIFICATION_DAYS = 15
# A rule counted from the date printed on a decision, when only the day it reached the person is
# known: the decision is assumed to be dated this many days earlier, the earliest plausible day
# (a registered letter waits up to 15 days at the post office; an online document counts as
# received 15 days after it was posted).
DECISION_DATE_MARGIN_DAYS = 15


def anchor(rule: Rule, event: Event) -> tuple[date, tuple[BasisStep, ...]]:
    """Return the local day the rule counts from, with the steps saying how it is known."""
    kind = event.kind
    estimated = (
        (BasisStep(Step.FROM_ESTIMATE, day=event.on, event=kind),) if event.estimated else ()
    )
    if rule.from_decision_date:
        if event.decided_on is not None:
            return event.decided_on, (BasisStep(Step.FROM_DECISION_DATE, day=event.decided_on),)
        assumed = event.on - timedelta(days=DECISION_DATE_MARGIN_DAYS)
        step = BasisStep(
            Step.ASSUMED_DECISION_DATE,
            day=assumed,
            other=event.on,
            amount=DECISION_DATE_MARGIN_DAYS,
        )
        return assumed, estimated + (step,)
    if kind is EventKind.OFPRA_DECISION and event.received is Received.ONLINE:
        notified, deemed = notification_day(event)
        if deemed:
            step = BasisStep(Step.DEEMED_NOTIFIED, day=notified, other=event.on)
        else:
            step = BasisStep(Step.FROM_OPENED, day=notified)
        return notified, estimated + (step,)
    return event.on, estimated or (BasisStep(Step.FROM_EVENT, day=event.on, event=kind),)


def anchor_notes(steps: Iterable[BasisStep]) -> tuple[Note, ...]:
    """Return the warnings that the way the starting day is known calls for."""
    notes = {
        Step.FROM_ESTIMATE: Note.ESTIMATED_DATE,
        Step.ASSUMED_DECISION_DATE: Note.ASSUMED_DECISION_DATE,
        Step.DEEMED_NOTIFIED: Note.DEEMED_NOTIFIED,
        Step.ASSUMED_DETAINED: Note.ASSUMED_DETAINED,
        Step.ASSUMED_OPTION: Note.ASSUMED_FACTS,
        Step.ANY_PROCEDURE: Note.ASSUMED_FACTS,
    }
    return tuple(notes[s.step] for s in steps if s.step in notes)


def assumed(rule: Rule, event: Event, facts: Facts) -> tuple[BasisStep, ...]:
    """Say which facts were not given and what was assumed instead (always the earlier date):
    an option filled with its safe default, any procedure, detention (CESEDA L921-2)."""
    steps = [
        BasisStep(Step.ASSUMED_OPTION, text=name, value=str(getattr(event, name)))
        for name in sorted(event.assumed)
    ]
    conditions = rule.conditions + tuple(c for v in rule.variants for c in v.conditions)
    if facts.procedure is None and any(c.name == "procedure" for c in conditions):
        steps.append(BasisStep(Step.ANY_PROCEDURE))
    if event.detained is None and any(
        c.name == "detained" and UNKNOWN in c.values for c in rule.conditions
    ):
        steps.append(BasisStep(Step.ASSUMED_DETAINED))
    return tuple(steps)


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
