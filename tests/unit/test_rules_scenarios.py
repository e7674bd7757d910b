"""Hand-computed scenarios for the counting rules of the domain reference (§2 "Counting rules").

Weekdays used (checked on a calendar): 5 July is a Sunday in 2026, a Saturday in 2025, a Monday in
2027; 14 July 2026 is a Tuesday; 15 Aug 2026 a Saturday; 31 Oct 2026 a Saturday; 11 Nov 2026 a
Wednesday; Easter Monday 2026 is 6 April (Good Friday 3 April); summer time runs from 29 March to
25 October 2026. Notification, source conflicts and bugs: test_rules_conflicts.py.
"""

from __future__ import annotations

import pytest

from bot.domain.basis import Step
from bot.domain.deadline import Note
from tests.unit.plans import at, deadline, ev, plan, rejected


@pytest.mark.parametrize(
    ("notified", "due", "extended"),
    [
        ("2027-06-04", "2027-07-05", False),  # §2 example: 5 July 2027 is a Monday
        ("2026-06-04", "2026-07-06", True),  # 5 July 2026 is a Sunday
        ("2025-06-04", "2025-07-07", True),  # 5 July 2025 is a Saturday
        ("2026-06-13", "2026-07-15", True),  # franc day 14 July (holiday)
        ("2026-07-14", "2026-08-17", True),  # franc day Sat 15 Aug (holiday), then Sunday
        ("2026-09-30", "2026-11-02", True),  # franc day Sat 31 Oct, then Sun 1 Nov (holiday)
        ("2026-10-10", "2026-11-12", True),  # franc day Wed 11 Nov (holiday)
    ],
)
def test_cnda_appeal_is_franc_and_moved_to_next_working_day(
    notified: str, due: str, extended: bool
) -> None:
    """CNDA appeal: same date next month + 1 day (franc), then the next working day if needed."""
    found = deadline(plan(rejected(notified)), "cnda_appeal_1_month")
    assert (found.due.date().isoformat(), found.due.time().isoformat()) == (due, "23:59:59")
    assert (Note.EXTENDED in found.notes) is extended


def test_cnda_act_before_leaves_four_postal_days() -> None:
    """Appeal due Mon 5 July 2027: send by Thu 1 July so the court registers it in time."""
    found = deadline(plan(rejected("2027-06-04")), "cnda_appeal_1_month")
    assert found.act_before == at("2027-07-01T23:59:59+02:00")


def test_legal_aid_is_neither_franc_nor_moved() -> None:
    """Legal aid (CE 467595): 5 June 2026 + 15 = Sat 20 June, kept, flagged as not extended."""
    found = deadline(plan(rejected("2026-06-05")), "cnda_legal_aid_15_days")
    assert found.due == at("2026-06-20T23:59:59+02:00")
    assert Note.NOT_EXTENDED in found.notes and Note.EXTENDED not in found.notes


def test_filing_21_days_issue_example() -> None:
    """Certificate 2 March 2026 (93, normal): due 23 March, post by 19 March, remind D+3..D+21
    and on the last day to post."""
    found = deadline(
        plan(ev("certificate_issued", "2026-03-02"), procedure="normal"), "ofpra_filing_21_days"
    )
    assert found.due == at("2026-03-23T23:59:59+01:00")
    assert found.act_before == at("2026-03-19T23:59:59+01:00")
    assert [r.isoformat() for r in found.reminders] == [
        f"2026-03-{day:02d}T09:00:00+01:00" for day in (5, 12, 17, 19, 20, 22, 23)
    ]
    assert (found.notes, found.alternatives) == ((), ())


def test_completion_8_days_ending_on_sunday_is_not_moved() -> None:
    """Completion letter received Sat 14 March 2026: due Sun 22 March, NOT extended to Monday."""
    found = deadline(plan(ev("ofpra_completion_request", "2026-03-14")), "ofpra_completion_8_days")
    assert found.due == at("2026-03-22T23:59:59+01:00")
    assert Note.NOT_EXTENDED in found.notes
    assert found.act_before == at("2026-03-18T23:59:59+01:00")


@pytest.mark.parametrize(
    ("decided", "received", "due", "notes"),
    [
        # 31 May + 9 months = 28 Feb; "less than nine months": the day before, Sat 27 Feb.
        ("2026-05-31", "2026-06-08", "2027-02-27T23:59:59+01:00", {Note.NOT_EXTENDED}),
        ("2027-05-31", "2027-06-07", "2028-02-28T23:59:59+01:00", set()),  # leap year: 29 Feb - 1
        # Printed date unknown: 15 days before receipt (24 May), never receipt itself.
        (None, "2026-06-08", "2027-02-23T23:59:59+01:00", {Note.ASSUMED_DECISION_DATE}),
    ],
)
def test_reopening_counts_less_than_9_months_from_the_decision_date(
    decided: str | None, received: str, due: str, notes: set[Note]
) -> None:
    """L531-40 "délai inférieur à neuf mois" from the closure DECISION: the day before the
    anniversary; without the decision's date, from the earliest plausible date, not receipt."""
    options = {"decided_on": decided} if decided else {}
    decision = ev("ofpra_decision", received, outcome="closure", received="post", **options)
    found = deadline(plan(decision), "reopening_request_9_months")
    assert found.due == at(due)
    assert set(found.notes) == notes


@pytest.mark.parametrize(
    ("presented", "department", "due"),
    [
        ("2026-04-02", "93", "2026-04-08"),  # Fri 3, [Sat, Sun, Easter Mon], Tue 7, Wed 8
        ("2026-04-02", "67", "2026-04-09"),  # Good Friday off too: Tue 7, Wed 8, Thu 9
        ("2026-04-02", "57", "2026-04-09"),
        ("2026-04-02", "68", "2026-04-09"),
        ("2025-12-24", "93", "2025-12-30"),  # [25 Dec], Fri 26, Mon 29, Tue 30
        ("2025-12-24", "67", "2025-12-31"),  # [25, 26 Dec], Mon 29, Tue 30, Wed 31
    ],
)
def test_registration_3_working_days(presented: str, department: str, due: str) -> None:
    """L521-4: 3 working days, skipping weekends and the department's holidays."""
    found = deadline(
        plan(ev("claim_presented", presented), department=department),
        "prefecture_registration_3_working_days",
    )
    assert found.due.date().isoformat() == due


def test_residence_permit_renewal_window() -> None:
    """R431-5: card expiring 30 June 2030 -> window 2 March .. 1 May, reminders D-130 .. D-61."""
    found = deadline(
        plan(ev("permit_expires", "2030-06-30", permit="resident")),
        "residence_permit_renewal_window",
    )
    assert found.opens == at("2030-03-02T00:00:00+01:00")
    assert found.due == at("2030-05-01T23:59:59+02:00")
    expected = [
        "2030-02-20T09:00:00+01:00",
        "2030-03-02T09:00:00+01:00",
        "2030-04-01T09:00:00+02:00",
        "2030-04-16T09:00:00+02:00",
        "2030-04-30T09:00:00+02:00",
    ]
    assert [r.isoformat() for r in found.reminders] == expected


def test_renewal_window_from_the_computed_card_expiry() -> None:
    """Resident card of 2 March 2026 ends 1 March 2036: window 2 Nov 2035 .. 1 Jan 2036."""
    found = deadline(
        plan(ev("resident_card_issued", "2026-03-02")), "residence_permit_renewal_window"
    )
    assert (found.opens, found.due) == (
        at("2035-11-02T00:00:00+01:00"),
        at("2036-01-01T23:59:59+01:00"),
    )


def test_48_hours_across_the_spring_change_keeps_the_clock_reading() -> None:
    """Refusal 28 March 2026 10:00 CET: elapsed time ends 30 March 11:00 CEST, the clock at
    10:00; the earlier is kept, both are in the basis, and the paper must be checked."""
    found = deadline(
        plan(ev("entry_refused", "2026-03-28", at="10:00")), "border_refusal_appeal_48h"
    )
    assert found.due == at("2026-03-30T10:00:00+02:00")
    change = next(step for step in found.basis if step.step is Step.CLOCK_CHANGE)
    assert change.other_moment == at("2026-03-30T11:00:00+02:00")
    assert {Note.TWO_READINGS, Note.CHECK_PERIOD} <= set(found.notes)
    # 24 h before = 29 March 10:00; 6 h before = 30 March 04:00, at night -> 29 March 20:00.
    assert found.reminders == (at("2026-03-29T10:00:00+02:00"), at("2026-03-29T20:00:00+02:00"))


def test_48_hours_across_the_autumn_change_keeps_elapsed_time() -> None:
    """Detention 24 Oct 2026 10:00 CEST: elapsed time ends 26 Oct 09:00 CET, an hour before the
    clock's 10:00; the earlier (elapsed) is kept."""
    found = deadline(
        plan(ev("detention_decision_notified", "2026-10-24", at="10:00")),
        "oqtf_appeal_detention_48h",
    )
    assert found.due == at("2026-10-26T09:00:00+01:00")
    change = next(step for step in found.basis if step.step is Step.CLOCK_CHANGE)
    assert change.other_moment == at("2026-10-26T10:00:00+01:00")


def test_border_court_decides_96_hours_after_the_48_hours() -> None:
    """L921-2: refusal 24 Oct 2026 22:15 CEST -> appeal 26 Oct 21:15 CET -> court 30 Oct 21:15."""
    found = plan(ev("entry_refused", "2026-10-24", at="22:15"))
    assert deadline(found, "border_refusal_appeal_48h").due == at("2026-10-26T21:15:00+01:00")
    assert deadline(found, "border_refusal_court_decision").due == at("2026-10-30T21:15:00+01:00")


def test_border_court_96_hours_not_applied_before_the_2024_reform() -> None:
    """A refusal of January 2024 predates L921-2 (§3 conflict 4): no 96 h court deadline."""
    found = plan(ev("entry_refused", "2024-01-10", at="10:00"))
    assert found.find("border_refusal_court_decision") is None
