"""Worked examples for the second legal review (issue 13): never a date later than the law.

Each test computes a date by hand from its source and names it: the domain reference
(shared/domain/rules.md §0 corrections, §2 counting), CESEDA articles, EU regulations. Weekdays
used (checked on a calendar): 24 Dec 2025 Wed, 26 Dec 2025 Fri (St Stephen's Day, local to 57,
67, 68), 3 April 2026 Good Friday, 30 April 2026 Thu, 1 May 2026 Fri, 5 July 2027 Mon, 26 Sept
2027 Sun, 3 Oct 2027 Sun, 29 Feb 2028 Tue.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.domain.basis import STARTS, Step
from bot.domain.calendar import PARIS
from bot.domain.deadline import Note
from tests.unit.plans import at, deadline, ev, plan, rejected

# --- 1. Court calendars: the receiving court's holidays, not the person's ---------------------


def test_cnda_deadline_of_a_moselle_resident_is_not_moved_by_st_stephens_day() -> None:
    """Notified 24 Nov 2025: franc day Thu 25 Dec (national holiday) -> Fri 26 Dec. 26 Dec is a
    holiday in Moselle only; the CNDA (Montreuil) works: due Fri 26 Dec, as in Paris (§0.4)."""
    moselle = deadline(plan(rejected("2025-11-24"), department="57"), "cnda_appeal_1_month")
    paris = deadline(plan(rejected("2025-11-24"), department="93"), "cnda_appeal_1_month")
    assert moselle.due == paris.due == at("2025-12-26T23:59:59+01:00")
    ignored = [s for s in moselle.basis if s.step is Step.LOCAL_HOLIDAY_IGNORED]
    assert [(s.day.isoformat(), s.holiday) for s in ignored] == [
        ("2025-12-26", "Saint Stephen's Day")
    ]


def test_cnda_deadline_in_alsace_is_not_moved_by_good_friday() -> None:
    """Notified 2 March 2026: franc day Fri 3 April, Good Friday, a holiday in 67 only. The
    engine used to move it past Easter Monday to Tue 7 April: 4 days too late."""
    found = deadline(plan(rejected("2026-03-02"), department="67"), "cnda_appeal_1_month")
    assert found.due == at("2026-04-03T23:59:59+02:00")
    assert Note.EXTENDED not in found.notes


def test_conseil_etat_follows_national_holidays_too() -> None:
    """CNDA decision notified 24 Oct 2025 (57): 24 Dec + 1 = Thu 25 Dec -> Fri 26 Dec."""
    found = deadline(
        plan(ev("cnda_decision", "2025-10-24", outcome="rejected"), department="57"),
        "conseil_etat_cassation_2_months",
    )
    assert found.due == at("2025-12-26T23:59:59+01:00")


def test_tribunal_administratif_of_strasbourg_keeps_its_local_holidays() -> None:
    """Dublin transfer notified Fri 19 Dec 2025, free: 7 days end Fri 26 Dec. For the tribunal
    of Strasbourg (67) that is a public holiday: the person is told it is NOT moved; in 93 it is
    an ordinary working day and nothing is said."""
    strasbourg = deadline(
        plan(ev("dublin_transfer_notified", "2025-12-19", detained="no"), department="67"),
        "dublin_transfer_appeal",
    )
    paris = deadline(
        plan(ev("dublin_transfer_notified", "2025-12-19", detained="no"), department="93"),
        "dublin_transfer_appeal",
    )
    assert strasbourg.due == paris.due == at("2025-12-26T23:59:59+01:00")
    assert Note.NOT_EXTENDED in strasbourg.notes and Note.NOT_EXTENDED not in paris.notes


def test_a_guda_in_moselle_counts_good_friday_for_a_neighbouring_department() -> None:
    """Meurthe-et-Moselle (54) registers in Metz (57): 3 working days from Thu 2 April 2026 skip
    Good Friday there (Tue 7, Wed 8, Thu 9 April)."""
    found = deadline(
        plan(ev("claim_presented", "2026-04-02"), department="54"),
        "prefecture_registration_3_working_days",
    )
    assert found.due.date().isoformat() == "2026-04-09"


# --- 2 and 3. Dublin after June 2026, detention ------------------------------------------------


def test_dublin_transfer_after_june_2026_has_a_deadline() -> None:
    """§0.3: notified 15 Sept 2026, not detained: L572-4, 7 days -> 22 Sept; act by day 6."""
    found = deadline(
        plan(ev("dublin_transfer_notified", "2026-09-15", detained="no")),
        "dublin_transfer_appeal",
    )
    assert found.due == at("2026-09-22T23:59:59+02:00")
    assert found.act_before == at("2026-09-21T23:59:59+02:00")
    assert {Note.ACT_EARLY, Note.CHECK_PERIOD} <= set(found.notes)


@pytest.mark.parametrize(
    ("event", "rule_48h"),
    [
        ("dublin_transfer_notified", "dublin_transfer_appeal_detained"),
        ("oqtf_notified", "oqtf_after_asylum_rejection_appeal"),
        ("removal_decision_notified", "removal_decision_appeal_48h"),
    ],
)
def test_without_the_detention_answer_the_48_hours_apply_and_say_why(
    event: str, rule_48h: str
) -> None:
    """L921-2: 48 h for a detained person. Not said: the shorter period, with the reason."""
    found = deadline(plan(ev(event, "2026-09-15", at="16:40")), rule_48h)
    assert found.due == at("2026-09-17T16:40:00+02:00")
    assert Note.ASSUMED_DETAINED in found.notes
    assert Step.ASSUMED_DETAINED in {s.step for s in found.basis}
    said = deadline(plan(ev(event, "2026-09-15", at="16:40", detained="yes")), rule_48h)
    assert said.due == found.due and Note.ASSUMED_DETAINED not in said.notes


def test_free_person_gets_seven_days_and_no_48_hours() -> None:
    """Not detained, OQTF after rejection notified 15 Sept 2026: earliest regime 7 days."""
    found = plan(ev("oqtf_notified", "2026-09-15", at="16:40", detained="no"))
    assert found.find("oqtf_after_asylum_rejection_appeal") is None
    free = deadline(found, "oqtf_after_asylum_rejection_appeal_free")
    assert free.due == at("2026-09-22T23:59:59+02:00")
    assert free.act_before == at("2026-09-21T23:59:59+02:00")


def test_48_hours_without_a_time_count_from_midnight() -> None:
    """No time given: counted from the start of the day, the earliest, and said; the period ends
    at midnight, shown as the end of the day before (16 Sept)."""
    found = deadline(
        plan(ev("dublin_transfer_notified", "2026-09-15", detained="yes")),
        "dublin_transfer_appeal_detained",
    )
    assert found.due == at("2026-09-16T23:59:59+02:00")
    assert Note.TIME_UNKNOWN in found.notes


# --- 4. Legal aid suspends the CNDA appeal ------------------------------------------------------

AFTER_EVERYTHING = datetime(2028, 1, 1, 12, tzinfo=PARIS)


def test_timely_legal_aid_request_suspends_the_appeal_until_the_decision() -> None:
    """Notified 4 June 2027 (due Mon 5 July); legal aid asked 10 June, within 15 days: the appeal
    is stopped with 25 days left (11 June .. 5 July). Even long after 5 July it never counts as
    passed, is not reminded, and the 15-day legal-aid step is done."""
    found = plan(
        rejected("2027-06-04"), ev("legal_aid_requested", "2027-06-10"), now=AFTER_EVERYTHING
    )
    appeal = deadline(found, "cnda_appeal_1_month")
    assert appeal.suspended and appeal.suspended_with == 25
    assert appeal.reminders == () and appeal.missed_at is None
    assert appeal.is_open(AFTER_EVERYTHING) and appeal in found.upcoming()
    assert deadline(found, "cnda_legal_aid_15_days").done
    assert Note.SUSPENDED in appeal.notes


def test_appeal_runs_again_for_the_days_left_from_the_legal_aid_decision() -> None:
    """Decision on legal aid notified 1 Sept 2027: 1 Sept + 25 days = Sun 26 Sept -> Mon 27 Sept
    (CNDA, national holidays). Reminders are planned again, all after 1 Sept."""
    found = deadline(
        plan(
            rejected("2027-06-04"),
            ev("legal_aid_requested", "2027-06-10"),
            ev("legal_aid_decided", "2027-09-01"),
        ),
        "cnda_appeal_1_month",
    )
    assert found.due == at("2027-09-27T23:59:59+02:00") and not found.suspended
    assert found.reminders and all(r > at("2027-09-01T23:59:59+02:00") for r in found.reminders)
    steps = {s.step: s for s in found.basis}
    assert steps[Step.RESUMED].amount == 25 and Step.LAWYER_DATE_UNKNOWN in steps


def test_the_later_notification_to_the_lawyer_counts() -> None:
    """CAA Toulouse 22TL00387: lawyer notified 8 Sept 2027 -> 8 Sept + 25 = Sun 3 Oct -> 4 Oct."""
    found = deadline(
        plan(
            rejected("2027-06-04"),
            ev("legal_aid_requested", "2027-06-10"),
            ev("legal_aid_decided", "2027-09-01", lawyer_notified_on="2027-09-08"),
        ),
        "cnda_appeal_1_month",
    )
    assert found.due == at("2027-10-04T23:59:59+02:00")


def test_late_legal_aid_request_suspends_nothing_and_says_so() -> None:
    """Notified 4 June 2027; the 15 days end 19 June; asked 21 June: the appeal stays 5 July."""
    found = deadline(
        plan(rejected("2027-06-04"), ev("legal_aid_requested", "2027-06-21")),
        "cnda_appeal_1_month",
    )
    assert found.due == at("2027-07-05T23:59:59+02:00") and not found.suspended
    assert Note.LEGAL_AID_LATE in found.notes


def test_legal_aid_decision_without_the_request_date_keeps_the_earliest_date() -> None:
    """Without the request's date nothing proves it was in time: the earliest date, and why."""
    found = deadline(
        plan(rejected("2027-06-04"), ev("legal_aid_decided", "2027-09-01")),
        "cnda_appeal_1_month",
    )
    assert found.due == at("2027-07-05T23:59:59+02:00")
    assert Note.LEGAL_AID_UNDATED in found.notes


# --- 5. Two readings: the earlier wins, and the paper is to be checked -------------------------


def test_month_end_reading_of_the_cnda_appeal() -> None:
    """Notified 30 March 2026: franc reading 30 April + 1 = Fri 1 May (holiday) -> Mon 4 May; the
    month from 31 March ends 30 April (Thu). The engine gives 30 April and both readings."""
    found = deadline(plan(rejected("2026-03-30")), "cnda_appeal_1_month")
    assert found.due == at("2026-04-30T23:59:59+02:00")
    other = next(s for s in found.basis if s.step is Step.OTHER_READING)
    assert (other.day.isoformat(), other.other.isoformat()) == ("2026-04-30", "2026-05-04")
    assert {Note.TWO_READINGS, Note.CHECK_PERIOD} <= set(found.notes)


def test_month_end_reading_of_the_conseil_detat_deadline() -> None:
    """CNDA decision notified 30 Dec 2027: franc 29 Feb 2028 + 1 = 1 March; from 31 Dec, two
    months end Tue 29 Feb 2028: the earlier."""
    found = deadline(
        plan(ev("cnda_decision", "2027-12-30", outcome="rejected")),
        "conseil_etat_cassation_2_months",
    )
    assert found.due == at("2028-02-29T23:59:59+01:00")


def test_readings_that_agree_add_no_warning() -> None:
    """§2 example, 4 June 2027 -> Mon 5 July 2027 both ways: no 'two readings' note."""
    found = deadline(plan(rejected("2027-06-04")), "cnda_appeal_1_month")
    assert Note.TWO_READINGS not in found.notes
    assert Step.OTHER_READING not in {s.step for s in found.basis}


def test_seven_day_appeal_advises_acting_by_day_six_off_holidays() -> None:
    """Dublin transfer Fri 19 Dec 2025, free: due Fri 26 Dec; day 6 is Christmas: act by 24 Dec."""
    found = deadline(
        plan(ev("dublin_transfer_notified", "2025-12-19", detained="no")), "dublin_transfer_appeal"
    )
    assert found.act_before == at("2025-12-24T23:59:59+01:00")


# --- 6. The asylum allowance -------------------------------------------------------------------


def test_allowance_ends_with_the_month_of_the_cnda_reading_not_a_month_later() -> None:
    """L551-13 al. 1: CNDA read 28 Jan 2027, received 3 Feb: ends 31 Jan (it said 31 March)."""
    found = deadline(
        plan(ev("cnda_decision", "2027-02-03", outcome="rejected", decided_on="2027-01-28")),
        "ada_end_after_final_decision",
    )
    assert found.due == at("2027-01-31T23:59:59+01:00")


# --- 7. EU Pact procedure decisions: read the period on the decision within a week -------------


def test_inadmissibility_after_june_2026_keeps_one_month_and_asks_to_read_the_period() -> None:
    """APR art. 67(7), not confirmed in French law: one month (due 2 Nov) plus a check within a
    week (8 Oct), reminded the morning after notification."""
    found = plan(ev("ofpra_decision", "2026-10-01", outcome="inadmissible", received="post"))
    check = deadline(found, "eu_pact_appeal_period_check")
    assert check.due == at("2026-10-08T23:59:59+02:00")
    assert check.reminders[0] == at("2026-10-02T09:00:00+02:00")
    assert deadline(found, "cnda_appeal_1_month").due == at("2026-11-02T23:59:59+01:00")


def test_no_period_check_before_the_pact_applies() -> None:
    """A decision of 11 June 2026 predates the Regulation: no check rule."""
    found = plan(ev("ofpra_decision", "2026-06-11", outcome="inadmissible", received="post"))
    assert found.find("eu_pact_appeal_period_check") is None


# --- 10. Why this date: every deadline carries its calculation as data ------------------------


@pytest.mark.parametrize(
    "events",
    [
        (rejected("2026-03-30"),),
        (rejected("2027-06-04"), ev("legal_aid_requested", "2027-06-10")),
        (ev("dublin_transfer_notified", "2026-09-15"),),
        (ev("certificate_issued", "2026-03-02"), ev("certificate_expires", "2027-01-01")),
        (ev("entry_refused", "2026-03-28", at="10:00"),),
        (ev("ofpra_decision", "2026-06-08", outcome="closure", received="online"),),
    ],
)
def test_every_deadline_explains_itself_and_ends_with_its_source(events: tuple) -> None:
    """The basis names how the start is known, then the sources with their verified date; it is
    JSON-ready."""
    for found in plan(*events, procedure="normal").deadlines:
        kinds = [s.step for s in found.basis]
        assert kinds[0] in STARTS | {Step.FROM_OTHER_DEADLINE}, found.rule.id
        assert Step.LEGAL_BASIS in kinds and kinds[-1] is Step.SOURCE
        assert found.basis[-1].day == found.rule.verified
        json.dumps([s.as_dict() for s in found.basis])
