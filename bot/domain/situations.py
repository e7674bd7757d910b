"""Situations an association can target a broadcast at: "whose CNDA appeal deadline is near".

A situation is a set of rules whose deadlines ask the person to act; a follower is in the situation
when one of those deadlines is open, not marked done, and falls within the chosen number of days.
Pure data, checked against the rules file by the tests (every rule id exists and asks an action).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Situation:
    """A named group of deadlines, offered to staff when they choose an audience."""

    id: str
    rules: frozenset[str]


SITUATIONS: tuple[Situation, ...] = (
    Situation(
        "ofpra_filing",
        frozenset(
            {"ofpra_filing_21_days", "ofpra_filing_france_asile_pole", "eu_pact_lodging_21_days"}
        ),
    ),
    Situation("ofpra_completion", frozenset({"ofpra_completion_8_days"})),
    Situation(
        "ofpra_interview",
        frozenset({"ofpra_interview_attendance", "ofpra_digital_notification_15_days"}),
    ),
    Situation(
        "certificate_renewal",
        frozenset(
            {
                "attestation_initial_validity_normal",
                "attestation_initial_validity_accelerated",
                "attestation_renewal_6_months",
                "attestation_legacy_1_month_then_9_months",
                "attestation_dublin_validity",
                "reexam_attestation_1_month",
            }
        ),
    ),
    Situation("cnda_appeal", frozenset({"cnda_appeal_1_month", "cnda_legal_aid_15_days"})),
    Situation(
        "residence_permit",
        frozenset(
            {
                "protection_api_6_months",
                "renewal_api_max_3_months",
                "residence_permit_renewal_window",
                "resident_card_refugee_10_years",
                "multiyear_card_subsidiary_stateless_4_years",
            }
        ),
    ),
    Situation(
        "reexamination",
        frozenset(
            {
                "reexam_send_8_days",
                "reexam_completion_4_days",
                "reopening_request_9_months",
                "reopening_form_8_days",
            }
        ),
    ),
    Situation(
        "removal_order",
        frozenset(
            {
                "oqtf_voluntary_departure_30_days",
                "oqtf_after_asylum_rejection_appeal",
                "oqtf_appeal_assigned_residence_7_days",
                "oqtf_appeal_detention_48h",
                "dublin_transfer_appeal",
            }
        ),
    ),
)
BY_ID = {situation.id: situation for situation in SITUATIONS}
# How far ahead staff may look: "deadline in the next N days".
WINDOWS = (3, 7, 10, 30)
DEFAULT_WINDOW = 10
