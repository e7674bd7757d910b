"""When to remind, until when to post, and when to say a deadline was missed (pure)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain import calendar as cal
from bot.domain.rules.model import Counting, Rule

# Reminders counted in hours never arrive at night: they are moved earlier, to this time.
QUIET_FROM, QUIET_UNTIL, EVENING = time(21, 0), time(8, 0), time(20, 0)


def act_before(
    rule: Rule, due: datetime, start: datetime | None, department: str, zone: ZoneInfo
) -> datetime:
    """Return the last moment to post so the paper arrives in time (never after due).

    The post office days are moved back off Sundays and public holidays; when the post needs as
    long as the whole period, it is the day of the event itself: act at once.
    """
    if rule.postal_days == 0:
        return due
    day = due.date() - timedelta(days=rule.postal_days)
    day = cal.before_sunday_or_holiday(day, department)
    if start is not None:
        day = max(day, start.date())
    return min(cal.end_of_day(day, zone), due)


def act_by(
    rule: Rule, due: datetime, start: datetime | None, department: str, zone: ZoneInfo
) -> datetime:
    """Return the last moment to act: to post it (postal days), or a day early when a judge may
    count the period hour to hour (`safety_days`), moved back off Sundays and public holidays."""
    moment = act_before(rule, due, start, department, zone)
    if rule.safety_days:
        day = cal.before_sunday_or_holiday(
            due.date() - timedelta(days=rule.safety_days), department
        )
        moment = min(moment, cal.end_of_day(day, zone))
    return moment


def reminder_moments(
    rule: Rule,
    start: datetime | None,
    due: datetime,
    reminder_time: time,
    zone: ZoneInfo,
    act: datetime | None = None,
) -> tuple[datetime, ...]:
    """Return the reminder moments: lead days at the reminder time, lead hours outside the night.

    When the person must act before the last day (`act`: the last day to post, or a day early),
    one reminder falls on that day too, so the last "post it" reminder is never days before it;
    the reminders after it carry the advice for when posting is too late.
    """
    moments = [
        datetime.combine(due.date() - timedelta(days=lead), reminder_time, zone)
        for lead in rule.remind_days
    ]
    if act is not None and act < due and rule.remind_days:
        moments.append(min(datetime.combine(act.date(), reminder_time, zone), act))
    moments += [outside_night(cal.add_elapsed_hours(due, -lead)) for lead in rule.remind_hours]
    return tuple(sorted({m for m in moments if (start is None or start < m) and m < due}))


def missed_moment(
    rule: Rule, due: datetime, reminder_time: time, zone: ZoneInfo
) -> datetime | None:
    """Return when to tell, once, what can still be done after a deadline that was not met.

    Only for deadlines the person is reminded of; not for appointments (we cannot know whether
    the person went). The morning after a last day; an hour after an hour-based deadline, but
    never at night.
    """
    reminded = rule.remind_days or rule.remind_hours
    if not rule.asks_action or not reminded or rule.counting is Counting.APPOINTMENT:
        return None
    if rule.counting is Counting.ELAPSED:
        later = cal.add_elapsed_hours(due, 1)
        local = later.timetz().replace(tzinfo=None)
        if local >= QUIET_FROM or local < QUIET_UNTIL:
            morning = later.date() + timedelta(days=1 if local >= QUIET_FROM else 0)
            return datetime.combine(morning, QUIET_UNTIL, zone)
        return later
    return datetime.combine(due.date() + timedelta(days=1), reminder_time, zone)


def outside_night(moment: datetime) -> datetime:
    """Move a moment that falls at night to the evening before (never later)."""
    local = moment.timetz().replace(tzinfo=None)
    if local >= QUIET_FROM:
        return moment.replace(hour=EVENING.hour, minute=0, second=0)
    if local < QUIET_UNTIL:
        previous = moment - timedelta(days=1)
        return previous.replace(hour=EVENING.hour, minute=0, second=0)
    return moment


# A paper whose date is unknown: reminded on these days after it was said, at the reminder time,
# until the person gives the date or marks the step done.
STANDING_DAYS = (1, 3, 7, 14, 21, 30, 45, 60)


def standing_moments(said: date, reminder_time: time, zone: ZoneInfo) -> tuple[datetime, ...]:
    """Return when to remind a person of a step whose deadline may be running, date unknown."""
    return tuple(
        datetime.combine(said + timedelta(days=days), reminder_time, zone) for days in STANDING_DAYS
    )
