"""The conversation state machine: pure transitions over a small JSON-able state.

A state is stored after every answer (bot/db/models.py: SavedConversation), so a restart or
another instance continues exactly where the person was. Answers are coded values only (ISO
dates, option values, "?" for "I don't know"), never text the person typed.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, time, timedelta

from bot.domain.events import DATE_OPTIONS, Event, EventKind, Procedure, parse_option
from bot.domain.questions import QUESTIONS, RANGES, Kind, Question, Unknown

UNKNOWN = "?"
STEP_STAGE = "stage"
STEP_DEPARTMENT = "department"
STEP_QUESTION = "q"


@dataclass(frozen=True)
class ConversationState:
    """Where the person is: a step, the flow it belongs to, questions left, answers given."""

    step: str
    flow: str = "onboarding"
    queue: tuple[str, ...] = ()
    answers: dict[str, str] = field(default_factory=dict)
    month: str | None = None  # the calendar month shown, YYYYMM
    pending: str | None = None  # a date read back to the person, waiting for "Correct"

    def to_json(self) -> str:
        """Serialise for the database."""
        data = asdict(self)
        data.pop("step")
        return json.dumps(data, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_row(cls, step: str, draft: str) -> ConversationState:
        """Rebuild a state from its stored step and JSON draft."""
        data = json.loads(draft or "{}")
        return cls(
            step=step,
            flow=str(data.get("flow", "onboarding")),
            queue=tuple(data.get("queue", ())),
            answers=dict(data.get("answers", {})),
            month=data.get("month"),
            pending=data.get("pending"),
        )

    @property
    def question(self) -> Question | None:
        """Return the question being asked, if the step is a question."""
        if self.step != STEP_QUESTION or not self.queue:
            return None
        return question(self.queue[0])


def question(qid: str) -> Question:
    """Return a question by id, including the follow-ups "<event>.when" (roughly when)."""
    if qid.endswith(".when"):
        event = EventKind(qid.removesuffix(".when"))
        choices = tuple(RANGES)
        return Question(qid, "when", event, Kind.CHOICE, choices, unknown=Unknown.SKIP)
    return QUESTIONS[qid]


def start(
    flow: str, qids: tuple[str, ...], presets: dict[str, str] | None = None
) -> ConversationState:
    """Begin a series of questions, skipping those that do not apply."""
    return _advance(ConversationState(STEP_QUESTION, flow, qids, dict(presets or {})))


def answer(state: ConversationState, value: str) -> ConversationState:
    """Record the answer to the current question and move to the next one that applies."""
    current = state.question
    if current is None:
        raise ValueError("no question is being asked")
    answers = {**state.answers, current.id: value}
    queue = state.queue[1:]
    if value == UNKNOWN and current.unknown is Unknown.RANGE:
        queue = (f"{current.event}.when", *queue)
    return _advance(replace(state, queue=queue, answers=answers, month=None, pending=None))


def propose(state: ConversationState, value: str) -> ConversationState:
    """Hold a date to be read back to the person before it is taken as their answer."""
    return replace(state, pending=value)


def withdraw(state: ConversationState) -> ConversationState:
    """Drop the date read back: the question is asked again."""
    return replace(state, pending=None)


def _advance(state: ConversationState) -> ConversationState:
    """Drop questions whose conditions fail; an empty queue means the flow is complete."""
    queue = state.queue
    while queue and not question(queue[0]).applies(state.answers):
        queue = queue[1:]
    return replace(state, queue=queue)


def is_complete(state: ConversationState) -> bool:
    """Tell whether every question of the flow has an answer."""
    return state.step == STEP_QUESTION and not state.queue


def events_from_answers(
    answers: dict[str, str], *, today: date
) -> tuple[list[Event], list[EventKind], Procedure | None]:
    """Turn answers into events to save, events to remove ("I don't know"), and the procedure."""
    procedure = answers.get("procedure")
    grouped: dict[EventKind, dict[str, str]] = {}
    for qid, value in answers.items():
        event_name, _, name = qid.partition(".")
        if name:
            grouped.setdefault(EventKind(event_name), {})[name] = value
    events, removed = [], []
    for kind, fields in grouped.items():
        event = _event(kind, fields, today)
        if event is None:
            removed.append(kind)
        else:
            events.append(event)
    chosen = Procedure(procedure) if procedure and procedure != UNKNOWN else None
    return events, removed, chosen


def _event(kind: EventKind, fields: dict[str, str], today: date) -> Event | None:
    """Build one event from its answers, applying the "I don't know" policy of its date.

    Roughly known ("2 to 4 weeks ago"): the earliest day of the range, marked estimated. Not
    known at all: the paper is kept without a date (`undated`), so its options (a rejection) and
    its steps are not lost. Skippable dates left unknown give no event.
    """
    raw_on = fields.get("on")
    if raw_on is None:
        return None
    estimated = undated = False
    if raw_on == UNKNOWN:
        if QUESTIONS[f"{kind.value}.on"].unknown is not Unknown.RANGE:
            return None
        days = RANGES.get(fields.get("when", UNKNOWN))
        estimated, undated = days is not None, days is None
        on = today - timedelta(days=days or 0)
    else:
        on = date.fromisoformat(raw_on)
    options = {
        name: parse_option(name, fields[name])
        for name in ("outcome", "received", "permit", "detained")
        if fields.get(name) not in (None, UNKNOWN)
    }
    dates = {
        name: date.fromisoformat(fields[name])
        for name in DATE_OPTIONS
        if fields.get(name) not in (None, UNKNOWN)
    }
    at = fields.get("at")
    moment = time.fromisoformat(at) if at and at != UNKNOWN else None
    return Event(
        kind,
        on,
        at=moment,
        estimated=estimated,
        undated=undated,
        **options,
        **dates,  # type: ignore[arg-type]
    )
