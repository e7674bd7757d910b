"""The events of an asylum procedure a deadline can count from, and a person's facts.

Pure data: no Telegram, no SQL. The names of `EventKind` are the ones used on the command line
(`certificate_issued=2026-03-02`), in the rules file and in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
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


class Detained(StrEnum):
    """Whether the person was detained (rétention) or under house arrest (assignation à
    résidence) when a removal or transfer decision was notified: it makes the appeal 48 hours
    (CESEDA L921-2) instead of 7 days (L921-1). Unknown is read as detained, the shorter period."""

    YES = "yes"
    NO = "no"


@dataclass(frozen=True)
class EventSpec:
    """What an event takes: a time of day, options, and whether it may lie in the future.

    `defaults` are the answers assumed when an option the rules need is not given: always the
    one giving the earliest dates (a rejection opens the appeal deadlines; a registered letter
    counts from the day given, where an online decision would count from up to 15 days later).
    """

    timed: bool = False
    options: frozenset[str] = frozenset()
    defaults: tuple[tuple[str, str], ...] = ()
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
    LEGAL_AID_REQUESTED = "legal_aid_requested"
    LEGAL_AID_DECIDED = "legal_aid_decided"

    @property
    def spec(self) -> EventSpec:
        """Return what this event needs (time of day, options)."""
        return EVENT_SPECS.get(self, EventSpec())


EVENT_SPECS: dict[EventKind, EventSpec] = {
    EventKind.ENTRY_REFUSED: EventSpec(timed=True),
    EventKind.DETENTION_DECISION_NOTIFIED: EventSpec(timed=True),
    EventKind.OQTF_NOTIFIED: EventSpec(timed=True, options=frozenset({"detained"})),
    EventKind.REMOVAL_DECISION_NOTIFIED: EventSpec(timed=True, options=frozenset({"detained"})),
    EventKind.DUBLIN_TRANSFER_NOTIFIED: EventSpec(timed=True, options=frozenset({"detained"})),
    EventKind.LEGAL_AID_DECIDED: EventSpec(options=frozenset({"lawyer_notified_on"})),
    EventKind.OFPRA_INTERVIEW: EventSpec(timed=True, may_be_future=True),
    EventKind.CERTIFICATE_ISSUED: EventSpec(options=frozenset({"procedure"})),
    EventKind.CERTIFICATE_EXPIRES: EventSpec(may_be_future=True),
    EventKind.OFPRA_DECISION: EventSpec(
        options=frozenset({"outcome", "received", "opened_on", "decided_on"}),
        defaults=(("outcome", "rejected"), ("received", "post")),
    ),
    EventKind.CNDA_DECISION: EventSpec(
        options=frozenset({"outcome", "decided_on"}), defaults=(("outcome", "rejected"),)
    ),
    EventKind.PERMIT_EXPIRES: EventSpec(
        options=frozenset({"permit"}), defaults=(("permit", "resident"),), may_be_future=True
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
    "detained": Detained,
}
# Options that are dates (the day a decision was opened online, printed on it, or notified to
# the lawyer), as opposed to the coded options of OPTION_TYPES.
DATE_OPTIONS = frozenset({"opened_on", "decided_on", "lawyer_notified_on"})

# Events that open an appeal: each must always produce at least one deadline the person acts on
# (tests/unit/test_rules_coverage.py proves it for every date since the 2024 reform).
APPEALABLE = frozenset(
    {
        EventKind.ENTRY_REFUSED,
        EventKind.BORDER_JUDGMENT_NOTIFIED,
        EventKind.DUBLIN_TRANSFER_NOTIFIED,
        EventKind.OFPRA_DECISION,
        EventKind.CNDA_DECISION,
        EventKind.OQTF_NOTIFIED,
        EventKind.REMOVAL_DECISION_NOTIFIED,
        EventKind.DETENTION_DECISION_NOTIFIED,
    }
)


def parse_option(name: str, value: str) -> Any:
    """Return the typed value of an event option (ValueError when it is not allowed)."""
    return OPTION_TYPES[name](value)


@dataclass(frozen=True)
class Event:
    """One dated event of a person's procedure, as printed on their paper.

    `on` is the local (Europe/Paris) date; `at` the local time for events counted in hours or
    appointments. `estimated` marks a date the person did not know (earliest plausible one used).
    `decided_on` is the date printed on a decision (for the CNDA, the day it was read in public);
    `lawyer_notified_on` the day a legal-aid decision reached the lawyer, when known.
    """

    kind: EventKind
    on: date
    at: time | None = None
    outcome: Outcome | None = None
    received: Received | None = None
    permit: Permit | None = None
    detained: Detained | None = None
    opened_on: date | None = None
    decided_on: date | None = None
    lawyer_notified_on: date | None = None
    estimated: bool = False
    assumed: frozenset[str] = frozenset()  # options not given, filled with the safer answer
    # The person has this paper but does not know when it came: `on` is the day they said so.
    # Nothing is counted from it; its deadlines are "probably running" (Plan.standing).
    undated: bool = False

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


def with_safe_defaults(facts: Facts) -> Facts:
    """Fill every option an event's rules need but the person did not give with the answer that
    gives the earliest dates (EventSpec.defaults), marking it assumed so the plan says so."""
    events = []
    for event in facts.events:
        missing = {
            name: parse_option(name, value)
            for name, value in event.kind.spec.defaults
            if getattr(event, name) is None
        }
        if missing:
            event = replace(event, assumed=event.assumed | frozenset(missing), **missing)
        events.append(event)
    return Facts(facts.department, tuple(events), facts.procedure)


class FactsError(ValueError):
    """The facts are impossible (a date in the future that must be past, a missing option)."""
