"""The questions the bot asks, as data: which dates each stage needs and how to ask for them.

One table drives onboarding (`STAGE_QUESTIONS`), `/add` (`ADD_FLOWS`) and `/dates` corrections
(`EDIT_QUESTIONS`). The prompts themselves are in `bot/views/questions.py` (gettext), keyed by id.
Pure: no Telegram, no SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.events import Detained, EventKind, Outcome, Permit, Procedure, Received
from bot.domain.stages import Stage


class Kind(StrEnum):
    """How an answer is given."""

    DATE = "date"  # calendar keyboard or typed
    TIME = "time"  # typed HH:MM
    CHOICE = "choice"  # buttons


class Unknown(StrEnum):
    """What "I don't know" does for a question."""

    NOT_ALLOWED = "not_allowed"
    SKIP = "skip"  # leave it out: the engine works without it (a choice: the safer answer)
    # Ask roughly when ("this week", "1-2 weeks ago"...): counted from the earliest day of that
    # range; for "more than a month" or "I don't know", the paper is kept without a date and its
    # steps stay on screen as probably running.
    RANGE = "range"


# Rough answers to "When did you get it?": how many days ago the range starts (None: unknown).
RANGES: dict[str, int | None] = {"week": 6, "2weeks": 14, "4weeks": 28, "older": None}


@dataclass(frozen=True)
class Question:
    """One question: which answer field it fills and how it may be answered."""

    id: str
    field: str  # on, at, procedure, outcome, received, permit, opened_on, decided_on, printed
    event: EventKind | None
    kind: Kind
    choices: tuple[str, ...] = ()
    unknown: Unknown = Unknown.NOT_ALLOWED
    future: bool = False  # the date may lie ahead (expiry, interview)
    only_if: tuple[tuple[str, str], ...] = ()  # (answer id, value) that must hold to ask it
    unless: tuple[tuple[str, str], ...] = ()  # (answer id, value) that skips it

    def applies(self, answers: Mapping[str, str]) -> bool:
        """Tell whether the question is asked given the answers so far."""
        wanted = all(answers.get(key) == value for key, value in self.only_if)
        return wanted and not any(answers.get(key) == value for key, value in self.unless)


def _q(qid: str, **kwargs: object) -> Question:
    """Build a question whose id is "<event>.<field>" or a plain name."""
    event_name, _, field = qid.partition(".")
    event = EventKind(event_name) if field else None
    return Question(id=qid, field=field or qid, event=event, **kwargs)  # type: ignore[arg-type]


def _notified(event: str) -> tuple[Question, ...]:
    """A decision whose appeal is 48 hours in detention: its day, detention, then its time
    (asked unless the person is free: only hours need it)."""
    free = ((f"{event}.detained", Detained.NO.value),)
    return (
        _q(f"{event}.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q(
            f"{event}.detained",
            kind=Kind.CHOICE,
            choices=tuple(d.value for d in Detained),
            unknown=Unknown.SKIP,
        ),
        _q(f"{event}.at", kind=Kind.TIME, unknown=Unknown.SKIP, unless=free),
    )


QUESTIONS: dict[str, Question] = {
    q.id: q
    for q in (
        _q(
            "procedure",
            kind=Kind.CHOICE,
            choices=tuple(p.value for p in Procedure),
            unknown=Unknown.SKIP,
        ),
        _q("entered_france.on", kind=Kind.DATE, unknown=Unknown.SKIP),
        _q("claim_presented.on", kind=Kind.DATE, unknown=Unknown.SKIP),
        _q("certificate_issued.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q("certificate_expires.on", kind=Kind.DATE, unknown=Unknown.SKIP, future=True),
        _q("ofpra_registration_letter.on", kind=Kind.DATE, unknown=Unknown.SKIP),
        _q("ofpra_completion_request.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q("ofpra_interview.on", kind=Kind.DATE, unknown=Unknown.SKIP, future=True),
        _q("ofpra_interview.at", kind=Kind.TIME, unknown=Unknown.SKIP),
        _q(
            "ofpra_decision.outcome",
            kind=Kind.CHOICE,
            choices=tuple(o.value for o in Outcome),
            unknown=Unknown.SKIP,
        ),
        _q(
            "ofpra_decision.received",
            kind=Kind.CHOICE,
            choices=tuple(r.value for r in Received),
            unknown=Unknown.SKIP,
        ),
        _q("ofpra_decision.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q(
            "ofpra_decision.opened_on",
            kind=Kind.DATE,
            unknown=Unknown.SKIP,
            only_if=(("ofpra_decision.received", Received.ONLINE.value),),
        ),
        _q(
            "ofpra_decision.decided_on",
            kind=Kind.DATE,
            unknown=Unknown.SKIP,
            only_if=(("ofpra_decision.outcome", Outcome.CLOSURE.value),),
        ),
        _q("cnda_appeal_registered.on", kind=Kind.DATE, unknown=Unknown.SKIP),
        _q(
            "cnda_decision.outcome",
            kind=Kind.CHOICE,
            choices=(Outcome.REJECTED.value, Outcome.REFUGEE.value, Outcome.SUBSIDIARY.value),
        ),
        _q("cnda_decision.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q(
            "cnda_decision.decided_on",
            kind=Kind.DATE,
            unknown=Unknown.SKIP,
            only_if=(("cnda_decision.outcome", Outcome.REJECTED.value),),
        ),
        *_notified("dublin_transfer_notified"),
        *_notified("oqtf_notified"),
        _q("detention_decision_notified.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q("detention_decision_notified.at", kind=Kind.TIME, unknown=Unknown.SKIP),
        _q("legal_aid_requested.on", kind=Kind.DATE, unknown=Unknown.SKIP),
        _q("legal_aid_decided.on", kind=Kind.DATE, unknown=Unknown.RANGE),
        _q("legal_aid_decided.lawyer_notified_on", kind=Kind.DATE, unknown=Unknown.SKIP),
        _q("permit_expires.permit", kind=Kind.CHOICE, choices=tuple(p.value for p in Permit)),
        _q("permit_expires.on", kind=Kind.DATE, unknown=Unknown.SKIP, future=True),
    )
}

STAGE_QUESTIONS: dict[Stage, tuple[str, ...]] = {
    Stage.NOT_REGISTERED: ("entered_france.on", "claim_presented.on"),
    Stage.CERTIFICATE_RECEIVED: ("procedure", "certificate_issued.on", "certificate_expires.on"),
    Stage.FILE_SENT: (
        "procedure",
        "certificate_issued.on",
        "ofpra_registration_letter.on",
        "certificate_expires.on",
    ),
    Stage.WAITING_INTERVIEW: (
        "procedure",
        "ofpra_registration_letter.on",
        "ofpra_interview.on",
        "ofpra_interview.at",
        "certificate_expires.on",
    ),
    Stage.DECISION_RECEIVED: (
        "ofpra_decision.outcome",
        "ofpra_decision.received",
        "ofpra_decision.on",
        "ofpra_decision.opened_on",
        "ofpra_decision.decided_on",
        "certificate_expires.on",
    ),
    Stage.CNDA_APPEAL: ("cnda_appeal_registered.on", "certificate_expires.on"),
    Stage.PROTECTED: ("permit_expires.permit", "permit_expires.on"),
}

# Stages offered in "Where are you now?", in the order of the procedure.
PICKABLE_STAGES = tuple(STAGE_QUESTIONS)

ADD_FLOWS: dict[str, tuple[str, ...]] = {
    "completion": ("ofpra_completion_request.on",),
    "interview": ("ofpra_interview.on", "ofpra_interview.at"),
    "decision": STAGE_QUESTIONS[Stage.DECISION_RECEIVED][:5],
    "closure": ("ofpra_decision.received", "ofpra_decision.on", "ofpra_decision.decided_on"),
    "certificate": ("certificate_expires.on",),
    "appeal": ("cnda_appeal_registered.on",),
    "cnda_decision": ("cnda_decision.outcome", "cnda_decision.on", "cnda_decision.decided_on"),
    "permit": ("permit_expires.permit", "permit_expires.on"),
    "legal_aid": ("legal_aid_requested.on",),
    "legal_aid_decision": ("legal_aid_decided.on", "legal_aid_decided.lawyer_notified_on"),
    "transfer": (
        "dublin_transfer_notified.on",
        "dublin_transfer_notified.detained",
        "dublin_transfer_notified.at",
    ),
    "oqtf": ("oqtf_notified.on", "oqtf_notified.detained", "oqtf_notified.at"),
    "detention": ("detention_decision_notified.on", "detention_decision_notified.at"),
}
# Answers an /add flow fixes without asking (a closure is a decision whose outcome is known).
ADD_PRESETS: dict[str, dict[str, str]] = {
    "closure": {"ofpra_decision.outcome": Outcome.CLOSURE.value},
}


def edit_questions(event: EventKind) -> tuple[str, ...]:
    """Return the questions that re-ask everything about one stored event."""
    return tuple(qid for qid, q in QUESTIONS.items() if q.event is event)
