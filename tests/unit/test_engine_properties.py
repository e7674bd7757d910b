"""Properties every computed deadline must have, for random facts (hypothesis).

Dates 2000-2040, every event kind with the options it takes, every metropolitan department.
The expected UTC offset is computed here from the EU summer-time rule (last Sunday of March to
last Sunday of October, 01:00 UTC), independently of zoneinfo.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.basis import Step, starting_day
from bot.domain.calendar import PARIS, local_moment
from bot.domain.events import (
    CNDA_OUTCOMES,
    Detained,
    Event,
    EventKind,
    Facts,
    Outcome,
    Permit,
    Procedure,
    Received,
)
from bot.domain.prefectures import all_prefectures
from bot.domain.rules.model import Counting, Direction
from tests.unit.plans import NOW, plan

UTC = ZoneInfo("UTC")
FIRST, LAST = date(2000, 1, 1), date(2040, 11, 30)
DEPARTMENTS = sorted(all_prefectures())
TIMED = {kind for kind in EventKind if kind.spec.timed}
# Validity documents and what their printed expiry is; an expiry must follow its document.
ISSUES = {
    EventKind.CERTIFICATE_EXPIRES: {
        EventKind.CERTIFICATE_ISSUED,
        EventKind.CERTIFICATE_RENEWED,
        EventKind.REEXAMINATION_CERTIFICATE_ISSUED,
    },
    EventKind.PERMIT_EXPIRES: {
        EventKind.PROTECTION_API_ISSUED,
        EventKind.RENEWAL_API_ISSUED,
        EventKind.RESIDENT_CARD_ISSUED,
        EventKind.MULTIYEAR_CARD_ISSUED,
    },
}
PROPERTY_SETTINGS = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def expected_offset(moment: datetime) -> timedelta:
    """Return the Paris UTC offset at an instant, from the EU rule (not from zoneinfo)."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    starts = datetime.combine(_last_sunday(utc.year, 3), time(1, 0))
    ends = datetime.combine(_last_sunday(utc.year, 10), time(1, 0))
    return timedelta(hours=2 if starts <= utc < ends else 1)


@st.composite
def events(draw: st.DrawFn, kind: EventKind) -> Event:
    """Draw one valid event of that kind, with the options it needs."""
    on = draw(st.dates(FIRST, LAST))
    options: dict[str, object] = {}
    if kind in TIMED:
        # Ofpra convocations are in office hours; hour-counted notifications at any minute.
        hours = (7, 19) if kind is EventKind.OFPRA_INTERVIEW else (0, 23)
        options["at"] = draw(st.none() | st.builds(time, st.integers(*hours), st.integers(0, 59)))
    if kind is EventKind.OFPRA_DECISION:
        options["outcome"] = draw(st.sampled_from(Outcome))
        options["received"] = draw(st.sampled_from(Received))
        if options["received"] is Received.ONLINE:
            late = st.integers(0, 30).map(lambda n: on + timedelta(days=n))
            options["opened_on"] = draw(st.none() | late)
        early = st.integers(0, 45).map(lambda n: on - timedelta(days=n))
        options["decided_on"] = draw(st.none() | early)
    if kind is EventKind.CNDA_DECISION:
        options["outcome"] = draw(st.sampled_from(sorted(CNDA_OUTCOMES)))
        options["decided_on"] = draw(
            st.none() | st.integers(0, 45).map(lambda n: on - timedelta(days=n))
        )
    if "detained" in kind.spec.options:
        options["detained"] = draw(st.none() | st.sampled_from(Detained))
    if kind is EventKind.LEGAL_AID_DECIDED:
        options["lawyer_notified_on"] = draw(
            st.none() | st.integers(0, 20).map(lambda n: min(on + timedelta(days=n), LAST))
        )
    if kind is EventKind.PERMIT_EXPIRES:
        options["permit"] = draw(st.sampled_from(Permit))
    options["estimated"] = draw(st.booleans())
    return Event(kind, on, **options)  # type: ignore[arg-type]


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    """Draw 1 to 3 events of different kinds, expiries after the documents they end."""
    kinds = draw(st.lists(st.sampled_from(list(EventKind)), min_size=1, max_size=3, unique=True))
    drawn = [draw(events(kind)) for kind in kinds]
    for expiry, issues in ISSUES.items():
        starts = [e.on for e in drawn if e.kind in issues]
        drawn = [
            Event(e.kind, max([e.on, *starts]) + timedelta(days=1), permit=e.permit)
            if e.kind is expiry
            else e
            for e in drawn
        ]
    drawn = _legal_aid_in_order(drawn)
    procedure = draw(st.none() | st.sampled_from(Procedure))
    if EventKind.CERTIFICATE_ISSUED in kinds and procedure is None:
        procedure = Procedure.NORMAL
    return Facts(draw(st.sampled_from(DEPARTMENTS)), tuple(drawn), procedure)


def _legal_aid_in_order(drawn: list[Event]) -> list[Event]:
    """Move a legal-aid request after the decision it is for, and its decision after it."""
    by_kind = {e.kind: e for e in drawn}
    floor = by_kind[EventKind.OFPRA_DECISION].on if EventKind.OFPRA_DECISION in by_kind else FIRST
    requested = by_kind.get(EventKind.LEGAL_AID_REQUESTED)
    if requested is not None:
        requested = replace(requested, on=max(requested.on, floor))
        floor = requested.on
    decided = by_kind.get(EventKind.LEGAL_AID_DECIDED)
    if decided is not None:
        decided = replace(decided, on=max(decided.on, floor))
        if decided.lawyer_notified_on is not None:
            decided = replace(
                decided, lawyer_notified_on=max(decided.lawyer_notified_on, decided.on)
            )
    fixed = {EventKind.LEGAL_AID_REQUESTED: requested, EventKind.LEGAL_AID_DECIDED: decided}
    return [fixed.get(e.kind) or e for e in drawn]


def _start(found) -> datetime:
    """Return the moment a deadline counts from: the decision's printed date for the rules
    counted from it (earlier than the day it was received), else the event."""
    day = starting_day(found.basis) if found.rule.from_decision_date else None
    return local_moment(day or found.event.on, found.event.at, PARIS)


def u(moment: datetime) -> datetime:
    """Return the UTC instant (same-zone comparisons in Python compare wall clocks)."""
    return moment.astimezone(UTC)


def _compute(person: Facts):
    return plan(
        *person.events,
        department=person.department,
        procedure=person.procedure.value if person.procedure else None,
    )


def _moments(found) -> list[datetime]:
    return [m for d in found.deadlines for m in (d.due, d.act_before, d.opens, *d.reminders) if m]


@PROPERTY_SETTINGS
@given(facts())
def test_every_deadline_is_at_or_after_its_event(person: Facts) -> None:
    """A deadline never precedes the day it counts from; only appointments may coincide with it."""
    for found in _compute(person).deadlines:
        start = _start(found)
        if found.rule.direction is Direction.BEFORE:
            assert u(found.due) < u(start), found.rule.id  # closes before the expiry
        elif found.rule.counting is Counting.APPOINTMENT:
            assert u(found.due) >= u(start), found.rule.id
        else:
            assert u(found.due) > u(start), found.rule.id


@PROPERTY_SETTINGS
@given(facts())
def test_reminders_fall_between_event_and_deadline(person: Facts) -> None:
    """Reminders come strictly before the deadline, and after the event except for windows
    counted back from an expiry and for appointments (the event is the deadline itself)."""
    for found in _compute(person).deadlines:
        start = _start(found)
        for reminder in found.reminders:
            assert u(reminder) < u(found.due), found.rule.id
            ahead = found.rule.direction is Direction.BEFORE
            if not ahead and found.rule.counting is not Counting.APPOINTMENT:
                assert u(reminder) > u(start), found.rule.id
        assert [u(r) for r in found.reminders] == sorted(u(r) for r in found.reminders)
        if not found.asks_action:
            assert found.reminders == ()


@PROPERTY_SETTINGS
@given(facts())
def test_the_last_day_to_post_has_its_own_reminder(person: Facts) -> None:
    """When the person must act before the last day, a reminder falls on that day (unless the
    day is the event's own), so the last "post it" reminder is not days before it."""
    for found in _compute(person).deadlines:
        if not found.reminders or u(found.act_before) >= u(found.due):
            continue
        start = _start(found)
        if found.act_before.date() <= start.date():
            continue
        days = {r.astimezone(found.act_before.tzinfo).date() for r in found.reminders}
        assert found.act_before.date() in days, found.rule.id


@PROPERTY_SETTINGS
@given(facts())
def test_act_before_and_opens_precede_the_due_moment(person: Facts) -> None:
    """'Act before' is never after the deadline; a window opens before it closes."""
    for found in _compute(person).deadlines:
        assert u(found.act_before) <= u(found.due), found.rule.id
        if found.opens is not None:
            assert u(found.opens) < u(found.due), found.rule.id


@PROPERTY_SETTINGS
@given(facts())
def test_moments_are_aware_paris_times_with_the_right_offset(person: Facts) -> None:
    """Every moment is in Europe/Paris with the summer/winter offset of that instant."""
    for moment in _moments(_compute(person)):
        assert moment.tzinfo == PARIS
        assert moment.utcoffset() == expected_offset(moment), moment.isoformat()


@PROPERTY_SETTINGS
@given(facts())
def test_day_deadlines_end_at_the_last_second(person: Facts) -> None:
    """Deadlines counted in days end at 23:59:59 local; hour-based ones keep the event's minute."""
    for found in _compute(person).deadlines:
        if found.rule.counting is Counting.ELAPSED and found.event.at is None:
            # From midnight; a clock change inside the period makes the elapsed reading an hour
            # shorter than the wall clock, and the earlier of the two is kept.
            clock_changed = any(step.step is Step.CLOCK_CHANGE for step in found.basis)
            ends = {time(23, 59, 59), time(22, 59, 59)} if clock_changed else {time(23, 59, 59)}
            assert found.due.time() in ends, found.rule.id
        elif found.rule.counting is Counting.ELAPSED:
            assert found.due.second == 0 and found.due.minute == found.event.at.minute
        elif found.rule.counting is not Counting.APPOINTMENT:
            assert found.due.time() == time(23, 59, 59), found.rule.id


def test_offset_oracle_matches_known_dates() -> None:
    """The independent offset rule itself: CET in January, CEST in July, switch days correct."""
    assert expected_offset(datetime(2026, 1, 15, 12, tzinfo=UTC)) == timedelta(hours=1)
    assert expected_offset(datetime(2026, 7, 15, 12, tzinfo=UTC)) == timedelta(hours=2)
    assert expected_offset(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == timedelta(hours=1)
    assert expected_offset(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == timedelta(hours=2)
    assert expected_offset(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == timedelta(hours=1)
    assert NOW > datetime(2040, 12, 31, tzinfo=PARIS)
