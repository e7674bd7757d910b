"""Hand-computed scenarios for notification, conflicts between sources and bugs found.

Sources: domain reference §2 (online notification, R531-17), §3 (conflicts 1, 7, 12), §4 (France
Asile pilot), the CSV rows named in each test. Weekdays: 5 April 2026 is Easter Sunday, 6 April
Easter Monday; 18 April 2026 a Saturday; 12 June 2026 a Friday; summer time starts 26 March 2028.
"""

from __future__ import annotations

import pytest

from bot.domain.deadline import Note
from tests.unit.plans import at, deadline, ev, plan, rejected


def test_online_decision_opened_is_notified_that_day() -> None:
    """Posted 2 March 2026, opened 5 March: appeal from 5 March -> 5 Apr (Sun), 6 (holiday) -> 7."""
    decision = rejected("2026-03-02", received="online", opened_on="2026-03-05")
    found = plan(decision)
    appeal = deadline(found, "cnda_appeal_1_month")
    assert appeal.due == at("2026-04-07T23:59:59+02:00")
    assert Note.DEEMED_NOTIFIED not in appeal.notes
    assert deadline(found, "cnda_legal_aid_15_days").due == at("2026-03-20T23:59:59+01:00")
    assert found.find("ofpra_digital_notification_15_days") is None


@pytest.mark.parametrize("opened", [None, "2026-03-25"])
def test_online_decision_not_opened_is_deemed_notified_after_15_days(opened: str | None) -> None:
    """Posted 2 March 2026, unopened for 15 days: notified 17 March; appeal 18 -> 20 April."""
    options = {"opened_on": opened} if opened else {}
    found = plan(rejected("2026-03-02", received="online", **options))
    appeal = deadline(found, "cnda_appeal_1_month")
    assert appeal.due == at("2026-04-20T23:59:59+02:00")
    assert {Note.DEEMED_NOTIFIED, Note.EXTENDED} <= set(appeal.notes)
    legal_aid = deadline(found, "cnda_legal_aid_15_days")
    assert legal_aid.due == at("2026-04-01T23:59:59+02:00")
    if opened is None:
        posted = deadline(found, "ofpra_digital_notification_15_days")
        assert posted.due == at("2026-03-17T23:59:59+01:00")


@pytest.mark.parametrize(
    ("kind", "options", "winner", "pact", "on_pact_day", "day_before"),
    [
        (
            "claim_presented",
            {},
            "prefecture_registration_3_working_days",
            "eu_pact_registration_5_working_days",
            "2026-06-17",
            "2026-06-16",
        ),
        (
            "certificate_issued",
            {"procedure": "normal"},
            "ofpra_filing_21_days",
            "eu_pact_lodging_21_days",
            "2026-07-03",
            "2026-07-02",
        ),
        (
            "ofpra_registration_letter",
            {"procedure": "accelerated"},
            "ofpra_decision_accelerated_15_days",
            "eu_pact_examination_time_limits",
            "2026-06-27",
            "2026-06-26",
        ),
    ],
)
def test_eu_pact_rows_from_12_june_2026(
    kind: str, options: dict[str, str], winner: str, pact: str, on_pact_day: str, day_before: str
) -> None:
    """From 12 June 2026 the earliest of CESEDA / EU Pact is shown with 'check the paper'."""
    after = deadline(plan(ev(kind, "2026-06-12"), **options), winner)
    assert after.due.date().isoformat() == on_pact_day
    assert pact in after.alternatives and Note.CHECK_PAPER in after.notes
    before = deadline(plan(ev(kind, "2026-06-11"), **options), winner)
    assert before.due.date().isoformat() == day_before
    assert before.alternatives == () and Note.CHECK_PAPER not in before.notes


@pytest.mark.parametrize(
    ("issued", "procedure", "rule_id", "due", "absent"),
    [
        (
            "2020-05-04",
            "normal",
            "attestation_legacy_1_month_then_9_months",
            "2020-06-03",
            "attestation_initial_validity_normal",
        ),
        (
            "2020-05-10",
            "normal",
            "attestation_legacy_1_month_then_9_months",
            "2020-06-09",
            "attestation_initial_validity_normal",
        ),
        (
            "2020-05-11",
            "normal",
            "attestation_initial_validity_normal",
            "2021-03-10",
            "attestation_legacy_1_month_then_9_months",
        ),
        (
            "2020-05-11",
            "accelerated",
            "attestation_initial_validity_accelerated",
            "2020-11-10",
            "attestation_legacy_1_month_then_9_months",
        ),
    ],
)
def test_legacy_certificate_before_11_may_2020(
    issued: str, procedure: str, rule_id: str, due: str, absent: str
) -> None:
    """§3 conflict 1: 1 month before 11/05/2020; then 10 months (normal) / 6 (accelerated)."""
    found = plan(ev("certificate_issued", issued), procedure=procedure)
    assert deadline(found, rule_id).due.date().isoformat() == due
    assert found.find(absent) is None
    assert deadline(found, rule_id).alternatives == ()


@pytest.mark.parametrize("printed", ["2026-12-15", "2027-01-10"])
def test_printed_expiry_prevails(printed: str) -> None:
    """The expiry printed on the certificate wins over the computed 1 Jan 2027, either way."""
    found = deadline(
        plan(
            ev("certificate_issued", "2026-03-02"),
            ev("certificate_expires", printed),
            procedure="normal",
        ),
        "attestation_initial_validity_normal",
    )
    assert found.due.date().isoformat() == printed
    assert Note.PRINTED_EXPIRY in found.notes and Note.CHECK_PAPER not in found.notes


def test_val_d_oise_pilot_introduces_the_claim_on_the_day() -> None:
    """95 after 19 May 2025: introduced at the Espace France Asile that day (L121-17)."""
    found = deadline(
        plan(ev("certificate_issued", "2025-06-02"), department="95", procedure="normal"),
        "ofpra_filing_france_asile_pole",
    )
    assert found.due == at("2025-06-02T23:59:59+02:00")
    assert "ofpra_filing_21_days" in found.alternatives and Note.CHECK_PAPER in found.notes


@pytest.mark.parametrize(
    ("department", "issued", "due"),
    [("93", "2025-06-02", "2025-06-23"), ("95", "2025-05-12", "2025-06-02")],
)
def test_21_days_outside_the_pilot(department: str, issued: str, due: str) -> None:
    """Seine-Saint-Denis, or Val-d'Oise before 19 May 2025: the 21-day form applies."""
    found = plan(ev("certificate_issued", issued), department=department, procedure="normal")
    assert deadline(found, "ofpra_filing_21_days").due.date().isoformat() == due
    assert found.find("ofpra_filing_france_asile_pole") is None


def test_29_february_2028_events() -> None:
    """29 Feb 2028: appeal 29 March + 1 = Thu 30 March (CEST); legal aid 15 March; cert 28 Dec."""
    found = plan(rejected("2028-02-29"))
    assert deadline(found, "cnda_appeal_1_month").due == at("2028-03-30T23:59:59+02:00")
    assert deadline(found, "cnda_legal_aid_15_days").due == at("2028-03-15T23:59:59+01:00")
    cert = plan(ev("certificate_issued", "2028-02-29"), procedure="normal")
    assert deadline(cert, "attestation_initial_validity_normal").due.date().isoformat() == (
        "2028-12-28"
    )
    # Born 29 Feb 2008: no 29 Feb in 2027, the birthday is taken as 28 Feb, the day before is 27.
    child = plan(ev("child_born", "2008-02-29"))
    assert deadline(child, "child_of_protected_person_before_19th_birthday").due.date() == (
        at("2027-02-27T00:00:00+01:00").date()
    )


def test_interview_reminders_are_sent_before_the_interview() -> None:
    """Interview 14 April 2026 09:30: remind_days [7, 2, 1] give 7, 12 and 13 April at 09:00."""
    found = deadline(
        plan(ev("ofpra_interview", "2026-04-14", at="09:30"), now=at("2026-03-01T12:00:00+01:00")),
        "ofpra_interview_attendance",
    )
    assert [r.isoformat() for r in found.reminders] == [
        "2026-04-07T09:00:00+02:00",
        "2026-04-12T09:00:00+02:00",
        "2026-04-13T09:00:00+02:00",
    ]


def test_renewed_certificate_is_the_one_to_renew_next() -> None:
    """Renewed 20 Dec 2026 (6 months): on 1 Feb 2027 the next renewal is due 19 June 2027."""
    found = plan(
        ev("certificate_issued", "2026-03-02"),
        ev("certificate_renewed", "2026-12-20"),
        procedure="normal",
        now=at("2027-02-01T12:00:00+01:00"),
    )
    steps = {d.rule.id: d.due for d in found.next_steps()}
    assert steps.get("attestation_renewal_6_months") == at("2027-06-19T23:59:59+02:00")


def test_dublin_certificate_renewal_is_4_months() -> None:
    """Arrêté 9/10/2015 art. 2 (§7, CSV): Dublin renewal 10 Jan 2026 is valid to 9 May 2026."""
    found = plan(ev("certificate_renewed", "2026-01-10"), procedure="dublin")
    due = min(d.due for d in found.deadlines if d.rule.group == "attestation_validity")
    assert due == at("2026-05-09T23:59:59+02:00")


def test_act_before_is_never_before_the_event() -> None:
    """Re-examination incomplete, told on Fri 1 May 2026: cannot be asked to post on 30 April."""
    found = deadline(
        plan(ev("reexamination_completion_request", "2026-05-01")), "reexam_completion_4_days"
    )
    assert found.due == at("2026-05-05T23:59:59+02:00")
    assert found.act_before >= at("2026-05-01T00:00:00+02:00")
