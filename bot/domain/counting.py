"""Turn a rule's period into a last moment, recording each step (pure).

The counting modes are described on `Counting`. Where two readings of the law give different
dates, the earlier one is kept and both are recorded:

- a court deadline in months ("délai franc") is read as the same-numbered day plus one, and also
  as the month running from the day after notification, ending on the last day of a shorter month
  (notified 30 March: 1 May moved to 4 May, or 30 April): the earlier wins;
- a period in hours is read as elapsed time and as the wall clock; across the spring change the
  clock ends an hour earlier, across the autumn change elapsed time does: the earlier wins.

Holidays are those of the body that receives the act (bot/domain/receivers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain import calendar as cal
from bot.domain.basis import BasisStep, Step
from bot.domain.deadline import Note
from bot.domain.events import Event
from bot.domain.receivers import ALSACE_MOSELLE, holiday_area
from bot.domain.rules.model import Counting, Direction, Rule, Unit


@dataclass(frozen=True)
class Counted:
    """The last moment of a period, the day it would end without any extension, and why."""

    due: datetime
    legal_last: date  # the last day before a weekend or holiday extension (earliest reading)
    opens: datetime | None = None
    notes: tuple[Note, ...] = ()
    steps: tuple[BasisStep, ...] = ()


@dataclass(frozen=True)
class Place:
    """Where the counting happens: the person's department, their zone, the rule's receiver."""

    department: str
    zone: ZoneInfo

    def area(self, rule: Rule) -> cal.Area:
        """Return the calendar whose holidays move this rule's deadline."""
        return holiday_area(rule.receiver, self.department)


def count(rule: Rule, event: Event, day: date, duration: int, unit: Unit, place: Place) -> Counted:
    """Apply the rule's counting from the anchor `day` (or the event's moment, in hours)."""
    if rule.counting is Counting.ELAPSED:
        return _hours(event, duration, place)
    if rule.counting is Counting.APPOINTMENT:
        moment = cal.local_moment(day, event.at, place.zone) if event.at else _end(day, place)
        period = BasisStep(Step.PERIOD, counting=rule.counting, moment=moment)
        return Counted(moment, moment.date(), steps=(period,))
    if rule.direction is Direction.BEFORE:
        return _window(rule, day, duration, unit, place)
    if rule.counting is Counting.END_OF_MONTH:
        last = cal.last_day_of_month(day, duration)
        period = BasisStep(
            Step.PERIOD, amount=duration, unit=unit, counting=rule.counting, day=last
        )
        return Counted(_end(last, place), last, steps=(period,))
    area = place.area(rule)
    last = shift(day, duration, unit, area)
    if rule.counting is Counting.VALIDITY:
        last -= timedelta(days=1)
    period = BasisStep(
        Step.PERIOD,
        amount=duration,
        unit=unit,
        counting=rule.counting,
        day=last,
        receiver=rule.receiver if unit is Unit.WORKING_DAYS else None,
    )
    if rule.counting is Counting.FRANC:
        return _franc(rule, day, duration, unit, last, period, place)
    if rule.asks_action and not cal.is_working_day(last, area):
        step = BasisStep(Step.NOT_EXTENDED, day=last, holiday=cal.holiday_name(last, area))
        return Counted(_end(last, place), last, notes=(Note.NOT_EXTENDED,), steps=(period, step))
    return Counted(_end(last, place), last, steps=(period,))


def _franc(
    rule: Rule,
    day: date,
    duration: int,
    unit: Unit,
    last: date,
    period: BasisStep,
    place: Place,
) -> Counted:
    """A court deadline: one more day, then the next working day of the receiving court."""
    area = place.area(rule)
    legal = last + timedelta(days=1)
    steps = [period, BasisStep(Step.FRANC, day=legal)]
    notes: list[Note] = []
    moved = cal.next_working_day(legal, area)
    chosen_legal, chosen = legal, moved
    if unit is Unit.MONTHS:
        # The month running from the day after notification (31 March -> 30 April).
        other = cal.add_months(day + timedelta(days=1), duration)
        other_moved = cal.next_working_day(other, area)
        if other_moved < moved:
            steps.append(BasisStep(Step.OTHER_READING, day=other_moved, other=moved))
            notes += [Note.TWO_READINGS, Note.CHECK_PERIOD]
            chosen_legal, chosen = other, other_moved
    if chosen != chosen_legal:
        name = cal.holiday_name(chosen_legal, area)
        steps.append(
            BasisStep(
                Step.EXTENDED,
                day=chosen,
                other=chosen_legal,
                holiday=name,
                receiver=rule.receiver,
            )
        )
        notes.append(Note.EXTENDED)
    ignored = _local_holiday_ignored(rule, chosen_legal, chosen, place)
    if ignored is not None:
        steps.append(ignored)
    return Counted(_end(chosen, place), chosen_legal, None, tuple(notes), tuple(steps))


def _local_holiday_ignored(rule: Rule, legal: date, chosen: date, place: Place) -> BasisStep | None:
    """Say so when a local Alsace-Moselle holiday would have moved a deadline, but the court
    that receives the act follows the national holidays (26 December, Good Friday)."""
    if place.department not in ALSACE_MOSELLE or place.area(rule) is not None:
        return None
    day = legal
    while day <= chosen:
        name = cal.holiday_name(day, place.department)
        if name is not None and not cal.is_public_holiday(day, None):
            return BasisStep(
                Step.LOCAL_HOLIDAY_IGNORED, day=day, holiday=name, receiver=rule.receiver
            )
        day += timedelta(days=1)
    return None


def _hours(event: Event, hours: int, place: Place) -> Counted:
    """Hours from the moment of the event: the earlier of elapsed time and the wall clock."""
    start = cal.local_moment(event.on, event.at, place.zone)
    return hours_after(start, hours, unknown_time=event.at is None)


def hours_after(start: datetime, hours: int, *, unknown_time: bool = False) -> Counted:
    """Count hours from a moment, minute to minute, keeping the earlier of two readings."""
    elapsed = cal.add_elapsed_hours(start, hours)
    clock = cal.add_clock_hours(start, hours)
    due = min(elapsed, clock)
    if unknown_time:
        # Counted from midnight, the period ends at midnight: shown as the end of the day before.
        due -= timedelta(seconds=1)
    steps = [BasisStep(Step.TIME_UNKNOWN, day=start.date())] if unknown_time else []
    notes = [Note.TIME_UNKNOWN] if unknown_time else []
    steps.append(
        BasisStep(Step.PERIOD, amount=hours, unit=Unit.HOURS, counting=Counting.ELAPSED, moment=due)
    )
    if elapsed != clock:
        steps.append(BasisStep(Step.CLOCK_CHANGE, moment=due, other_moment=max(elapsed, clock)))
        notes += [Note.TWO_READINGS, Note.CHECK_PERIOD]
    return Counted(due, due.date(), notes=tuple(notes), steps=tuple(steps))


def _window(rule: Rule, day: date, duration: int, unit: Unit, place: Place) -> Counted:
    """A window counted back from an expiry (renew between 120 and 60 days before)."""
    area = place.area(rule)
    last = shift(day, -duration, unit, area)
    opens = (
        cal.start_of_day(shift(day, -rule.opens, unit, area), place.zone) if rule.opens else None
    )
    period = BasisStep(
        Step.PERIOD,
        amount=duration,
        unit=unit,
        counting=rule.counting,
        direction=Direction.BEFORE,
        day=last,
        other=opens.date() if opens else None,
    )
    return Counted(_end(last, place), last, opens, steps=(period,))


def shift(day: date, amount: int, unit: Unit, area: cal.Area) -> date:
    """Move a date by an amount of a unit (negative amounts count back; not for working days)."""
    if unit is Unit.CALENDAR_DAYS:
        return day + timedelta(days=amount)
    if unit is Unit.WEEKS:
        return day + timedelta(weeks=amount)
    if unit is Unit.WORKING_DAYS:
        return cal.add_working_days(day, amount, area)
    if unit is Unit.MONTHS:
        return cal.add_months(day, amount)
    if unit is Unit.YEARS:
        return cal.add_years(day, amount)
    raise ValueError(f"unit {unit} cannot count whole days")


def _end(day: date, place: Place) -> datetime:
    """Return the last moment of a local day."""
    return cal.end_of_day(day, place.zone)
