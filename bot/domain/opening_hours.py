"""When an association reads its messages: its opening hours, and when an answer can be expected.

Pure time arithmetic in the local zone (Europe/Paris): no database, no Telegram. An association
that set no hours is read as always open: the person is told nothing about when to expect an
answer rather than a time that may be wrong.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

# Monday is 0, as in datetime.weekday().
WEEKDAYS = range(7)
MONDAY_TO_FRIDAY = frozenset(range(5))
# "9-17", "9h30-17h", "09:00 - 17:30", "9.30 to 17" ...: two times, hours then optional minutes.
_TIMES = re.compile(r"^\D*(\d{1,2})(?:\D{1,2}(\d{2}))?\D+(\d{1,2})(?:\D{1,2}(\d{2}))?\D*$")


@dataclass(frozen=True)
class OpeningHours:
    """The days of the week (0 = Monday) and the daily hours an association reads messages."""

    days: frozenset[int]
    opens: time
    closes: time

    def __post_init__(self) -> None:
        if not self.days or not self.days <= set(WEEKDAYS):
            raise ValueError("opening days must be weekdays 0 to 6, at least one")
        if self.opens >= self.closes:
            raise ValueError("an association opens before it closes, on the same day")

    def is_open(self, local: datetime) -> bool:
        """Tell whether `local` (an aware local moment) falls within the opening hours."""
        now = local.timetz().replace(tzinfo=None)
        return local.weekday() in self.days and self.opens <= now < self.closes

    def next_opening(self, local: datetime) -> datetime | None:
        """Return when the association next opens, or None when it is open at `local`."""
        if self.is_open(local):
            return None
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            opening = datetime.combine(day, self.opens, local.tzinfo)
            if day.weekday() in self.days and opening > local:
                return opening
        raise AssertionError("a week always holds an opening day")  # pragma: no cover

    def to_json(self) -> str:
        """Return the stored form (associations.hours)."""
        return json.dumps(
            {
                "days": sorted(self.days),
                "opens": self.opens.strftime("%H:%M"),
                "closes": self.closes.strftime("%H:%M"),
            }
        )

    @classmethod
    def from_json(cls, stored: str | None) -> OpeningHours | None:
        """Read the stored form; None when the association set no hours."""
        if not stored:
            return None
        data = json.loads(stored)
        return cls(
            frozenset(int(d) for d in data["days"]),
            time.fromisoformat(data["opens"]),
            time.fromisoformat(data["closes"]),
        )


def parse_hours(text: str) -> tuple[time, time]:
    """Read two times typed by a staff member ("9-17", "9h30-17h", "09:00 - 17:30").

    Raise ValueError when the text is not two times of a day, or they are not in order.
    """
    match = _TIMES.match(text.strip())
    if match is None:
        raise ValueError("two times such as 9:00-17:00")
    first_hour, first_minute, second_hour, second_minute = match.groups()
    opens = _time(first_hour, first_minute)
    closes = _time(second_hour, second_minute)
    if opens >= closes:
        raise ValueError("the first time must come before the second")
    return opens, closes


DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_opening(text: str) -> OpeningHours:
    """Read the operator's "mon-fri 9:00-17:00" ("mon,wed,fri 14h-18h", "mon-sun 9-12").

    Raise ValueError on anything else.
    """
    days_text, _, times_text = text.strip().lower().partition(" ")
    days: set[int] = set()
    for part in days_text.split(","):
        first, _, last = part.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise ValueError("days such as mon-fri or mon,wed,fri")
        start, end = DAY_NAMES.index(first), DAY_NAMES.index(last or first)
        if end < start:
            raise ValueError("days in order, such as mon-fri")
        days.update(range(start, end + 1))
    opens, closes = parse_hours(times_text)
    return OpeningHours(frozenset(days), opens, closes)


def _time(hour: str, minute: str | None) -> time:
    """Return a time of day; 24:00 is read as the last minute of the day."""
    h, m = int(hour), int(minute or 0)
    if (h, m) == (24, 0):
        return time(23, 59)
    return time(h, m)  # ValueError for 25h or 9:75
