"""The conversation's use cases: stage, department, answers, flows, each written at once."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from bot.clock import Clock
from bot.domain import conversation
from bot.domain.conversation import STEP_DEPARTMENT, STEP_STAGE, ConversationState
from bot.domain.events import EventKind, FactsError
from bot.domain.plausibility import Doubt, doubt
from bot.domain.prefectures import Prefecture, find_department
from bot.domain.questions import (
    ADD_FLOWS,
    ADD_PRESETS,
    RANGES,
    STAGE_QUESTIONS,
    Question,
    edit_questions,
)
from bot.domain.stages import Stage
from bot.services.conversation_store import ConversationStore
from bot.services.people import PeopleService
from bot.services.plans import PlanChange, PlanService


@dataclass(frozen=True)
class Step:
    """What happened after an answer: the next question, or the saved change of plan."""

    state: ConversationState | None = None
    change: PlanChange | None = None
    answered: Question | None = None
    estimated_on: date | None = None  # the date assumed after "I don't know"
    problem: str | None = None  # "facts" when the dates contradict each other
    flow: str | None = None  # the flow the answer belonged to


@dataclass
class ConversationService:
    """Moves a person through questions; every step is stored before the reply is sent."""

    people: PeopleService
    plans: PlanService
    conversations: ConversationStore
    clock: Clock

    def today(self) -> date:
        """Return today's date where the person lives (Europe/Paris)."""
        return self.clock.now().astimezone(self.plans.zone).date()

    async def begin(self, chat_id: int) -> ConversationState:
        """Start onboarding after consent: ask the stage."""
        state = ConversationState(STEP_STAGE)
        await self.conversations.put(chat_id, state)
        return state

    async def choose_stage(self, chat_id: int, stage: Stage) -> ConversationState:
        """Record the stage, then ask the department (or the stage's questions if known)."""
        profile = await self.people.update(chat_id, stage=stage.value)
        await self.plans.replan(chat_id)  # steps implied by the new stage are done: no reminders
        if profile.department is None:
            state = ConversationState(STEP_DEPARTMENT, flow=f"stage:{stage.value}")
            await self.conversations.put(chat_id, state)
            return state
        return await self._start(chat_id, f"stage:{stage.value}", STAGE_QUESTIONS[stage])

    async def set_department(self, chat_id: int, text: str) -> tuple[Prefecture, ConversationState]:
        """Record the department typed (DepartmentError if unknown), then ask the stage's dates."""
        prefecture = find_department(text)
        profile = await self.people.update(chat_id, department=prefecture.department_code)
        await self.plans.replan(chat_id)
        stage = Stage(profile.stage) if profile.stage else Stage.NOT_REGISTERED
        state = await self._start(chat_id, f"stage:{stage.value}", STAGE_QUESTIONS[stage])
        return prefecture, state

    async def start_add(self, chat_id: int, flow: str) -> ConversationState:
        """Start an /add flow (KeyError for an unknown flow)."""
        return await self._start(chat_id, f"add:{flow}", ADD_FLOWS[flow], ADD_PRESETS.get(flow))

    async def start_edit(self, chat_id: int, event: EventKind) -> ConversationState:
        """Re-ask everything about one stored date."""
        return await self._start(chat_id, f"edit:{event.value}", edit_questions(event))

    async def _start(
        self, chat_id: int, flow: str, qids: tuple[str, ...], presets: dict[str, str] | None = None
    ) -> ConversationState:
        """Store and return the first question of a flow."""
        state = conversation.start(flow, qids, presets)
        await self.conversations.put(chat_id, state)
        return state

    async def answer(self, chat_id: int, value: str) -> Step:
        """Record an answer; when the flow is complete, save the dates and recompute the plan."""
        state = await self.conversations.get(chat_id)
        if state is None or state.question is None:
            return Step()
        asked = state.question
        following = conversation.answer(state, value)
        if not conversation.is_complete(following):
            await self.conversations.put(chat_id, following)
            return Step(state=following, answered=asked)
        events, removed, procedure = conversation.events_from_answers(
            following.answers, today=self.today()
        )
        try:
            change = await self.plans.save(
                chat_id, events, remove=removed, procedure=procedure, finish_conversation=True
            )
        except FactsError:
            restarted = conversation.start(state.flow, _flow_questions(state.flow))
            await self.conversations.put(chat_id, restarted)
            return Step(state=restarted, problem="facts")
        estimated = next((e.on for e in events if e.estimated and asked.event is e.kind), None)
        return Step(change=change, answered=asked, estimated_on=estimated, flow=state.flow)

    async def propose(
        self, chat_id: int, value: str
    ) -> tuple[ConversationState, Doubt | None] | None:
        """Hold a typed or picked date to read it back; say why it looks wrong, if it does."""
        state = await self.conversations.get(chat_id)
        if state is None or state.question is None:
            return None
        held = conversation.propose(state, value)
        await self.conversations.put(chat_id, held)
        return held, await self.doubt(chat_id, state, date.fromisoformat(value))

    async def withdraw(self, chat_id: int) -> ConversationState | None:
        """Drop the date read back, to ask the question again."""
        state = await self.conversations.get(chat_id)
        if state is None or state.question is None:
            return None
        asked = conversation.withdraw(state)
        await self.conversations.put(chat_id, asked)
        return asked

    async def doubt(self, chat_id: int, state: ConversationState, value: date) -> Doubt | None:
        """Return why a date answer looks wrong against today and the person's other dates."""
        question = state.question
        if question is None or question.event is None or question.field != "on":
            return None
        known = {e.kind: e.on for e in await self.plans.events(chat_id) if not e.undated}
        for qid, answer in state.answers.items():
            event_name, _, name = qid.partition(".")
            if name == "on" and answer[:4].isdigit():
                known[EventKind(event_name)] = date.fromisoformat(answer)
        return doubt(question.event, value, self.today(), known)

    async def show_month(self, chat_id: int, month: date) -> ConversationState | None:
        """Remember the calendar month the person navigated to."""
        state = await self.conversations.get(chat_id)
        if state is None or state.question is None:
            return None
        moved = replace(state, month=f"{month:%Y%m}")
        await self.conversations.put(chat_id, moved)
        return moved

    async def cancel(self, chat_id: int) -> None:
        """Abandon the current questions (nothing of them is saved)."""
        await self.conversations.clear(chat_id)

    def assumed_date(self, question: Question, value: str) -> date | None:
        """Return the day a rough answer ("1-2 weeks ago") stands for: the earliest of it."""
        if question.field != "when" or value not in RANGES:
            return None
        days = RANGES[value]
        return None if days is None else self.today() - timedelta(days=days)


def _flow_questions(flow: str) -> tuple[str, ...]:
    """Return the questions of a flow from its stored name."""
    kind, _, name = flow.partition(":")
    if kind == "add":
        return ADD_FLOWS[name]
    if kind == "edit":
        return edit_questions(EventKind(name))
    return STAGE_QUESTIONS[Stage(name)]
