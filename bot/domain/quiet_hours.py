"""When broadcasts may reach people, and when an association is alerted about a deadline.

Pure time arithmetic in the zone of the deadlines (Europe/Paris): no database, no Telegram.
Legal reminders are not concerned: they go out at the reminder time the operator set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

# An association is alerted this many days before a shared deadline that is not marked done, in
# office hours, so a caseworker can still call the person in time. A product choice, not a rule
# of law: it states no deadline to anyone.
ALERT_DAYS_BEFORE = 3
ALERT_TIME = time(10, 0)


@dataclass(frozen=True)
class QuietHours:
    """A nightly period without broadcasts, e.g. 21:00 to 08:00 (may cross midnight)."""

    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        """Tell whether a local moment falls within the quiet hours."""
        now = local.timetz().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def resume_at(self, local: datetime) -> datetime | None:
        """Return when broadcasts may go out again, or None when `local` is not quiet."""
        if not self.contains(local):
            return None
        end = datetime.combine(local.date(), self.end, local.tzinfo)
        return end if end > local else end + timedelta(days=1)


def parse_quiet_hours(text: str) -> QuietHours | None:
    """Read "21:00-08:00" (None for "" or "off"); raise ValueError on anything else."""
    cleaned = text.strip().lower()
    if cleaned in ("", "off", "none"):
        return None
    start, separator, end = cleaned.partition("-")
    if not separator:
        raise ValueError("must be two times such as 21:00-08:00, or off")
    first, second = _time(start), _time(end)
    if first == second:
        raise ValueError("must be two different times such as 21:00-08:00, or off")
    return QuietHours(first, second)


def alert_moment(due: datetime) -> datetime:
    """Return when an association is alerted about a deadline ending at `due` (a local moment)."""
    day = due.date() - timedelta(days=ALERT_DAYS_BEFORE)
    return datetime.combine(day, ALERT_TIME, due.tzinfo)


def _time(text: str) -> time:
    hours, separator, minutes = text.strip().partition(":")
    if not (separator and hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError("must be two times such as 21:00-08:00, or off")
    if int(hours) > 23 or int(minutes) > 59:
        raise ValueError("must be two times such as 21:00-08:00, or off")
    return time(int(hours), int(minutes))
