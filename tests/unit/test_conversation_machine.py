"""The conversation state machine and the callback data codec (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from bot import callback_data as cb
from bot.domain.conversation import (
    UNKNOWN,
    ConversationState,
    answer,
    events_from_answers,
    is_complete,
    propose,
    start,
    withdraw,
)
from bot.domain.events import EventKind, Outcome, Received
from bot.domain.questions import ADD_FLOWS, ADD_PRESETS, STAGE_QUESTIONS
from bot.domain.stages import Stage

TODAY = date(2026, 3, 3)


def _play(flow: str, qids: tuple[str, ...], answers: list[str], presets=None) -> ConversationState:
    """Answer questions in order and return the final state."""
    state = start(flow, qids, presets)
    for value in answers:
        state = answer(state, value)
    return state


def test_online_decision_asks_the_opening_day_and_skips_the_closure_date() -> None:
    """Online rejection: the opening day is asked; the closure date question is skipped."""
    state = start("stage:decision_received", STAGE_QUESTIONS[Stage.DECISION_RECEIVED])
    asked = []
    for value in ("rejected", "online", "2026-02-20", "2026-02-24", UNKNOWN):
        assert state.question is not None
        asked.append(state.question.id)
        state = answer(state, value)
    assert is_complete(state)
    assert "ofpra_decision.decided_on" not in asked and "ofpra_decision.opened_on" in asked
    events, removed, procedure = events_from_answers(state.answers, today=TODAY)
    decision = next(e for e in events if e.kind is EventKind.OFPRA_DECISION)
    assert (decision.outcome, decision.received) == (Outcome.REJECTED, Received.ONLINE)
    assert decision.opened_on == date(2026, 2, 24) and not decision.estimated
    assert removed == [EventKind.CERTIFICATE_EXPIRES] and procedure is None


@pytest.mark.parametrize(
    ("rough", "expected"),
    [("week", date(2026, 2, 25)), ("2weeks", date(2026, 2, 17)), ("4weeks", date(2026, 2, 3))],
)
def test_unknown_receipt_day_asks_roughly_when_and_counts_from_the_earliest(
    rough: str, expected: date
) -> None:
    """ "I don't know" the day received: roughly when is asked; the earliest day of the range
    is used, marked estimated."""
    state = _play("add:completion", ADD_FLOWS["completion"], [UNKNOWN])
    assert state.question is not None and state.question.id == "ofpra_completion_request.when"
    state = answer(state, rough)
    events, _, _ = events_from_answers(state.answers, today=TODAY)
    assert events[0].on == expected and events[0].estimated and not events[0].undated


@pytest.mark.parametrize("rough", ["older", UNKNOWN])
def test_a_decision_without_any_date_is_kept_undated_with_its_outcome(rough: str) -> None:
    """Rejected, received "more than a month ago" or "I don't know": the decision is kept,
    undated, with its outcome (its steps are probably running), never dropped."""
    state = _play(
        "stage:decision_received",
        STAGE_QUESTIONS[Stage.DECISION_RECEIVED],
        ["rejected", "post", UNKNOWN, rough, UNKNOWN],
    )
    assert is_complete(state)
    events, removed, _ = events_from_answers(state.answers, today=TODAY)
    decision = next(e for e in events if e.kind is EventKind.OFPRA_DECISION)
    assert decision.undated and decision.outcome is Outcome.REJECTED and decision.on == TODAY
    assert EventKind.OFPRA_DECISION not in removed


def test_unknown_procedure_is_allowed_and_kept_unknown() -> None:
    """ "I don't know" the procedure: no procedure (the engine considers every one)."""
    state = _play(
        "stage:x", STAGE_QUESTIONS[Stage.CERTIFICATE_RECEIVED], [UNKNOWN, "2026-02-11", UNKNOWN]
    )
    events, _, procedure = events_from_answers(state.answers, today=TODAY)
    assert procedure is None and events[0].on == date(2026, 2, 11)


def test_a_date_held_for_confirmation_round_trips_and_is_cleared_by_the_answer() -> None:
    """The date read back waits in the state (stored as JSON); answering takes and clears it."""
    state = propose(start("add:completion", ADD_FLOWS["completion"]), "2026-02-27")
    assert ConversationState.from_row(state.step, state.to_json()).pending == "2026-02-27"
    assert withdraw(state).pending is None
    assert answer(state, "2026-02-27").pending is None


def test_closure_preset_skips_the_outcome_question() -> None:
    """/add closure: the outcome is known, so the first question is how it was received."""
    state = start("add:closure", ADD_FLOWS["closure"], ADD_PRESETS["closure"])
    assert state.question is not None and state.question.id == "ofpra_decision.received"


def test_state_round_trips_through_json() -> None:
    """What is stored in the database comes back identical."""
    state = _play("add:decision", ADD_FLOWS["decision"], ["closure", "post"])
    assert ConversationState.from_row(state.step, state.to_json()) == state


@pytest.mark.parametrize(
    "data",
    [
        "",
        "x",
        "zz:1",
        "lg:",
        "dk",
        "an:" + "a" * 49,
        "de:certificate issued",
        "ok:fr:extra",
        "é:1",
    ],
)
def test_malformed_callback_data_is_refused(data: str) -> None:
    """Unknown kinds, missing or extra values, bad characters, too long: None."""
    assert cb.decode(data) is None


def test_callback_data_round_trip_and_byte_limit() -> None:
    """Encoded data decodes to the same press; the longest rule id still fits in 64 bytes."""
    longest = "child_of_protected_person_before_19th_birthday"
    assert cb.decode(cb.encode(cb.DONE, longest)) == cb.Pressed(cb.DONE, longest)
    assert len(cb.encode(cb.DONE, longest).encode()) <= 64
    with pytest.raises(ValueError):
        cb.encode(cb.ANSWER, "a" * 60)
