"""Small builders shared by the unit tests: events from plain text, plans with a fixed `now`."""

from __future__ import annotations

from datetime import date, datetime, time

from bot.domain.calendar import PARIS
from bot.domain.deadline import Deadline, Plan
from bot.domain.events import (
    DATE_OPTIONS,
    Detained,
    Event,
    EventKind,
    Facts,
    Outcome,
    Permit,
    Procedure,
    Received,
)
from bot.domain.planner import compute_plan
from bot.domain.rules.loader import default_rulebook
from bot.domain.rules.model import RuleBook

# Later than every event of the examples, so validation accepts them as past.
NOW = datetime(2041, 1, 1, 12, 0, tzinfo=PARIS)


def ev(kind: str, on: str, at: str | None = None, **options: str) -> Event:
    """Return an event from text: ev("ofpra_decision", "2026-06-04", outcome="rejected")."""
    typed: dict[str, object] = {}
    for name, value in options.items():
        if name in DATE_OPTIONS:
            typed[name] = date.fromisoformat(value)
        elif name == "estimated":
            typed[name] = bool(value)
        else:
            kinds = {"outcome": Outcome, "received": Received, "permit": Permit}
            typed[name] = {**kinds, "detained": Detained}[name](value)
    return Event(
        EventKind(kind),
        date.fromisoformat(on),
        at=time.fromisoformat(at) if at else None,
        **typed,  # type: ignore[arg-type]
    )


def plan(
    *events: Event,
    department: str = "93",
    procedure: str | None = None,
    book: RuleBook | None = None,
    now: datetime = NOW,
) -> Plan:
    """Compute the plan of one person with the shipped rules (or `book`)."""
    facts = Facts(department, events, Procedure(procedure) if procedure else None)
    return compute_plan(facts, book or default_rulebook(), now=now, reminder_time=time(9, 0))


def alone(rule_id: str) -> RuleBook:
    """Return a rule book holding only one shipped rule (to see a rule hidden by its group)."""
    return RuleBook(rules=(default_rulebook().rule(rule_id),))


def deadline(found: Plan, rule_id: str) -> Deadline:
    """Return the deadline of a rule in a plan, failing clearly when it is absent."""
    result = found.find(rule_id)
    assert result is not None, f"{rule_id} missing; plan has {[d.rule.id for d in found.deadlines]}"
    return result


def at(text: str) -> datetime:
    """Return an aware moment from ISO text with its offset: at("2026-03-23T23:59:59+01:00")."""
    return datetime.fromisoformat(text)


def rejected(on: str, **options: str) -> Event:
    """Return an Ofpra rejection notified by post on `on` (unless options say otherwise)."""
    return ev("ofpra_decision", on, **{"outcome": "rejected", "received": "post", **options})
