"""Impossible facts are refused with one clear FactsError before any deadline is computed."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.domain.basis import Step
from bot.domain.calendar import PARIS
from bot.domain.deadline import Note
from bot.domain.events import (
    Event,
    EventKind,
    Facts,
    FactsError,
    Outcome,
    Permit,
    Procedure,
    Received,
)
from bot.domain.planner import compute_plan
from bot.domain.prefectures import DepartmentError, OverseasDepartmentError
from bot.domain.rules.loader import default_rulebook
from bot.domain.validation import validate_facts

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)
K = EventKind
DECISION = {"outcome": Outcome.REJECTED, "received": Received.ONLINE}


def refused(*events: Event, procedure: Procedure | None = Procedure.NORMAL) -> str:
    """Return the FactsError message for these facts (failing if they are accepted)."""
    with pytest.raises(FactsError) as caught:
        validate_facts(Facts("93", events, procedure), today=TODAY)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("event", "procedure", "says"),
    [
        (Event(K.CERTIFICATE_ISSUED, date(2026, 3, 11)), Procedure.NORMAL, "in the future"),
        (
            Event(K.CNDA_DECISION, date(2026, 3, 2), outcome=Outcome.CLOSURE),
            None,
            "rejected, refugee or subsidiary",
        ),
        (
            Event(K.CNDA_DECISION, date(2026, 3, 2), outcome=Outcome.INADMISSIBLE),
            None,
            "rejected, refugee or subsidiary",
        ),
        (
            Event(K.OFPRA_DECISION, date(2026, 3, 2), opened_on=date(2026, 3, 1), **DECISION),
            None,
            "opened",
        ),
        (
            Event(K.OFPRA_DECISION, date(2026, 3, 2), opened_on=date(2026, 3, 11), **DECISION),
            None,
            "opened",
        ),
        (
            Event(
                K.OFPRA_DECISION,
                date(2026, 3, 2),
                opened_on=date(2026, 3, 5),
                outcome=Outcome.REJECTED,
                received=Received.POST,
            ),
            None,
            "online",
        ),
        (
            Event(K.OFPRA_DECISION, date(2026, 3, 2), decided_on=date(2026, 3, 3), **DECISION),
            None,
            "after the day it reached you",
        ),
        (
            Event(K.CERTIFICATE_ISSUED, date(2026, 3, 2), at=time(10, 0)),
            Procedure.NORMAL,
            "without a time",
        ),
        (Event(K.ENTERED_FRANCE, date(1949, 12, 31)), None, "not a plausible date"),
        (Event(K.CERTIFICATE_EXPIRES, date(2040, 1, 1)), None, "not a plausible date"),
    ],
    ids=[
        "future certificate",
        "cnda closure",
        "cnda inadmissible",
        "opened before posting",
        "opened after today",
        "opened by post",
        "decided after receipt",
        "time on a date-only event",
        "before 1950",
        "expiry 14 years ahead",
    ],
)
def test_impossible_facts_are_refused(event: Event, procedure: Procedure | None, says: str) -> None:
    """Each impossible fact gives a FactsError naming the event and saying what is wrong."""
    message = refused(event, procedure=procedure)
    assert message.startswith(event.kind.value) and says in message


@pytest.mark.parametrize(
    "event",
    [
        Event(K.CERTIFICATE_ISSUED, TODAY),
        Event(K.CERTIFICATE_EXPIRES, date(2026, 12, 31)),
        Event(K.OFPRA_INTERVIEW, date(2026, 4, 14), at=time(9, 30)),
        Event(K.PERMIT_EXPIRES, date(2036, 3, 1), permit=Permit.RESIDENT),
        Event(K.ENTRY_REFUSED, TODAY, at=time(23, 50)),
        Event(
            K.OFPRA_DECISION,
            date(2026, 3, 2),
            opened_on=TODAY,
            decided_on=date(2026, 2, 20),
            **DECISION,
        ),
    ],
    ids=lambda event: event.kind.value,
)
def test_possible_facts_are_accepted(event: Event) -> None:
    """Today's events, future expiries and appointments, and consistent options are accepted."""
    validate_facts(Facts("93", (event,), Procedure.NORMAL), today=TODAY)


def test_today_is_the_local_date_of_now() -> None:
    """At 00:30 Paris time (23:30 UTC the day before), an event of the Paris day is not future."""
    now = datetime(2026, 3, 10, 23, 30, tzinfo=ZoneInfo("UTC"))
    facts = Facts("93", (Event(K.CERTIFICATE_ISSUED, date(2026, 3, 11)),), Procedure.NORMAL)
    plan = compute_plan(facts, default_rulebook(), now=now)
    assert plan.find("ofpra_filing_21_days") is not None


def test_compute_plan_validates_against_now() -> None:
    """compute_plan refuses a certificate dated after `now`."""
    facts = Facts("93", (Event(K.CERTIFICATE_ISSUED, date(2026, 3, 11)),), Procedure.NORMAL)
    with pytest.raises(FactsError, match="in the future"):
        compute_plan(facts, default_rulebook(), now=NOW)


@pytest.mark.parametrize("department", ["971", "973", "976"])
def test_overseas_department_refused_by_compute_plan(department: str) -> None:
    """compute_plan refuses overseas departments: their deadlines differ (e.g. Mayotte 7 days)."""
    facts = Facts(department, (Event(K.CERTIFICATE_ISSUED, date(2026, 3, 2)),), Procedure.NORMAL)
    with pytest.raises(OverseasDepartmentError):
        compute_plan(facts, default_rulebook(), now=NOW)


def test_unknown_department_refused_by_compute_plan() -> None:
    """compute_plan refuses a department that does not exist."""
    with pytest.raises(DepartmentError):
        compute_plan(Facts("96"), default_rulebook(), now=NOW)


@pytest.mark.parametrize(
    ("event", "assumed"),
    [
        (Event(K.OFPRA_DECISION, date(2026, 3, 2), received=Received.POST), {"outcome"}),
        (Event(K.OFPRA_DECISION, date(2026, 3, 2), outcome=Outcome.REJECTED), {"received"}),
        (Event(K.OFPRA_DECISION, date(2026, 3, 2)), {"outcome", "received"}),
        (Event(K.CNDA_DECISION, date(2026, 3, 2)), {"outcome"}),
        (Event(K.PERMIT_EXPIRES, date(2030, 6, 30)), {"permit"}),
    ],
    ids=["no outcome", "no received", "neither", "cnda no outcome", "no permit"],
)
def test_missing_options_take_the_safer_answer_and_say_so(event: Event, assumed: set) -> None:
    """A missing option is never a crash: a rejection (appeal deadlines), a registered letter
    (counted from the day given), a resident card (renewal window); the plan says so."""
    plan = compute_plan(Facts("93", (event,)), default_rulebook(), now=NOW.replace(year=2031))
    assert plan.deadlines
    for found in plan.deadlines:
        assert found.event.assumed == frozenset(assumed)
        assert {s.text for s in found.basis if s.step is Step.ASSUMED_OPTION} == assumed
        assert Note.ASSUMED_FACTS in found.notes


def test_unknown_procedure_considers_every_procedure_and_keeps_the_earliest() -> None:
    """Certificate of 2 March 2026, procedure not given: the 21-day form deadline applies, and
    the certificate is read as a Dublin one (1 month), the earliest expiry, said so."""
    facts = Facts("93", (Event(K.CERTIFICATE_ISSUED, date(2026, 3, 2)),))
    plan = compute_plan(facts, default_rulebook(), now=NOW)
    assert plan.find("ofpra_filing_21_days") is not None
    validity = plan.find("attestation_dublin_validity")
    assert validity is not None and Note.ASSUMED_FACTS in validity.notes
    assert Step.ANY_PROCEDURE in {s.step for s in validity.basis}


def test_expiry_before_issue_is_refused() -> None:
    """A certificate cannot expire (1 Jan 2026) before it was issued (2 March 2026)."""
    refused(
        Event(K.CERTIFICATE_ISSUED, date(2026, 3, 2)),
        Event(K.CERTIFICATE_EXPIRES, date(2026, 1, 1)),
    )
