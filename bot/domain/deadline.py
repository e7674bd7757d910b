"""What the engine returns: deadlines with their moments, and a person's plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.events import Event
from bot.domain.rules.model import Rule
from bot.domain.stages import Stage


class Note(StrEnum):
    """Why a deadline must be read with care; each becomes a sentence for the person."""

    CHECK_PAPER = "check_paper"  # not confirmed which rule is in force: the earliest date is used
    EXTENDED = "extended"  # court deadline moved to the next working day
    NOT_EXTENDED = "not_extended"  # ends on a weekend or holiday and is NOT moved
    ESTIMATED_DATE = "estimated_date"  # the person did not know the date: earliest plausible one
    FROM_RECEIPT = "from_receipt"  # counted from receipt; the decision's own date may be earlier
    DEEMED_NOTIFIED = "deemed_notified"  # online, not opened: notified 15 days after posting
    PRINTED_EXPIRY = "printed_expiry"  # the expiry printed on the document is used


@dataclass(frozen=True)
class Deadline:
    """One computed deadline: an exact last moment in the person's zone, and how to meet it."""

    rule: Rule
    event: Event
    due: datetime
    act_before: datetime
    opens: datetime | None = None
    reminders: tuple[datetime, ...] = ()
    notes: tuple[Note, ...] = ()
    alternatives: tuple[str, ...] = ()
    done: bool = False  # already met: shown as such, never reminded
    missed_at: datetime | None = None  # when to say, once, what can still be done if not met

    @property
    def asks_action(self) -> bool:
        """Tell whether the person must act (else it is 'expected by' information)."""
        return self.rule.asks_action

    def days_left(self, now: datetime) -> int:
        """Return whole calendar days from `now`'s local date to the due date (negative if past)."""
        local_now = now.astimezone(self.due.tzinfo)
        return (self.due.date() - local_now.date()).days

    def is_open(self, now: datetime) -> bool:
        """Tell whether the last moment is still ahead."""
        return now < self.due


@dataclass(frozen=True)
class Plan:
    """All deadlines of a person, their current stage, and what to do next."""

    deadlines: tuple[Deadline, ...]
    stage: Stage
    now: datetime

    def upcoming(self) -> tuple[Deadline, ...]:
        """Return the deadlines still ahead and not done, soonest first."""
        return tuple(d for d in self.deadlines if d.is_open(self.now) and not d.done)

    def next_steps(self) -> tuple[Deadline, ...]:
        """Return what the person must do, soonest first (their own open deadlines)."""
        return tuple(d for d in self.upcoming() if d.asks_action)

    def find(self, rule_id: str) -> Deadline | None:
        """Return the deadline of a rule, if it applies."""
        return next((d for d in self.deadlines if d.rule.id == rule_id), None)
