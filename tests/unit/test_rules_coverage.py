"""No event that can be appealed ever produces an empty plan (issue 13, item 2).

A transfer decision notified after 11 June 2026 used to get no deadline at all: the Dublin rows
ended with Dublin III, which does not end then (shared/domain/rules.md §0.3). Here every event of
`APPEALABLE`, with every combination of its options, on a day every 5 days from the 2024 reform
(15 July 2024) to the end of 2027 and on the EU Pact's boundary days, must give the person at
least one deadline to act on, with its legal basis.
"""

from __future__ import annotations

import itertools
from datetime import date, time, timedelta

import pytest

from bot.domain.events import (
    APPEALABLE,
    CNDA_OUTCOMES,
    Detained,
    Event,
    EventKind,
    Outcome,
    Received,
)
from tests.unit.plans import plan

REFORM, END = date(2024, 7, 15), date(2027, 12, 31)
BOUNDARIES = [date(2026, 6, 11), date(2026, 6, 12), date(2026, 6, 30), date(2026, 7, 1)]
DAYS = sorted(
    {REFORM + timedelta(days=n) for n in range(0, (END - REFORM).days, 5)} | set(BOUNDARIES)
)
# Outcomes that open an appeal (a protection decision opens none).
APPEALED = {
    EventKind.OFPRA_DECISION: (Outcome.REJECTED, Outcome.SUBSIDIARY, Outcome.INADMISSIBLE),
    EventKind.CNDA_DECISION: tuple(o for o in sorted(CNDA_OUTCOMES) if o is not Outcome.REFUGEE),
}


def variants(kind: EventKind, on: date) -> list[Event]:
    """Every combination of the options an appealable event takes, on one day."""
    outcomes = APPEALED.get(kind, (None,))
    received = (Received.POST, Received.ONLINE) if kind is EventKind.OFPRA_DECISION else (None,)
    detained = (None, *Detained) if "detained" in kind.spec.options else (None,)
    at = (None, time(17, 30)) if kind.spec.timed else (None,)
    return [
        Event(kind, on, at=moment, outcome=outcome, received=how, detained=held)
        for outcome, how, held, moment in itertools.product(outcomes, received, detained, at)
    ]


@pytest.mark.parametrize("kind", sorted(APPEALABLE), ids=str)
def test_every_appealable_event_gives_a_deadline_to_act_on(kind: EventKind) -> None:
    """From the 2024 reform to 2027, every variant of the event asks the person to act."""
    empty = []
    for on, department in itertools.product(DAYS, ("93", "57")):
        for event in variants(kind, on):
            found = plan(event, department=department, procedure="normal")
            acts = [d for d in found.deadlines if d.asks_action and d.rule.legal_basis]
            if not acts:
                empty.append((on.isoformat(), department, event))
    assert empty == []


def test_appealable_events_are_the_ones_rules_count_appeals_from() -> None:
    """Every event a rule counts a court appeal from is in APPEALABLE (the list stays true)."""
    from bot.domain.receivers import Receiver
    from bot.domain.rules.loader import default_rulebook

    courts = {Receiver.CNDA, Receiver.CONSEIL_ETAT, Receiver.TRIBUNAL_ADMINISTRATIF}
    courts.add(Receiver.COUR_ADMINISTRATIVE_APPEL)
    appealed = {
        rule.event
        for rule in default_rulebook().rules
        if rule.receiver in courts and rule.asks_action and rule.after_rule is None
    }
    assert appealed <= APPEALABLE
