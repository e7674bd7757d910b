"""The questions: stage, department, dates typed or picked, choices, "I don't know"."""

from __future__ import annotations

from datetime import date

from telegram import Update

from bot.callback_data import parse_calendar_data
from bot.context import BotContext
from bot.domain.conversation import STEP_DEPARTMENT, STEP_STAGE, UNKNOWN, ConversationState
from bot.domain.prefectures import DepartmentError, OverseasDepartmentError
from bot.domain.questions import Kind, Unknown
from bot.domain.stages import Stage
from bot.domain.typed_dates import DateProblem, parse_date, parse_time
from bot.handlers.base import close_question, replace_screen, send, send_screens, who
from bot.i18n import Translator
from bot.services.conversation import Step
from bot.views import errors, questions
from bot.views import onboarding as onboarding_views
from bot.views.common import day
from bot.views.menu import main_menu
from bot.views.plan import change_report, summary

STAGES = frozenset(stage.value for stage in Stage)


async def ask(context: BotContext, chat_id: int, t: Translator, state: ConversationState) -> None:
    """Send the question the person is at."""
    if state.step == STEP_STAGE:
        await send(context, chat_id, onboarding_views.stage_picker(t))
    elif state.step == STEP_DEPARTMENT:
        await send(context, chat_id, onboarding_views.department_prompt(t))
    elif state.question is not None:
        await send(
            context,
            chat_id,
            questions.question_screen(t, state, today=context.conversation.today()),
        )


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
    await close_question(context, query.message, onboarding_views.stage_label(t, value))
    await ask(context, chat_id, t, await context.conversation.choose_stage(chat_id, Stage(value)))


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
        await send(context, chat_id, errors.use_buttons(t))
        await ask(context, chat_id, t, state)
        return
    if state is None or question is None:
        await send(context, chat_id, errors.not_understood(t))
        return
    if question.kind is Kind.CHOICE:
        await send(context, chat_id, errors.use_buttons(t))
        await ask(context, chat_id, t, state)
        return
    value, problem = _typed_value(context, t, state, text)
    if problem is not None:
        await send(context, chat_id, problem)
        await ask(context, chat_id, t, state)
        return
    if question.kind is Kind.DATE:
        await _read_back(context, chat_id, t, value)  # every typed date is confirmed once
        return
    await after_answer(context, chat_id, t, await context.conversation.answer(chat_id, value))


async def _read_back(context: BotContext, chat_id: int, t: Translator, value: str) -> None:
    """Show a date in words with its weekday and distance, with [Correct] [Change]."""
    held = await context.conversation.propose(chat_id, value)
    if held is None:
        return
    _, doubt = held
    today = context.conversation.today()
    await send(context, chat_id, questions.read_back(t, date.fromisoformat(value), today, doubt))


async def confirm_pressed(update: Update, context: BotContext, value: str) -> None:
    """ "Correct": take the date read back. "Change": ask the question again."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    if state is None or state.question is None or state.pending is None or value not in "yn":
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    if value == "n":
        await close_question(context, query.message, t.gettext("✏️ Change"))
        asked = await context.conversation.withdraw(chat_id)
        if asked is not None:
            await ask(context, chat_id, t, asked)
        return
    await close_question(context, query.message, t.gettext("✅ Correct"))
    step = await context.conversation.answer(chat_id, state.pending)
    await after_answer(context, chat_id, t, step)


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


async def _department_typed(context: BotContext, chat_id: int, t: Translator, text: str) -> None:
    """Record the department, show its prefecture, and ask the first date."""
    try:
        prefecture, state = await context.conversation.set_department(chat_id, text[:60])
    except OverseasDepartmentError:
        await send(context, chat_id, onboarding_views.department_overseas(t))
        return
    except DepartmentError as error:
        await send(context, chat_id, onboarding_views.department_unknown(t, error.suggestion))
        return
    await send(context, chat_id, onboarding_views.department_saved(t, prefecture))
    await _continue(context, chat_id, t, Step(state=state))


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
    await close_question(context, query.message, code)
    await _department_typed(context, chat_id, t, code)


async def choice_chosen(update: Update, context: BotContext, value: str) -> None:
    """Record a button answer to the current question."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    question = state.question if state else None
    if question is None or question.kind is not Kind.CHOICE or value not in question.choices:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await close_question(context, query.message, questions.choice_label(t, question, value))
    note = questions.unknown_used(t, question, context.conversation.assumed_date(question, value))
    if question.field == "when" and note:
        await send(context, chat_id, note)
    await after_answer(context, chat_id, t, await context.conversation.answer(chat_id, value))


async def calendar_pressed(update: Update, context: BotContext, data: str) -> None:
    """Move the calendar to another month, or take the day picked."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    action = parse_calendar_data(data)
    state = await context.services.conversations.get(chat_id)
    question = state.question if state else None
    if action is None or state is None or question is None or question.kind is not Kind.DATE:
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
    await close_question(context, query.message, day(t, action.value))
    picked = action.value.isoformat()
    if await context.conversation.doubt(chat_id, state, action.value) is not None:
        await _read_back(context, chat_id, t, picked)  # a doubtful date is asked about once
        return
    await after_answer(context, chat_id, t, await context.conversation.answer(chat_id, picked))


async def unknown_pressed(update: Update, context: BotContext) -> None:
    """Record "I don't know" where the question allows it."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    state = await context.services.conversations.get(chat_id)
    question = state.question if state else None
    if question is None or question.unknown is Unknown.NOT_ALLOWED:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await close_question(context, query.message, t.gettext(questions.UNKNOWN_LABEL))
    note = None if question.unknown is Unknown.RANGE else questions.unknown_used(t, question, None)
    if note:
        await send(context, chat_id, note)
    await after_answer(context, chat_id, t, await context.conversation.answer(chat_id, UNKNOWN))


async def cancel_pressed(update: Update, context: BotContext) -> None:
    """Abandon the current questions."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    await query.answer()
    await close_question(context, query.message, t.gettext(questions.CANCEL_LABEL))
    await context.conversation.cancel(chat_id)
    await send(context, chat_id, main_menu(t))


async def after_answer(context: BotContext, chat_id: int, t: Translator, step: Step) -> None:
    """Ask the next question, or show what the saved dates mean."""
    if step.problem == "facts":
        await send(context, chat_id, errors.facts_problem(t))
    await _continue(context, chat_id, t, step)


async def _continue(context: BotContext, chat_id: int, t: Translator, step: Step) -> None:
    """Send the next question, or the plan when the flow is complete."""
    if step.state is not None:
        await ask(context, chat_id, t, step.state)
        return
    if step.change is None:
        return
    onboarding = step.flow is not None and step.flow.startswith("stage:")
    if onboarding:
        screens = summary(t, step.change.plan, context.book)
    else:
        screens = change_report(t, step.change)
    await send_screens(context, chat_id, screens)
