"""The questions: stage, department, dates typed or picked, choices, "I don't know"."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.callback_data import parse_calendar_data, question_tag, split_tag
from bot.context import BotContext
from bot.domain.conversation import STEP_DEPARTMENT, STEP_STAGE, UNKNOWN, ConversationState
from bot.domain.prefectures import DepartmentError, OverseasDepartmentError
from bot.domain.questions import Kind, Unknown
from bot.domain.stages import Stage
from bot.domain.typed_dates import DateProblem, parse_date, parse_time
from bot.handlers.base import Answered, replace_screen, send, show, who
from bot.i18n import Translator
from bot.services.conversation import Step
from bot.views import errors, questions
from bot.views import onboarding as onboarding_views
from bot.views.common import Screen, day, preceded, weekday_day
from bot.views.menu import main_menu
from bot.views.plan import change_report, summary

STAGES = frozenset(stage.value for stage in Stage)


async def ask(
    context: BotContext,
    chat_id: int,
    t: Translator,
    state: ConversationState,
    *notes: str,
    answered: Answered | None = None,
) -> None:
    """Send the question the person is at, under any notes, in the answered question's place."""
    screen = question_for(context, t, state)
    if screen is not None:
        await show(context, chat_id, [preceded(screen, *notes)], answered)


def question_for(context: BotContext, t: Translator, state: ConversationState) -> Screen | None:
    """Return the screen of the question the person is at, if there is one."""
    if state.step == STEP_STAGE:
        return onboarding_views.stage_picker(t)
    if state.step == STEP_DEPARTMENT:
        return onboarding_views.department_prompt(t)
    if state.question is not None:
        return questions.question_screen(t, state, today=context.conversation.today())
    return None


async def stage_chosen(update: Update, context: BotContext, value: str) -> None:
    """Record "Where are you now?" and ask the department or the first date."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    if profile is None or state is None or state.step != STEP_STAGE or value not in STAGES:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    answered = Answered(query.message, onboarding_views.stage_label(t, value))
    state = await context.conversation.choose_stage(chat_id, Stage(value))
    await ask(context, chat_id, t, state, answered=answered)


async def on_text(update: Update, context: BotContext) -> None:
    """Read a typed answer: a department, a date or a time; anything else points to the menu."""
    chat_id, profile, t = await who(update, context)
    message = update.effective_message
    text = message.text if message and message.text else ""
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    state = await context.services.conversations.get(chat_id)
    if state is not None and state.step == STEP_DEPARTMENT:
        await _department_typed(context, chat_id, t, text)
        return
    question = state.question if state else None
    if state is not None and state.step == STEP_STAGE:
        await ask(context, chat_id, t, state, errors.use_buttons(t))
        return
    if state is None or question is None:
        await send(context, chat_id, errors.not_understood(t))
        return
    if question.kind is Kind.CHOICE:
        await ask(context, chat_id, t, state, errors.use_buttons(t))
        return
    value, problem = _typed_value(context, t, state, text)
    if problem is not None:
        await ask(context, chat_id, t, state, problem)
        return
    if question.kind is Kind.DATE:
        await _read_back(context, chat_id, t, value)  # every typed date is confirmed once
        return
    await after_answer(context, chat_id, t, await context.conversation.answer(chat_id, value))


async def _read_back(
    context: BotContext, chat_id: int, t: Translator, value: str, answered: Answered | None = None
) -> None:
    """Show a date in words with its weekday and distance, with [Correct] [Change]."""
    held = await context.conversation.propose(chat_id, value)
    if held is None:
        return
    _, doubt = held
    today = context.conversation.today()
    screen = questions.read_back(t, date.fromisoformat(value), today, doubt)
    await show(context, chat_id, [screen], answered)


async def confirm_pressed(update: Update, context: BotContext, value: str) -> None:
    """ "Correct": take the date read back. "Change": ask the question again.

    The buttons name the date they confirm: those of an older read-back are out of date.
    """
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    choice, read = split_tag(value)
    pending = state.pending if state is not None else None
    if (
        state is None
        or state.question is None
        or pending is None
        or choice not in ("y", "n")
        or read != pending.replace("-", "")
    ):
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    if choice == "n":
        asked = await context.conversation.withdraw(chat_id)
        changed = Answered(query.message, "")  # the question again, in the read-back's place
        if asked is not None:
            await ask(context, chat_id, t, asked, answered=changed)
        else:
            await show(context, chat_id, [], changed)
        return
    step = await context.conversation.answer(chat_id, pending)
    confirmed = Answered(query.message, weekday_day(t, date.fromisoformat(pending)))
    await after_answer(context, chat_id, t, step, confirmed)


def _typed_value(
    context: BotContext, t: Translator, state: ConversationState, text: str
) -> tuple[str, str | None]:
    """Return the coded answer, or ("", the problem to tell the person)."""
    question = state.question
    assert question is not None
    today = context.conversation.today()
    if question.kind is Kind.TIME:
        try:
            return parse_time(text).strftime("%H:%M"), None
        except DateProblem:
            return "", errors.time_problem(t)
    earliest, latest = questions.date_bounds(question, state, today)
    try:
        return parse_date(
            text, locale=t.locale, today=today, earliest=earliest, latest=latest
        ).isoformat(), None
    except DateProblem as problem:
        return "", errors.date_problem(t, problem.code, problem.example or today)


async def _department_typed(
    context: BotContext, chat_id: int, t: Translator, text: str, answered: Answered | None = None
) -> None:
    """Record the department, show its prefecture, and ask the first date."""
    try:
        prefecture, state = await context.conversation.set_department(chat_id, text[:60])
    except OverseasDepartmentError:
        await show(context, chat_id, [onboarding_views.department_overseas(t)], answered)
        return
    except DepartmentError as error:
        unknown = onboarding_views.department_unknown(t, error.suggestion)
        await show(context, chat_id, [unknown], answered)
        return
    saved = onboarding_views.department_saved(t, prefecture)
    await _continue(context, chat_id, t, Step(state=state), [saved], answered)


async def department_pressed(update: Update, context: BotContext, code: str) -> None:
    """Take the department suggested for a close spelling ("Did you mean ...?")."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    if profile is None or state is None or state.step != STEP_DEPARTMENT:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await _department_typed(context, chat_id, t, code, Answered(query.message, code))


async def choice_chosen(update: Update, context: BotContext, value: str) -> None:
    """Record a button answer to the current question (the buttons name their question)."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    question = state.question if state else None
    value, tag = split_tag(value)
    if (
        question is None
        or question.kind is not Kind.CHOICE
        or value not in question.choices
        or tag != question_tag(question.id)
    ):
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    answered = Answered(query.message, questions.choice_label(t, question, value))
    note = questions.unknown_used(t, question, context.conversation.assumed_date(question, value))
    notes = [note] if question.field == "when" and note else []
    step = await context.conversation.answer(chat_id, value)
    await after_answer(context, chat_id, t, step, answered, notes)


async def calendar_pressed(update: Update, context: BotContext, data: str) -> None:
    """Move the calendar to another month, or take the day picked."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    action = parse_calendar_data(data)
    state = await context.services.conversations.get(chat_id)
    question = state.question if state else None
    if (
        action is None
        or state is None
        or question is None
        or question.kind is not Kind.DATE
        or action.tag != question_tag(question.id)
    ):
        await query.answer(errors.stale_button(t))
        return
    if action.kind == "noop":
        await query.answer()
        return
    earliest, latest = questions.date_bounds(question, state, context.conversation.today())
    if action.kind == "month":
        moved = await context.conversation.show_month(chat_id, action.value)
        await query.answer()
        if moved is not None:
            await replace_screen(
                context,
                query.message,
                questions.question_screen(t, moved, today=context.conversation.today()),
            )
        return
    if not earliest <= action.value <= latest:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    answered = Answered(query.message, day(t, action.value))
    picked = action.value.isoformat()
    if await context.conversation.doubt(chat_id, state, action.value) is not None:
        # A doubtful date is asked about once.
        await _read_back(context, chat_id, t, picked, answered)
        return
    step = await context.conversation.answer(chat_id, picked)
    await after_answer(context, chat_id, t, step, answered)


async def unknown_pressed(update: Update, context: BotContext, tag: str) -> None:
    """Record "I don't know" where the question allows it (the button names its question)."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    question = state.question if state else None
    stale = question is None or tag != question_tag(question.id)
    if question is None or stale or question.unknown is Unknown.NOT_ALLOWED:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    answered = Answered(query.message, t.gettext(questions.UNKNOWN_LABEL))
    note = None if question.unknown is Unknown.RANGE else questions.unknown_used(t, question, None)
    step = await context.conversation.answer(chat_id, UNKNOWN)
    await after_answer(context, chat_id, t, step, answered, [note] if note else [])


async def cancel_pressed(update: Update, context: BotContext) -> None:
    """Abandon the current questions."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    await query.answer()
    await context.conversation.cancel(chat_id)
    answered = Answered(query.message, t.gettext(questions.CANCEL_LABEL))
    await show(context, chat_id, [main_menu(t)], answered)


async def after_answer(
    context: BotContext,
    chat_id: int,
    t: Translator,
    step: Step,
    answered: Answered | None = None,
    notes: list[str] | None = None,
) -> None:
    """Ask the next question, or show what the saved dates mean."""
    leading = list(notes or [])
    if step.problem == "facts":
        leading.insert(0, errors.facts_problem(t))
    await _continue(context, chat_id, t, step, leading, answered)


async def _continue(
    context: BotContext,
    chat_id: int,
    t: Translator,
    step: Step,
    notes: list[str],
    answered: Answered | None,
) -> None:
    """Show the next question, or the plan when the flow is complete, under the notes."""
    if step.state is not None:
        await ask(context, chat_id, t, step.state, *notes, answered=answered)
        return
    screens: list[Screen] = []
    if step.change is not None:
        onboarding = step.flow is not None and step.flow.startswith("stage:")
        if onboarding:
            screens = list(summary(t, step.change.plan, context.book))
        else:
            screens = list(change_report(t, step.change))
    if notes and screens:
        screens[0] = preceded(screens[0], *notes)
    elif notes:
        screens = [Screen(note) for note in notes]
    await show(context, chat_id, screens, answered)
