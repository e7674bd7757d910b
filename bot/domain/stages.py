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


def current_stage(facts: Facts) -> Stage:
    """Return the stage of the latest event (ties go to the later stage).

    Expiry dates are about the future, so they do not move the person forward on their own.
    """
    dated = [e for e in facts.events if e.kind not in (EventKind.CERTIFICATE_EXPIRES,)]
    if not dated:
        return Stage.CERTIFICATE_RECEIVED if facts.events else Stage.NOT_REGISTERED
    latest = max(dated, key=lambda event: (event.on, _ORDER[stage_of(event)]))
    return stage_of(latest)
