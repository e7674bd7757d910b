"""Why a deadline falls on its date: the steps of its calculation, as data.

The engine records each step as it counts (where the count starts and how that day is known, the
period, every adjustment, the other reading of the law, a suspension), then the rule's legal basis
and source. Renderers turn the steps into sentences in the person's language
(bot/views/basis.py) or into JSON (`deadlines --json`); nothing here is text for a person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from bot.domain.events import EventKind
from bot.domain.receivers import Receiver
from bot.domain.rules.model import Counting, Direction, Unit


class Step(StrEnum):
    """The kinds of step of a calculation, in the order they usually appear."""

    # Where the count starts, and how that day is known.
    FROM_EVENT = "from_event"  # the day the person gave (event)
    FROM_ESTIMATE = "from_estimate"  # the person did not know: earliest plausible day
    FROM_OPENED = "from_opened"  # first opened in the Ofpra online account
    DEEMED_NOTIFIED = "deemed_notified"  # not opened: notified 15 days after `other` (posted)
    FROM_DECISION_DATE = "from_decision_date"  # the date printed on the decision
    ASSUMED_DECISION_DATE = "assumed_decision_date"  # `amount` days before `other` (received)
    FROM_PRINTED_EXPIRY = "from_printed_expiry"  # the expiry printed on the document
    FROM_OTHER_DEADLINE = "from_other_deadline"  # the end of rule `other_rule`, at `moment`
    TIME_UNKNOWN = "time_unknown"  # no time of day given: counted from midnight
    # The period.
    PERIOD = "period"  # amount unit, counting, direction: last day `day` (or `moment`)
    FRANC = "franc"  # court deadline: one more day, `day`
    OTHER_READING = "other_reading"  # another reading gives `other`; the earlier `day` is kept
    CLOCK_CHANGE = "clock_change"  # by the clock `moment`, elapsed `other_moment`: earlier kept
    EXTENDED = "extended"  # `other` is a holiday (or a weekend): moved to `day`, by `receiver`
    NOT_EXTENDED = "not_extended"  # `day` is a holiday (or a weekend), and is not moved
    LOCAL_HOLIDAY_IGNORED = "local_holiday_ignored"  # `holiday` is local; `receiver` is national
    # Facts that change the period.
    ASSUMED_OPTION = "assumed_option"  # option `text` not given: `value`, the earliest, is used
    ANY_PROCEDURE = "any_procedure"  # procedure not given: every procedure's rule is considered
    ASSUMED_DETAINED = "assumed_detained"  # detention not known: the shorter period is used
    SUSPENDED = "suspended"  # legal aid asked on `day`: stopped with `amount` days left
    RESUMED = "resumed"  # legal-aid decision on `day`: `amount` days run again until `other`
    LAWYER_DATE_UNKNOWN = "lawyer_date_unknown"  # counted from the person's notification `day`
    LEGAL_AID_LATE = "legal_aid_late"  # asked on `day`, after the last day `other`: no effect
    LEGAL_AID_UNDATED = "legal_aid_undated"  # a decision without the request's date: no effect
    # When to act.
    ACT_EARLY = "act_early"  # a judge may count hour to hour: act by `day`
    POST_BY = "post_by"  # post by `day`: the post takes up to `amount` days
    EARLIEST_OF_RULES = "earliest_of_rules"  # alternatives `rules` disagree: the earliest kept
    UNCONFIRMED = "unconfirmed"  # not confirmed that the rule applies
    # Where it comes from.
    LEGAL_BASIS = "legal_basis"  # `text` (French legal references, not translated)
    SOURCE = "source"  # `text`, checked on `day`


@dataclass(frozen=True)
class BasisStep:
    """One step of a calculation; only the fields its kind uses are set."""

    step: Step
    day: date | None = None
    other: date | None = None
    moment: datetime | None = None
    other_moment: datetime | None = None
    amount: int | None = None
    unit: Unit | None = None
    counting: Counting | None = None
    direction: Direction | None = None
    event: EventKind | None = None
    holiday: str | None = None  # English name of a public holiday (None: a Saturday or Sunday)
    receiver: Receiver | None = None
    other_rule: str | None = None
    rules: tuple[str, ...] = ()
    text: str | None = None
    value: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """Return the step as JSON-ready data (only the fields that are set)."""
        data: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or value == ():
                continue
            if isinstance(value, date | datetime):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            data[item.name] = str(value) if isinstance(value, StrEnum) else value
        return data


# The steps that say where the count starts.
STARTS = frozenset(
    {
        Step.FROM_EVENT,
        Step.FROM_ESTIMATE,
        Step.FROM_OPENED,
        Step.DEEMED_NOTIFIED,
        Step.FROM_DECISION_DATE,
        Step.ASSUMED_DECISION_DATE,
        Step.FROM_PRINTED_EXPIRY,
    }
)


def starting_day(steps: tuple[BasisStep, ...]) -> date | None:
    """Return the day the count starts from (the last word on it), if the steps say."""
    days = [s.day for s in steps if s.step in STARTS and s.day is not None]
    return days[-1] if days else None
