"""Frozen models of the deadline rules, as validated from `deadline_rules.toml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.domain.events import Event, EventKind, Facts
from bot.domain.receivers import Receiver


class Actor(StrEnum):
    """Who the deadline binds: only `user` rules ask the person to act."""

    USER = "user"
    ADMINISTRATION = "administration"
    COURT = "court"


class Unit(StrEnum):
    """The unit a duration is expressed in."""

    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


class Counting(StrEnum):
    """How a duration turns into a last moment (section 2 of the domain reference)."""

    # Day of the event not counted; ends at 24:00 of the last day; never moved (21 days, 8 days,
    # 9 months: no text extends them when they end on a weekend or a holiday).
    CALENDAR = "calendar"
    # Court deadline ("délai franc"): one more day, then moved to the next working day when the
    # last day is a Saturday, Sunday or public holiday (CE 15/12/2023 n°472836; art. 642 CPC).
    FRANC = "franc"
    # Minute to minute from the time of the event; never moved.
    ELAPSED = "elapsed"
    # The event itself is the moment (an interview, a convocation).
    APPOINTMENT = "appointment"
    # Until the last day of the month, `duration` months after the event's month.
    END_OF_MONTH = "end_of_month"
    # Until the day before the same date `duration` units later: how a document's validity, or
    # "before the 19th birthday", is counted (conservative; a printed expiry date prevails).
    VALIDITY = "validity"


class Direction(StrEnum):
    """Whether the duration runs after the event or counts back from it (windows)."""

    AFTER = "after"
    BEFORE = "before"


class InForce(StrEnum):
    """Whether it is confirmed that the rule applies in its validity period."""

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class Condition:
    """The rule applies only when a fact has one of these values."""

    name: str  # procedure, department, outcome, received, permit
    values: frozenset[str]

    def holds(self, facts: Facts, event: Event) -> bool:
        """Tell whether the person's facts satisfy this condition."""
        if self.name == "department":
            return facts.department in self.values
        if self.name == "procedure":
            # Not given: every procedure is considered, and groups keep the earliest deadline.
            return facts.procedure is None or str(facts.procedure) in self.values
        value = event.attribute(self.name)
        if self.name == "detained":
            return (value or UNKNOWN) in self.values
        return value is not None and value in self.values


# The value a `detained` condition tests when the person did not say (the shorter period applies).
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Variant:
    """A different duration under extra conditions (e.g. 5 weeks instead of 5 months)."""

    conditions: tuple[Condition, ...]
    duration: int
    unit: Unit


@dataclass(frozen=True)
class Expiry:
    """A printed expiry date that prevails over the computed validity (and is derived if absent)."""

    event: EventKind
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Guidance:
    """English source texts (gettext msgids) shown to the person for this rule.

    `title` is what to do in a few words: the first line of every card. `advice` holds what a
    careful lawyer adds (how notification is counted, what comes next); `late_advice` what to do
    once it is too late to post (after "act before").
    """

    title: str
    action: str
    consequence: str
    where: str = ""
    documents: tuple[str, ...] = ()
    advice: tuple[str, ...] = ()
    late_advice: str = ""


@dataclass(frozen=True)
class Suspension:
    """A request that suspends the period when made in time (legal aid before the CNDA).

    Made by the deadline of rule `within`, the request stops the period; it runs again, for the
    days that were left, from the decision on the request (the later of its notification to the
    person and to the lawyer).
    """

    requested: EventKind
    decided: EventKind
    within: str


@dataclass(frozen=True)
class Rule:
    """One deadline rule, as in the rules file."""

    id: str
    stage: str
    actor: Actor
    event: EventKind
    duration: int
    unit: Unit
    counting: Counting
    guidance: Guidance
    legal_basis: str
    sources: tuple[str, ...]
    verified: date
    receiver: Receiver
    direction: Direction = Direction.AFTER
    opens: int | None = None
    conditions: tuple[Condition, ...] = ()
    variants: tuple[Variant, ...] = ()
    expiry: Expiry | None = None
    after_rule: str | None = None
    from_decision_date: bool = False
    check_paper: bool = False
    group: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    in_force: InForce = InForce.CONFIRMED
    postal_days: int = 0
    # Days earlier to act than the last day, when a judge may count the period hour to hour from
    # the notification (the 7-day appeals of L921-1): the person is told to act by then.
    safety_days: int = 0
    suspension: Suspension | None = None
    # Events that show the step was done (a legal-aid request meets the 15-day legal-aid rule).
    met_by: tuple[EventKind, ...] = ()
    remind_days: tuple[int, ...] = ()
    remind_hours: tuple[int, ...] = ()
    confidence: str = ""
    status: str = ""
    conflict: str = ""
    trigger: str = ""
    counting_note: str = ""
    notes: str = ""
    origin: str = "deadline_rules.csv"

    @property
    def asks_action(self) -> bool:
        """Tell whether the rule asks the person to act (else it is 'expected by' information)."""
        return self.actor is Actor.USER

    def in_force_on(self, day: date) -> bool:
        """Tell whether the rule applies to an event that happened on `day`."""
        starts_ok = self.valid_from is None or day >= self.valid_from
        return starts_ok and (self.valid_until is None or day <= self.valid_until)

    def measure(self, facts: Facts, event: Event) -> tuple[int, Unit]:
        """Return the duration and unit that apply to these facts (first matching variant)."""
        for variant in self.variants:
            if all(condition.holds(facts, event) for condition in variant.conditions):
                return variant.duration, variant.unit
        return self.duration, self.unit


@dataclass(frozen=True)
class StageGuide:
    """Plain guidance for a stage of the procedure, shown when no deadline is running."""

    id: str
    title: str
    next_step: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RuleBook:
    """All rules, indexed, plus the stage guides."""

    rules: tuple[Rule, ...]
    stages: tuple[StageGuide, ...] = ()
    by_id: dict[str, Rule] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update({rule.id: rule for rule in self.rules})

    def rule(self, rule_id: str) -> Rule:
        """Return the rule with that id (KeyError when unknown)."""
        return self.by_id[rule_id]

    def stage(self, stage_id: str) -> StageGuide | None:
        """Return the guide of a stage, if there is one."""
        return next((guide for guide in self.stages if guide.id == stage_id), None)
