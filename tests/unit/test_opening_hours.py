"""Opening hours of an association: when it reads messages, and when the next opening is."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.opening_hours import (
    MONDAY_TO_FRIDAY,
    OpeningHours,
    parse_hours,
    parse_opening,
)

PARIS = ZoneInfo("Europe/Paris")
OFFICE = OpeningHours(MONDAY_TO_FRIDAY, time(9, 0), time(17, 0))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 in Paris (2 March is a Monday)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (at(3, 10), None),  # Tuesday, open
        (at(3, 8, 59), at(3, 9)),  # before opening: the same morning
        (at(3, 17), at(4, 9)),  # closing time: the next day
        (at(6, 18), at(9, 9)),  # Friday evening: Monday
        (at(7, 12), at(9, 9)),  # Saturday
        (at(8, 23, 59), at(9, 9)),  # Sunday night
    ],
)
def test_the_next_opening(moment: datetime, opening: datetime | None) -> None:
    assert OFFICE.next_opening(moment) == opening
    assert OFFICE.is_open(moment) is (opening is None)


def test_a_week_with_one_day_finds_it_a_week_later() -> None:
    wednesdays = OpeningHours(frozenset({2}), time(14, 0), time(18, 0))
    assert wednesdays.next_opening(at(4, 18)) == at(11, 14)


def test_the_stored_form_reads_back() -> None:
    assert OpeningHours.from_json(OFFICE.to_json()) == OFFICE
    assert OpeningHours.from_json(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9-17", (time(9), time(17))),
        ("9h30-17h", (time(9, 30), time(17))),
        ("09:00 - 17:30", (time(9), time(17, 30))),
        ("14h à 18h", (time(14), time(18))),
        ("8-24", (time(8), time(23, 59))),
    ],
)
def test_typed_hours(text: str, expected: tuple[time, time]) -> None:
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text", ["", "9", "17-9", "9-25", "9:75-17", "open"])
def test_hours_that_are_not_hours_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_hours(text)


def test_the_operators_days_and_hours() -> None:
    assert parse_opening("mon-fri 9:00-17:00") == OFFICE
    assert parse_opening("mon,wed,fri 14h-18h").days == frozenset({0, 2, 4})
    assert parse_opening("sat 9-12").days == frozenset({5})
    for wrong in ("fri-mon 9-17", "lundi 9-17", "mon-fri", "mon-fri 18-9"):
        with pytest.raises(ValueError):
            parse_opening(wrong)


def test_closing_before_opening_is_refused() -> None:
    with pytest.raises(ValueError):
        OpeningHours(MONDAY_TO_FRIDAY, time(17), time(9))
    with pytest.raises(ValueError):
        OpeningHours(frozenset(), time(9), time(17))
