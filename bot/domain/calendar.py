"""French calendar arithmetic for deadlines: public holidays, working days, months, délai franc.

All functions take and return local (Europe/Paris) dates; turning a date into the last moment of
that day is done by `end_of_day`, in the zone given, so daylight-saving changes are handled by
zoneinfo and never by adding hours to a local time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from dateutil.relativedelta import relativedelta

PARIS = ZoneInfo("Europe/Paris")
# Alsace-Moselle keeps Good Friday and 26 December as public holidays; `holidays` models Moselle
# as subdivision "57" and the Collectivité européenne d'Alsace (Bas-Rhin 67, Haut-Rhin 68) as "6AE".
_HOLIDAY_SUBDIVISION = {"57": "57", "67": "6AE", "68": "6AE"}
LAST_MINUTE = time(23, 59, 59)


# Calendars are named by a department code; None is the national calendar (no local holiday).
Area = str | None


@cache
def _holidays(area: Area, year: int) -> dict[date, str]:
    """Return the public holidays of one year in one department (None: national), by English
    name ("Good Friday"); bot/views/basis.py translates the names."""
    subdivision = _HOLIDAY_SUBDIVISION.get(area) if area else None
    calendar = holidays.country_holidays("FR", years=year, subdiv=subdivision, language="en_US")
    return dict(calendar.items())


def holiday_name(day: date, area: Area) -> str | None:
    """Return the English name of the public holiday on `day`, if it is one."""
    return _holidays(area, day.year).get(day)


def is_public_holiday(day: date, area: Area) -> bool:
    """Tell whether `day` is a public holiday (jour férié) in that department (None: national)."""
    return day in _holidays(area, day.year)


def is_working_day(day: date, area: Area) -> bool:
    """Tell whether `day` is a working day: Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and not is_public_holiday(day, area)


def next_working_day(day: date, area: Area) -> date:
    """Return `day` itself if it is a working day, else the next one."""
    while not is_working_day(day, area):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, count: int, area: Area) -> date:
    """Return the date `count` working days after `day` (the day itself not counted)."""
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day, area):
            count -= 1
    return day


def add_months(day: date, months: int) -> date:
    """Add months; a missing day becomes the last day of that month (31 Jan + 1 -> 28/29 Feb)."""
    return day + relativedelta(months=months)


def add_years(day: date, years: int) -> date:
    """Add years; 29 February becomes 28 February in a common year."""
    return day + relativedelta(years=years)


def last_day_of_month(day: date, months_after: int = 0) -> date:
    """Return the last day of the month `months_after` months after the month of `day`."""
    first_of_next = day.replace(day=1) + relativedelta(months=months_after + 1)
    return first_of_next - timedelta(days=1)


def before_sunday_or_holiday(day: date, department: str) -> date:
    """Move a day back until it is neither a Sunday nor a public holiday (post offices closed)."""
    while day.weekday() == 6 or is_public_holiday(day, department):
        day -= timedelta(days=1)
    return day


def end_of_day(day: date, zone: ZoneInfo = PARIS) -> datetime:
    """Return the last second of `day` in `zone` (an aware datetime)."""
    return datetime.combine(day, LAST_MINUTE, tzinfo=zone)


def start_of_day(day: date, zone: ZoneInfo = PARIS) -> datetime:
    """Return midnight at the start of `day` in `zone` (an aware datetime)."""
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def local_moment(day: date, at: time | None, zone: ZoneInfo = PARIS) -> datetime:
    """Return the aware moment of a local date and time (midnight when the time is unknown).

    A time that does not exist (inside the spring-forward gap) is moved forward by zoneinfo's
    fold=0 rule; an ambiguous one (autumn) is read as the first occurrence, the earliest.
    """
    return datetime.combine(day, at or time(0, 0), tzinfo=zone)


def add_elapsed_hours(moment: datetime, hours: int) -> datetime:
    """Add hours of real elapsed time (minute to minute, across daylight-saving changes)."""
    zone = moment.tzinfo
    utc = moment.astimezone(ZoneInfo("UTC")) + timedelta(hours=hours)
    return utc.astimezone(zone)


def add_clock_hours(moment: datetime, hours: int) -> datetime:
    """Add hours as read on the wall clock (10:00 + 48 h = 10:00 two days later, whatever the
    daylight-saving change in between); a time that does not exist is read by zoneinfo's fold=0
    rule."""
    zone = moment.tzinfo
    naive = moment.replace(tzinfo=None) + timedelta(hours=hours)
    return naive.replace(tzinfo=zone)
