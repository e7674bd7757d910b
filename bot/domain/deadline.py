"""What the engine returns: deadlines with their moments, and a person's plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.basis import BasisStep
from bot.domain.events import Event
from bot.domain.rules.model import Rule
from bot.domain.stages import Stage


class Note(StrEnum):
    """Why a deadline must be read with care; each becomes a sentence for the person."""

    CHECK_PAPER = "check_paper"  # not confirmed which rule is in force: the earliest date is used
    CHECK_PERIOD = "check_period"  # read the period printed on the paper (voies et délais)
    EXTENDED = "extended"  # court deadline moved to the next working day
    NOT_EXTENDED = "not_extended"  # ends on a weekend or holiday and is NOT moved
    ESTIMATED_DATE = "estimated_date"  # the person did not know the date: earliest plausible one
    ASSUMED_DECISION_DATE = "assumed_decision_date"  # printed date unknown: before receipt
    DEEMED_NOTIFIED = "deemed_notified"  # online, not opened: notified 15 days after posting
    PRINTED_EXPIRY = "printed_expiry"  # the expiry printed on the document is used
    TWO_READINGS = "two_readings"  # readings of the law disagree: the earlier date is used
    TIME_UNKNOWN = "time_unknown"  # hours counted from midnight: the time was not given
    ASSUMED_DETAINED = "assumed_detained"  # detention not known: the shorter period is used
    ASSUMED_FACTS = "assumed_facts"  # a fact not given (outcome, procedure...): earliest reading
    ACT_EARLY = "act_early"  # a judge may count the days hour to hour: act a day before
    SUSPENDED = "suspended"  # stopped by a legal-aid request until the decision on it
    LEGAL_AID_LATE = "legal_aid_late"  # legal aid asked after the 15 days: nothing suspended
    LEGAL_AID_UNDATED = "legal_aid_undated"  # legal-aid decision without the request's date


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
    basis: tuple[BasisStep, ...] = ()  # why it falls on this date (bot/domain/basis.py)
    # Stopped by a request (legal aid) until the decision on it: `due` is the date it would have
    # had, kept only for storage and order; nothing is reminded and it never counts as passed.
    suspended_with: int | None = None  # the days left when it was stopped

    @property
    def suspended(self) -> bool:
        """Tell whether the period is stopped until a decision (legal aid)."""
        return self.suspended_with is not None

    @property
    def asks_action(self) -> bool:
        """Tell whether the person must act (else it is 'expected by' information)."""
        return self.rule.asks_action

    def days_left(self, now: datetime) -> int:
        """Return whole calendar days from `now`'s local date to the due date (negative if past)."""
        local_now = now.astimezone(self.due.tzinfo)
        return (self.due.date() - local_now.date()).days

    def is_open(self, now: datetime) -> bool:
        """Tell whether the last moment is still ahead (a suspended period always is)."""
        return self.suspended or now < self.due


# Passed deadlines older than this are no longer shown (they stay visible in /dates).
PASSED_SHOWN_FOR = timedelta(days=90)


@dataclass(frozen=True)
class Standing:
    """A paper the person has without knowing when it came: its deadlines may be running.

    Nothing can be counted; the person is told so at the top of every screen, and reminded every
    few days, until they give the date or mark the step done. `rules` are the steps it asks for,
    the most important first.
    """

    event: Event
    rules: tuple[Rule, ...]
    reminders: tuple[datetime, ...] = ()

    @property
    def rule(self) -> Rule:
        """Return the step the person is reminded of."""
        return self.rules[0]


@dataclass(frozen=True)
class Plan:
    """All deadlines of a person, their current stage, and what to do next."""

    deadlines: tuple[Deadline, ...]
    stage: Stage
    now: datetime
    standing: tuple[Standing, ...] = ()

    def upcoming(self) -> tuple[Deadline, ...]:
        """Return the deadlines still ahead and not done, soonest first."""
        return tuple(d for d in self.deadlines if d.is_open(self.now) and not d.done)

    def passed(self) -> tuple[Deadline, ...]:
        """Return the steps the person had to take whose last day passed recently (not marked
        done), the most recent first: shown, never dropped, with what can still be done."""
        since = self.now - PASSED_SHOWN_FOR
        found = [
            d
            for d in self.deadlines
            if d.asks_action and not d.done and not d.is_open(self.now) and d.due >= since
        ]
        return tuple(sorted(found, key=lambda d: d.due, reverse=True))

    def proves_nothing_is_due(self) -> bool:
        """Tell whether the facts prove no step is running: nothing open, passed or unknown."""
        return not (self.next_steps() or self.passed() or self.standing)

    def next_steps(self) -> tuple[Deadline, ...]:
        """Return what the person must do, soonest first (their own open deadlines)."""
        return tuple(d for d in self.upcoming() if d.asks_action)

    def find_standing(self, rule_id: str) -> Standing | None:
        """Return the undated paper one of whose steps is this rule, if any."""
        return next((s for s in self.standing if any(r.id == rule_id for r in s.rules)), None)

    def find(self, rule_id: str) -> Deadline | None:
        """Return the deadline of a rule, if it applies."""
        return next((d for d in self.deadlines if d.rule.id == rule_id), None)
