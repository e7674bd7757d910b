"""Where a person is in the procedure, derived from the events they gave."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.events import Event, EventKind, Facts, Outcome


class Stage(StrEnum):
    """The stages a person recognises, in the order of the procedure."""

    NOT_REGISTERED = "not_registered"
    CERTIFICATE_RECEIVED = "certificate_received"
    FILE_SENT = "file_sent"
    WAITING_INTERVIEW = "waiting_interview"
    DECISION_RECEIVED = "decision_received"
    CNDA_APPEAL = "cnda_appeal"
    REEXAMINATION = "reexamination"
    PROTECTED = "protected"


_STAGE_OF_EVENT: dict[EventKind, Stage] = {
    EventKind.CERTIFICATE_ISSUED: Stage.CERTIFICATE_RECEIVED,
    EventKind.CERTIFICATE_RENEWED: Stage.CERTIFICATE_RECEIVED,
    EventKind.DUBLIN_ACCEPTED: Stage.CERTIFICATE_RECEIVED,
    EventKind.DUBLIN_TRANSFER_NOTIFIED: Stage.CERTIFICATE_RECEIVED,
    EventKind.OFPRA_REGISTRATION_LETTER: Stage.FILE_SENT,
    EventKind.OFPRA_COMPLETION_REQUEST: Stage.FILE_SENT,
    EventKind.OFPRA_DOCUMENT_POSTED: Stage.WAITING_INTERVIEW,
    EventKind.OFPRA_INTERVIEW: Stage.WAITING_INTERVIEW,
    EventKind.OFPRA_DECISION: Stage.DECISION_RECEIVED,
    EventKind.REOPENING_REGISTERED: Stage.CERTIFICATE_RECEIVED,
    EventKind.CNDA_APPEAL_REGISTERED: Stage.CNDA_APPEAL,
    EventKind.CNDA_DECISION: Stage.DECISION_RECEIVED,
    EventKind.REEXAMINATION_PRESENTED: Stage.REEXAMINATION,
    EventKind.REEXAMINATION_REGISTERED: Stage.REEXAMINATION,
    EventKind.REEXAMINATION_INTRODUCED: Stage.REEXAMINATION,
    EventKind.REEXAMINATION_COMPLETION_REQUEST: Stage.REEXAMINATION,
    EventKind.REEXAMINATION_CERTIFICATE_ISSUED: Stage.REEXAMINATION,
    EventKind.OQTF_NOTIFIED: Stage.DECISION_RECEIVED,
    EventKind.REMOVAL_DECISION_NOTIFIED: Stage.DECISION_RECEIVED,
    EventKind.DETENTION_DECISION_NOTIFIED: Stage.DECISION_RECEIVED,
    EventKind.LEGAL_AID_REQUESTED: Stage.DECISION_RECEIVED,
    EventKind.LEGAL_AID_DECIDED: Stage.DECISION_RECEIVED,
    EventKind.FINAL_REJECTION_NOTIFIED: Stage.DECISION_RECEIVED,
    EventKind.PROTECTION_API_ISSUED: Stage.PROTECTED,
    EventKind.RENEWAL_API_ISSUED: Stage.PROTECTED,
    EventKind.RESIDENT_CARD_ISSUED: Stage.PROTECTED,
    EventKind.MULTIYEAR_CARD_ISSUED: Stage.PROTECTED,
    EventKind.PERMIT_EXPIRES: Stage.PROTECTED,
    EventKind.CHILD_BORN: Stage.PROTECTED,
}
_ORDER = {stage: index for index, stage in enumerate(Stage)}


def stage_of(event: Event) -> Stage:
    """Return the stage an event puts the person in."""
    if event.kind in (EventKind.OFPRA_DECISION, EventKind.CNDA_DECISION) and event.outcome in (
        Outcome.REFUGEE,
        Outcome.SUBSIDIARY,
    ):
        return Stage.PROTECTED
    return _STAGE_OF_EVENT.get(event.kind, Stage.NOT_REGISTERED)


# Steps a person has necessarily taken once they are at a stage: their deadlines are done.
_DONE_AT: tuple[tuple[Stage, frozenset[str]], ...] = (
    (
        Stage.CERTIFICATE_RECEIVED,
        frozenset({"border_regularisation_visa_8d", "late_claim_90d_accelerated"}),
    ),
    (
        Stage.FILE_SENT,
        frozenset(
            {"ofpra_filing_21_days", "eu_pact_lodging_21_days", "ofpra_filing_france_asile_pole"}
        ),
    ),
    (Stage.DECISION_RECEIVED, frozenset({"ofpra_interview_attendance"})),
)
_PROCEDURE_ORDER = (
    Stage.NOT_REGISTERED,
    Stage.CERTIFICATE_RECEIVED,
    Stage.FILE_SENT,
    Stage.WAITING_INTERVIEW,
    Stage.DECISION_RECEIVED,
    Stage.CNDA_APPEAL,
    Stage.PROTECTED,
)


def done_at(*stages: Stage) -> frozenset[str]:
    """Return the rules already met by someone who reached any of these stages.

    A re-examination is a new procedure: being at that stage completes nothing of it.
    """
    reached = max((_PROCEDURE_ORDER.index(s) for s in stages if s in _PROCEDURE_ORDER), default=0)
    done: set[str] = set()
    for stage, rules in _DONE_AT:
        if _PROCEDURE_ORDER.index(stage) <= reached:
            done |= rules
    return frozenset(done)


def current_stage(facts: Facts, chosen: Stage | None = None) -> Stage:
    """Return the stage of the latest event (ties go to the later stage), or the stage the person
    chose if the events show nothing later: a stage chosen without any date is kept.

    Expiry dates are about the future, so they do not move the person forward on their own.
    """
    dated = [e for e in facts.events if e.kind not in (EventKind.CERTIFICATE_EXPIRES,)]
    if not dated:
        derived = Stage.CERTIFICATE_RECEIVED if facts.events else Stage.NOT_REGISTERED
    else:
        latest = max(dated, key=lambda event: (event.on, _ORDER[stage_of(event)]))
        derived = stage_of(latest)
    if chosen is None or chosen is derived:
        return derived
    if Stage.REEXAMINATION in (chosen, derived):
        return derived if dated else chosen
    return max(derived, chosen, key=_PROCEDURE_ORDER.index)
