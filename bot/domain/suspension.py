"""A request that suspends a period when it is made in time: legal aid before the CNDA (pure).

A legal-aid request received within 15 days of the notification of the Ofpra decision suspends
the one-month appeal period (loi 91-647 art. 9-4; CESEDA L532-1). The period runs again, for the
time that was left, from the notification of the decision on legal aid, to the person and to the
lawyer appointed: the later of the two counts (CAA Toulouse 6/04/2023 n°22TL00387). The time left
is counted in days from the request to the last day of the earliest reading, the day of the
request counted as used: the earliest plausible date, to be confirmed with the lawyer (domain
reference §2, "Legal-aid suspension"). A request after the 15 days suspends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.domain import calendar as cal
from bot.domain.basis import BasisStep, Step
from bot.domain.counting import Counted, Place
from bot.domain.deadline import Deadline, Note
from bot.domain.events import Facts
from bot.domain.rules.model import Rule

# Steps about the original last day that no longer apply once the period runs again.
_ORIGINAL_ONLY = frozenset({Step.EXTENDED, Step.LOCAL_HOLIDAY_IGNORED})


@dataclass(frozen=True)
class Suspended:
    """A period after its suspension: counted again, or still stopped (`days_left` set)."""

    counted: Counted
    days_left: int | None = None  # while stopped: the days that will be left
    resumed_on: date | None = None  # the day it runs again (reminders count from it)


def apply_suspension(
    rule: Rule, counted: Counted, facts: Facts, within: Deadline | None, place: Place
) -> Suspended:
    """Return the period as the legal-aid facts leave it."""
    suspension = rule.suspension
    if suspension is None:
        return Suspended(counted)
    requested = facts.event(suspension.requested)
    decided = facts.event(suspension.decided)
    if requested is None:
        if decided is None:
            return Suspended(counted)
        step = BasisStep(Step.LEGAL_AID_UNDATED)
        return Suspended(_add(counted, (step,), (Note.LEGAL_AID_UNDATED,)))
    if within is None:
        return Suspended(counted)
    last_to_ask = within.due.date()
    if requested.on > last_to_ask:
        step = BasisStep(Step.LEGAL_AID_LATE, day=requested.on, other=last_to_ask)
        return Suspended(_add(counted, (step,), (Note.LEGAL_AID_LATE,)))
    days_left = max((counted.legal_last - requested.on).days, 0)
    stopped = BasisStep(Step.SUSPENDED, day=requested.on, amount=days_left)
    if decided is None:
        return Suspended(_add(counted, (stopped,), (Note.SUSPENDED,)), days_left=days_left)
    lawyer = decided.lawyer_notified_on
    resumed_on = max(decided.on, lawyer) if lawyer else decided.on
    last = resumed_on + timedelta(days=days_left)
    area = place.area(rule)
    moved = cal.next_working_day(last, area)
    steps = [stopped, BasisStep(Step.RESUMED, day=resumed_on, amount=days_left, other=last)]
    notes = [Note.CHECK_PERIOD]
    if lawyer is None:
        steps.append(BasisStep(Step.LAWYER_DATE_UNKNOWN, day=decided.on))
    if moved != last:
        steps.append(
            BasisStep(
                Step.EXTENDED,
                day=moved,
                other=last,
                holiday=cal.holiday_name(last, area),
                receiver=rule.receiver,
            )
        )
        notes.append(Note.EXTENDED)
    resumed = Counted(
        due=cal.end_of_day(moved, place.zone),
        legal_last=last,
        notes=tuple(n for n in counted.notes if n is not Note.EXTENDED) + tuple(notes),
        steps=tuple(s for s in counted.steps if s.step not in _ORIGINAL_ONLY) + tuple(steps),
    )
    return Suspended(resumed, resumed_on=resumed_on)


def _add(counted: Counted, steps: tuple[BasisStep, ...], notes: tuple[Note, ...]) -> Counted:
    """Return the same period with more steps and notes."""
    return replace(counted, steps=counted.steps + steps, notes=counted.notes + notes)
