"""The one place the bot reads the time, so tests can drive it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current aware time."""

    def now(self) -> datetime:
        """Return the current moment, timezone-aware."""


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current UTC moment."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests, the demo's time travel)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def now(self) -> datetime:
        """Return the time set last."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a moment."""
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        """Move forward by a duration."""
        self._now += delta
