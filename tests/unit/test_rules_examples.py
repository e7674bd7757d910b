"""One worked example per rule of deadline_rules.toml, with the date computed by hand.

Each row states the source (domain reference section / CSV row / seed) and the reasoning in its
id. Conventions from the domain reference §2: the day of the event is not counted; a day ends at
24:00 (23:59:59 local); months keep the day number or take the month's last day (CPC 641);
"validity" documents run until the day before the same date; "délai franc" court deadlines end
one day later and move to the next working day; hours run minute to minute. 2026 weekdays used:
Mon 2 March, Sat 14 March, Thu 2 April, Thu 7 May (8 May is a holiday), Fri 12 June.
More demanding cases (DST, Alsace-Moselle, online notification, EU Pact) are in
test_rules_scenarios.py.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from bot.domain.events import Event
from bot.domain.rules.loader import default_rulebook
from tests.unit.plans import alone, deadline, ev, plan


class Example(NamedTuple):
    rule_id: str
    events: tuple[Event, ...]
    due: str  # ISO moment, with the UTC offset of that date in Paris
    why: str
    department: str = "93"
    procedure: str | None = None
    isolated: bool = False  # computed with this rule alone (its group hides it otherwise)


E = Example
# fmt: off
EXAMPLES = [
    E("border_regularisation_visa_8d", (ev("regularisation_visa_issued", "2026-03-02"),),
      "2026-03-09T23:59:59+01:00", "CSV: 8-day visa valid 2..9 March (issue day counts)"),
    E("late_claim_90d_accelerated", (ev("entered_france", "2026-01-01"),),
      "2026-04-01T23:59:59+02:00", "L531-27: 1 Jan + 90 days = 1 April (30+28+31+1)"),
    E("prefecture_registration_3_working_days", (ev("claim_presented", "2026-04-02"),),
      "2026-04-08T23:59:59+02:00", "L521-4: Thu 2 Apr -> Fri 3, [Easter Mon], Tue 7, Wed 8"),
    E("ofpra_filing_21_days", (ev("certificate_issued", "2026-03-02"),),
      "2026-03-23T23:59:59+01:00", "R531-2, issue example: 2 March + 21 days", procedure="normal"),
    E("ofpra_filing_france_asile_pole", (ev("certificate_issued", "2025-06-02"),),
      "2025-06-02T23:59:59+02:00", "L121-17: Val-d'Oise pilot, introduced on the day",
      department="95", procedure="normal"),
    E("ofpra_completion_8_days", (ev("ofpra_completion_request", "2026-03-14"),),
      "2026-03-22T23:59:59+01:00", "R531-4: Sat 14 March + 8 = Sun 22 March, not moved"),
    E("attestation_initial_validity_normal", (ev("certificate_issued", "2026-03-02"),),
      "2027-01-01T23:59:59+01:00", "arrêté 2015/2020: 10 months, until the day before 2 Jan",
      procedure="normal"),
    E("attestation_initial_validity_accelerated", (ev("certificate_issued", "2026-03-02"),),
      "2026-09-01T23:59:59+02:00", "arrêté: 6 months, until the day before 2 Sept",
      procedure="accelerated"),
    E("attestation_renewal_6_months", (ev("certificate_renewed", "2026-03-02"),),
      "2026-09-01T23:59:59+02:00", "arrêté last para.: 6 months, day before 2 Sept",
      procedure="normal"),
    E("attestation_legacy_1_month_then_9_months", (ev("certificate_issued", "2020-05-04"),),
      "2020-06-03T23:59:59+02:00", "seed 000 / §3 conflict 1: before 11/05/2020, 1 month",
      procedure="normal"),
    E("attestation_dublin_validity", (ev("certificate_issued", "2026-03-02"),),
      "2026-04-01T23:59:59+02:00", "arrêté art. 2: Dublin, 1 month", procedure="dublin"),
    E("ofpra_decision_accelerated_15_days", (ev("ofpra_registration_letter", "2026-03-02"),),
      "2026-03-17T23:59:59+01:00", "R531-23: 2 March + 15 days", procedure="accelerated"),
    E("ofpra_decision_normal_6_months", (ev("ofpra_registration_letter", "2026-03-02"),),
      "2026-09-02T23:59:59+02:00", "R531-7: 2 March + 6 months", procedure="normal"),
    E("ofpra_digital_notification_15_days", (ev("ofpra_document_posted", "2026-03-02"),),
      "2026-03-17T23:59:59+01:00", "R531-17: posted 2 March, deemed notified 17 March"),
    E("cnda_appeal_1_month",
      (ev("ofpra_decision", "2027-06-04", outcome="rejected", received="post"),),
      "2027-07-05T23:59:59+02:00", "§2 example: 4 June -> 5 July (Mon 2027), franc"),
    E("cnda_legal_aid_15_days",
      (ev("ofpra_decision", "2027-06-04", outcome="rejected", received="post"),),
      "2027-06-19T23:59:59+02:00", "CE 467595: 4 June + 15 = Sat 19 June, not franc, not moved"),
    E("cnda_decision_5_months_5_weeks", (ev("cnda_appeal_registered", "2026-03-02"),),
      "2026-08-02T23:59:59+02:00", "L532-6: 5 months, court target, Sunday not moved",
      procedure="normal"),
    E("cnda_decision_5_months_5_weeks", (ev("cnda_appeal_registered", "2026-03-02"),),
      "2026-04-06T23:59:59+02:00", "L532-7: accelerated 5 weeks = 35 days -> 6 April",
      procedure="accelerated"),
    E("conseil_etat_cassation_2_months", (ev("cnda_decision", "2026-08-31", outcome="rejected"),),
      "2026-11-02T23:59:59+01:00", "R821-1 franc: 31 Oct +1 = Sun 1 Nov (holiday) -> Mon 2 Nov"),
    E("right_to_remain_end",
      (ev("cnda_decision", "2026-03-10", outcome="rejected", decided_on="2026-03-02"),),
      "2026-03-02T23:59:59+01:00", "L542-1: ends on the public reading printed on it, 2 March"),
    E("reexam_registration_3_days", (ev("reexamination_presented", "2026-05-07"),),
      "2026-05-13T23:59:59+02:00", "R531-35: Thu 7 May -> [8 May], Mon 11, Tue 12, Wed 13"),
    E("reexam_send_8_days", (ev("reexamination_registered", "2026-03-02"),),
      "2026-03-10T23:59:59+01:00", "R531-36: 2 March + 8 days"),
    E("reexam_completion_4_days", (ev("reexamination_completion_request", "2026-03-02"),),
      "2026-03-06T23:59:59+01:00", "R531-37: 2 March + 4 days"),
    E("reexam_preliminary_exam_8_days", (ev("reexamination_introduced", "2026-03-02"),),
      "2026-03-10T23:59:59+01:00", "R531-38: 8 days (not seed 001's 7)"),
    E("reexam_attestation_1_month", (ev("reexamination_certificate_issued", "2026-03-02"),),
      "2026-04-01T23:59:59+02:00", "seed 001: 1 month, until the day before 2 April"),
    E("reopening_request_9_months",
      (ev("ofpra_decision", "2026-06-08", outcome="closure", received="post",
          decided_on="2026-05-31"),),
      "2027-02-27T23:59:59+01:00", "L531-40 'less than 9 months': 31 May -> 28 Feb, day before"),
    E("reopening_form_8_days", (ev("reopening_registered", "2026-03-02"),),
      "2026-03-10T23:59:59+01:00", "Ofpra FAQ: 8 days from the new registration"),
    E("border_refusal_appeal_48h", (ev("entry_refused", "2026-03-28", at="10:00"),),
      "2026-03-30T10:00:00+02:00", "L921-2: 48 h across the spring change, the clock's 10:00"),
    E("border_refusal_court_decision", (ev("entry_refused", "2026-03-28", at="10:00"),),
      "2026-04-03T10:00:00+02:00", "L921-2: 96 h after the end of the 48 h"),
    E("border_refusal_caa_appeal_15_days", (ev("border_judgment_notified", "2026-07-01"),),
      "2026-07-17T23:59:59+02:00", "franc: 1 July + 15 = 16 July, +1 = Fri 17 July"),
    E("protection_api_6_months", (ev("protection_api_issued", "2026-03-02"),),
      "2026-09-01T23:59:59+02:00", "R431-15-3: 6 months, day before 2 Sept"),
    E("resident_card_refugee_10_years", (ev("resident_card_issued", "2026-03-02"),),
      "2036-03-01T23:59:59+01:00", "L424-1: 10 years, day before 2 March 2036"),
    E("multiyear_card_subsidiary_stateless_4_years", (ev("multiyear_card_issued", "2026-03-02"),),
      "2030-03-01T23:59:59+01:00", "L424-9: 4 years, day before 2 March 2030"),
    E("residence_permit_renewal_window",
      (ev("permit_expires", "2030-06-30", permit="resident"),),
      "2030-05-01T23:59:59+02:00", "R431-5: 60th day before 30 June = 1 May"),
    E("renewal_api_max_3_months", (ev("renewal_api_issued", "2026-03-02"),),
      "2026-06-01T23:59:59+02:00", "R431-15-1: 3 months, day before 2 June"),
    E("child_of_protected_person_before_19th_birthday", (ev("child_born", "2010-05-15"),),
      "2029-05-14T23:59:59+02:00", "R431-5 2°: the day before the 19th birthday"),
    E("oqtf_voluntary_departure_30_days", (ev("oqtf_notified", "2026-03-02", at="10:00"),),
      "2026-04-01T23:59:59+02:00", "L612-1: 2 March + 30 days = 1 April"),
    E("oqtf_after_asylum_rejection_appeal", (ev("oqtf_notified", "2026-03-02", at="10:00"),),
      "2026-03-04T10:00:00+01:00", "§3 conflict 8: earliest regime, 48 h"),
    E("oqtf_after_asylum_rejection_appeal_free",
      (ev("oqtf_notified", "2026-03-02", at="10:00", detained="no"),),
      "2026-03-09T23:59:59+01:00", "free: earliest regime L921-1, 2 March + 7 days"),
    E("oqtf_appeal_assigned_residence_7_days",
      (ev("removal_decision_notified", "2026-07-08", detained="no"),),
      "2026-07-15T23:59:59+02:00", "L921-1 non-franc: 8 July + 7 days"),
    E("removal_decision_appeal_48h",
      (ev("removal_decision_notified", "2026-07-08", at="14:30", detained="yes"),),
      "2026-07-10T14:30:00+02:00", "L921-2: house arrest, 48 h to the minute"),
    E("oqtf_appeal_detention_48h", (ev("detention_decision_notified", "2026-10-24", at="10:00"),),
      "2026-10-26T09:00:00+01:00", "L921-2: 48 h across the autumn change"),
    E("dublin_transfer_appeal", (ev("dublin_transfer_notified", "2025-03-07", detained="no"),),
      "2025-03-14T23:59:59+01:00", "§3 conflict 7: 7 days since 15/07/2024"),
    E("dublin_transfer_appeal",
      (ev("dublin_transfer_notified", "2026-09-01", detained="no"),),
      "2026-09-08T23:59:59+02:00", "§0.3: after June 2026 still L572-4, 7 days"),
    E("dublin_transfer_appeal_detained",
      (ev("dublin_transfer_notified", "2026-09-01", at="09:15", detained="yes"),),
      "2026-09-03T09:15:00+02:00", "§0.3: L921-2, detained, 48 h"),
    E("dublin_transfer_time_limit", (ev("dublin_accepted", "2025-08-31"),),
      "2026-02-28T23:59:59+01:00", "Reg. 604/2013 art. 29: 31 Aug + 6 months = 28 Feb"),
    E("ada_end_after_final_decision",
      (ev("cnda_decision", "2026-03-10", outcome="rejected", decided_on="2026-02-26"),),
      "2026-02-28T23:59:59+01:00", "L551-13 al. 1: end of the month of the reading, 26 Feb"),
    E("ada_end_after_protection_ofpra",
      (ev("ofpra_decision", "2026-03-10", outcome="refugee", received="post"),),
      "2026-04-30T23:59:59+02:00", "L551-13 al. 2: end of the month after notification"),
    E("ada_end_after_protection_cnda", (ev("cnda_decision", "2026-03-31", outcome="subsidiary"),),
      "2026-04-30T23:59:59+02:00", "L551-13 al. 2: notified 31 March -> end of April"),
    E("eu_pact_appeal_period_check",
      (ev("ofpra_decision", "2026-07-01", outcome="inadmissible", received="post"),),
      "2026-07-08T23:59:59+02:00", "APR art. 67(7): one week, the shortest it allows"),
    E("eu_pact_appeal_period_check_accelerated",
      (ev("ofpra_decision", "2026-07-01", outcome="rejected", received="post"),),
      "2026-07-08T23:59:59+02:00", "APR art. 67(7): accelerated rejection, one week",
      procedure="accelerated"),
    E("eu_pact_registration_5_working_days", (ev("claim_presented", "2026-06-12"),),
      "2026-06-19T23:59:59+02:00", "APR art. 27: Fri 12 June + 5 working days", isolated=True),
    E("eu_pact_lodging_21_days", (ev("certificate_issued", "2026-06-12"),),
      "2026-07-03T23:59:59+02:00", "APR art. 28: 12 June + 21 days",
      procedure="normal", isolated=True),
    E("eu_pact_examination_time_limits", (ev("ofpra_registration_letter", "2026-06-15"),),
      "2026-12-15T23:59:59+01:00", "APR art. 35: 6 months", procedure="normal", isolated=True),
    E("eu_pact_examination_time_limits", (ev("ofpra_registration_letter", "2026-06-15"),),
      "2026-09-15T23:59:59+02:00", "APR art. 35: accelerated 3 months",
      procedure="accelerated", isolated=True),
    E("ofpra_interview_attendance", (ev("ofpra_interview", "2026-04-14", at="09:30"),),
      "2026-04-14T09:30:00+02:00", "convocation: the interview itself"),
]
# fmt: on


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.rule_id}: {e.why}")
def test_worked_example(example: Example) -> None:
    """The rule's last moment is the date computed by hand from its source."""
    book = alone(example.rule_id) if example.isolated else None
    found = plan(
        *example.events, department=example.department, procedure=example.procedure, book=book
    )
    assert deadline(found, example.rule_id).due.isoformat() == example.due


def test_every_rule_has_a_worked_example() -> None:
    """No rule of the shipped file is left without a hand-computed example above."""
    shipped = {rule.id for rule in default_rulebook().rules}
    assert shipped - {example.rule_id for example in EXAMPLES} == set()
