"""The events of an asylum procedure a deadline can count from, and a person's facts.

Pure data: no Telegram, no SQL. The names of `EventKind` are the ones used on the command line
(`certificate_issued=2026-03-02`), in the rules file and in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum
from typing import Any


class Procedure(StrEnum):
    """The track the prefecture put the claim in (printed on the attestation)."""

    NORMAL = "normal"
    ACCELERATED = "accelerated"
    DUBLIN = "dublin"


class Outcome(StrEnum):
    """What an Ofpra or CNDA decision says."""

    REJECTED = "rejected"
    REFUGEE = "refugee"
    SUBSIDIARY = "subsidiary"
    INADMISSIBLE = "inadmissible"
    CLOSURE = "closure"


class Received(StrEnum):
    """How an Ofpra decision reached the person; it decides the day it counts as notified."""

    POST = "post"
    ONLINE = "online"


class Permit(StrEnum):
    """Residence documents after protection."""

    RESIDENT = "resident"
    MULTIYEAR = "multiyear"
    API = "api"


@dataclass(frozen=True)
class EventSpec:
    """What an event needs: a time of day, options, and whether it may lie in the future."""

    timed: bool = False
    options: frozenset[str] = frozenset()
    required: frozenset[str] = frozenset()
    may_be_future: bool = False


class EventKind(StrEnum):
    """Every event a rule can count from."""

    ENTERED_FRANCE = "entered_france"
    REGULARISATION_VISA_ISSUED = "regularisation_visa_issued"
    ENTRY_REFUSED = "entry_refused"
    BORDER_JUDGMENT_NOTIFIED = "border_judgment_notified"
    CLAIM_PRESENTED = "claim_presented"
    CERTIFICATE_ISSUED = "certificate_issued"
    CERTIFICATE_RENEWED = "certificate_renewed"
    CERTIFICATE_EXPIRES = "certificate_expires"
    DUBLIN_ACCEPTED = "dublin_accepted"
    DUBLIN_TRANSFER_NOTIFIED = "dublin_transfer_notified"
    OFPRA_REGISTRATION_LETTER = "ofpra_registration_letter"
    OFPRA_COMPLETION_REQUEST = "ofpra_completion_request"
    OFPRA_DOCUMENT_POSTED = "ofpra_document_posted"
    OFPRA_INTERVIEW = "ofpra_interview"
    OFPRA_DECISION = "ofpra_decision"
    CNDA_APPEAL_REGISTERED = "cnda_appeal_registered"
    CNDA_DECISION = "cnda_decision"
    REOPENING_REGISTERED = "reopening_registered"
    REEXAMINATION_PRESENTED = "reexamination_presented"
    REEXAMINATION_REGISTERED = "reexamination_registered"
    REEXAMINATION_INTRODUCED = "reexamination_introduced"
    REEXAMINATION_COMPLETION_REQUEST = "reexamination_completion_request"
    REEXAMINATION_CERTIFICATE_ISSUED = "reexamination_certificate_issued"
    OQTF_NOTIFIED = "oqtf_notified"
    REMOVAL_DECISION_NOTIFIED = "removal_decision_notified"
    DETENTION_DECISION_NOTIFIED = "detention_decision_notified"
    FINAL_REJECTION_NOTIFIED = "final_rejection_notified"
    PROTECTION_API_ISSUED = "protection_api_issued"
    RENEWAL_API_ISSUED = "renewal_api_issued"
    RESIDENT_CARD_ISSUED = "resident_card_issued"
    MULTIYEAR_CARD_ISSUED = "multiyear_card_issued"
    PERMIT_EXPIRES = "permit_expires"
    CHILD_BORN = "child_born"

    @property
    def spec(self) -> EventSpec:
        """Return what this event needs (time of day, options)."""
        return EVENT_SPECS.get(self, EventSpec())


EVENT_SPECS: dict[EventKind, EventSpec] = {
    EventKind.ENTRY_REFUSED: EventSpec(timed=True),
    EventKind.DETENTION_DECISION_NOTIFIED: EventSpec(timed=True),
    EventKind.OQTF_NOTIFIED: EventSpec(timed=True),
    EventKind.OFPRA_INTERVIEW: EventSpec(timed=True, may_be_future=True),
    EventKind.CERTIFICATE_ISSUED: EventSpec(
        options=frozenset({"procedure"}), required=frozenset({"procedure"})
    ),
    EventKind.CERTIFICATE_EXPIRES: EventSpec(may_be_future=True),
    EventKind.OFPRA_DECISION: EventSpec(
        options=frozenset({"outcome", "received", "opened_on", "decided_on"}),
        required=frozenset({"outcome", "received"}),
    ),
    EventKind.CNDA_DECISION: EventSpec(
        options=frozenset({"outcome"}), required=frozenset({"outcome"})
    ),
    EventKind.PERMIT_EXPIRES: EventSpec(
        options=frozenset({"permit"}), required=frozenset({"permit"}), may_be_future=True
    ),
}

# Outcomes a CNDA decision can have (the court does not close files or declare inadmissibility
# in the sense Ofpra does).
CNDA_OUTCOMES = frozenset({Outcome.REJECTED, Outcome.REFUGEE, Outcome.SUBSIDIARY})


OPTION_TYPES: dict[str, type[StrEnum]] = {
    "procedure": Procedure,
    "outcome": Outcome,
    "received": Received,
    "permit": Permit,
}


def parse_option(name: str, value: str) -> Any:
    """Return the typed value of an event option (ValueError when it is not allowed)."""
    return OPTION_TYPES[name](value)


@dataclass(frozen=True)
class Event:
    """One dated event of a person's procedure, as printed on their paper.

    `on` is the local (Europe/Paris) date; `at` the local time for events counted in hours or
    appointments. `estimated` marks a date the person did not know (earliest plausible one used).
    """

    kind: EventKind
    on: date
    at: time | None = None
    outcome: Outcome | None = None
    received: Received | None = None
    permit: Permit | None = None
    opened_on: date | None = None
    decided_on: date | None = None
    estimated: bool = False

    def attribute(self, name: str) -> str | None:
        """Return the value of an option (procedure excluded) as text, for rule conditions."""
        value = getattr(self, name, None)
        return None if value is None else str(value)


@dataclass(frozen=True)
class Facts:
    """Everything the engine needs about one person: no name, no file number."""

    department: str
    events: tuple[Event, ...] = ()
    procedure: Procedure | None = None

    def event(self, kind: EventKind) -> Event | None:
        """Return the event of that kind, if the person gave it."""
        return next((event for event in self.events if event.kind is kind), None)

    def with_events(self, *extra: Event) -> Facts:
        """Return a copy with more events (replacing those of the same kind)."""
        kinds = {event.kind for event in extra}
        kept = tuple(event for event in self.events if event.kind not in kinds)
        return Facts(self.department, kept + extra, self.procedure)


class FactsError(ValueError):
    """The facts are impossible (a date in the future that must be past, a missing option)."""
