"""French calendar arithmetic: public holidays, working days, months, end of day, elapsed hours.

Expected values come from the list of jours fériés in the domain reference (§2 "Public
holidays") and from the 2026 calendar (Easter Sunday 5 April 2026; daylight saving time starts
on the last Sunday of March, 29 March 2026, and ends on the last Sunday of October, 25 October).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import calendar as cal

UTC = ZoneInfo("UTC")
CET, CEST = timedelta(hours=1), timedelta(hours=2)

NATIONAL_2026 = [
    date(2026, 1, 1),
    date(2026, 4, 6),  # Easter Monday (Easter Sunday is 5 April 2026)
    date(2026, 5, 1),
    date(2026, 5, 8),
    date(2026, 5, 14),  # Ascension: Easter + 39 days
    date(2026, 5, 25),  # Whit Monday: Easter + 50 days
    date(2026, 7, 14),
    date(2026, 8, 15),
    date(2026, 11, 1),
    date(2026, 11, 11),
    date(2026, 12, 25),
]
ALSACE_MOSELLE_ONLY_2026 = [date(2026, 4, 3), date(2026, 12, 26)]  # Good Friday, St Stephen


@pytest.mark.parametrize("day", NATIONAL_2026, ids=str)
@pytest.mark.parametrize("department", ["93", "75", "2A", "57", "67", "68"])
def test_national_holidays_everywhere(day: date, department: str) -> None:
    """Every national holiday of 2026 is a holiday in every metropolitan department."""
    assert cal.is_public_holiday(day, department)
    assert not cal.is_working_day(day, department)


@pytest.mark.parametrize("day", ALSACE_MOSELLE_ONLY_2026, ids=str)
def test_good_friday_and_26_december_only_in_alsace_moselle(day: date) -> None:
    """Good Friday and 26 December are holidays in 57, 67 and 68, and nowhere else."""
    assert all(cal.is_public_holiday(day, dep) for dep in ("57", "67", "68"))
    assert not any(cal.is_public_holiday(day, dep) for dep in ("93", "75", "13", "54", "2B"))


@pytest.mark.parametrize(
    "day",
    [date(2026, 4, 5), date(2026, 5, 24), date(2026, 7, 13), date(2026, 12, 24), date(2026, 3, 2)],
    ids=str,
)
def test_ordinary_days_are_not_holidays(day: date) -> None:
    """Easter Sunday is a Sunday, not an extra holiday; eves and ordinary days are not holidays."""
    assert not cal.is_public_holiday(day, "93")


def test_working_days_exclude_weekends_and_holidays() -> None:
    """Monday-Friday are working days unless a holiday; Saturday and Sunday never are."""
    assert cal.is_working_day(date(2026, 3, 2), "93")  # Monday
    assert not cal.is_working_day(date(2026, 3, 7), "93")  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8), "93")  # Sunday
    assert cal.is_working_day(date(2026, 4, 3), "93")  # Good Friday outside Alsace-Moselle
    assert not cal.is_working_day(date(2026, 4, 3), "67")


@pytest.mark.parametrize(
    ("start", "count", "department", "expected"),
    [
        # Fri 3 Apr (1), [Sat, Sun, Easter Monday], Tue 7 (2), Wed 8 (3)
        (date(2026, 4, 2), 3, "93", date(2026, 4, 8)),
        # Good Friday is also off in Bas-Rhin: Tue 7 (1), Wed 8 (2), Thu 9 (3)
        (date(2026, 4, 2), 3, "67", date(2026, 4, 9)),
        # Thu 25 Dec 2025 off; Fri 26 (1), Mon 29 (2), Tue 30 (3)
        (date(2025, 12, 24), 3, "93", date(2025, 12, 30)),
        # Moselle: Fri 26 Dec off too; Mon 29 (1), Tue 30 (2), Wed 31 (3)
        (date(2025, 12, 24), 3, "57", date(2025, 12, 31)),
        # From a Saturday: Mon (1) .. Fri (5)
        (date(2026, 3, 7), 5, "93", date(2026, 3, 13)),
    ],
)
def test_add_working_days(start: date, count: int, department: str, expected: date) -> None:
    """Working days skip weekends and the department's holidays; the start day is not counted."""
    assert cal.add_working_days(start, count, department) == expected


def test_next_working_day() -> None:
    """A working day is kept; a Saturday before Easter Monday moves to Tuesday 7 April 2026."""
    assert cal.next_working_day(date(2026, 3, 2), "93") == date(2026, 3, 2)
    assert cal.next_working_day(date(2026, 4, 4), "93") == date(2026, 4, 7)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 Feb: last day of the month
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 5, 31), 9, date(2027, 2, 28)),
        (date(2027, 5, 31), 9, date(2028, 2, 29)),
        (date(2026, 3, 2), 10, date(2027, 1, 2)),  # crosses the year
        (date(2026, 6, 4), 1, date(2026, 7, 4)),
    ],
    ids=str,
)
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    """Adding months keeps the day number, or takes the last day of a shorter month (CPC 641)."""
    assert cal.add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2028, 2, 29), 1, date(2029, 2, 28)),
        (date(2028, 2, 29), 4, date(2032, 2, 29)),
        (date(2026, 3, 2), 10, date(2036, 3, 2)),
    ],
    ids=str,
)
def test_add_years_from_29_february(start: date, years: int, expected: date) -> None:
    """29 February plus years is 28 February in a common year and stays 29 in a leap year."""
    assert cal.add_years(start, years) == expected


def test_last_day_of_month() -> None:
    """The month-end helper gives the last day of the month, `months_after` months later."""
    assert cal.last_day_of_month(date(2026, 3, 10), 1) == date(2026, 4, 30)
    assert cal.last_day_of_month(date(2028, 1, 15), 1) == date(2028, 2, 29)
    assert cal.last_day_of_month(date(2026, 12, 1), 0) == date(2026, 12, 31)


def test_before_sunday_or_holiday() -> None:
    """Posting days move back over Sundays and holidays, never over a Saturday."""
    assert cal.before_sunday_or_holiday(date(2026, 3, 8), "93") == date(2026, 3, 7)
    assert cal.before_sunday_or_holiday(date(2026, 4, 6), "93") == date(2026, 4, 4)
    assert cal.before_sunday_or_holiday(date(2026, 4, 3), "93") == date(2026, 4, 3)
    assert cal.before_sunday_or_holiday(date(2026, 4, 3), "67") == date(2026, 4, 2)


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (date(2026, 3, 28), CET),
        (date(2026, 3, 29), CEST),  # the spring-forward day already ends in summer time
        (date(2026, 10, 24), CEST),
        (date(2026, 10, 25), CET),  # the fall-back day ends in winter time
    ],
    ids=str,
)
def test_end_of_day_keeps_the_right_offset_across_dst(day: date, offset: timedelta) -> None:
    """The last second of a day is 23:59:59 local with that day's UTC offset."""
    end = cal.end_of_day(day)
    assert (end.date(), end.time()) == (day, time(23, 59, 59))
    assert end.utcoffset() == offset
    assert end.astimezone(UTC) == datetime.combine(day, time(23, 59, 59), UTC) - offset


def test_start_of_day_on_dst_days() -> None:
    """Midnight of the spring-forward day is still winter time (the change is at 02:00)."""
    assert cal.start_of_day(date(2026, 3, 29)).utcoffset() == CET
    assert cal.start_of_day(date(2026, 10, 25)).utcoffset() == CEST


def test_48_elapsed_hours_across_spring_forward() -> None:
    """48 h from 28 March 2026 10:00 CET end on 30 March 11:00 CEST (one hour skipped)."""
    start = datetime(2026, 3, 28, 10, 0, tzinfo=cal.PARIS)
    end = cal.add_elapsed_hours(start, 48)
    assert (end.replace(tzinfo=None), end.utcoffset()) == (datetime(2026, 3, 30, 11, 0), CEST)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=48)


def test_48_elapsed_hours_across_fall_back() -> None:
    """48 h from 24 October 2026 10:00 CEST end on 26 October 09:00 CET (one hour repeated)."""
    start = datetime(2026, 10, 24, 10, 0, tzinfo=cal.PARIS)
    end = cal.add_elapsed_hours(start, 48)
    assert (end.replace(tzinfo=None), end.utcoffset()) == (datetime(2026, 10, 26, 9, 0), CET)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=48)


def test_elapsed_hours_through_the_repeated_hour() -> None:
    """01:30 CEST on 25 Oct 2026 plus 1 h and plus 2 h are both 02:30, an hour apart in UTC."""
    start = datetime(2026, 10, 25, 1, 30, tzinfo=cal.PARIS)
    one, two = cal.add_elapsed_hours(start, 1), cal.add_elapsed_hours(start, 2)
    assert one.time() == two.time() == time(2, 30)
    assert (one.utcoffset(), two.utcoffset()) == (CEST, CET)
    assert two.astimezone(UTC) - one.astimezone(UTC) == timedelta(hours=1)


def test_elapsed_hour_through_the_skipped_hour() -> None:
    """01:30 CET on 29 March 2026 plus 1 h is 03:30 CEST: 02:30 does not exist that night."""
    end = cal.add_elapsed_hours(datetime(2026, 3, 29, 1, 30, tzinfo=cal.PARIS), 1)
    assert (end.time(), end.utcoffset()) == (time(3, 30), CEST)


def test_local_moment_without_time_is_midnight() -> None:
    """A date-only event starts at local midnight; a timed one at its time, in Paris."""
    assert cal.local_moment(date(2026, 3, 2), None) == datetime(2026, 3, 2, tzinfo=cal.PARIS)
    moment = cal.local_moment(date(2026, 7, 1), time(14, 5))
    assert (moment.time(), moment.utcoffset()) == (time(14, 5), CEST)
