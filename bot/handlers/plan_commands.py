"""/next, /dates, /add, /prefecture: seeing and changing one's dates and deadlines."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.domain.events import EventKind
from bot.domain.prefectures import prefecture_for
from bot.domain.questions import ADD_FLOWS
from bot.handlers.base import close_question, plan_of, send, send_file, send_screens, who
from bot.handlers.conversation import ask
from bot.handlers.directory import send_place
from bot.views import dates as date_views
from bot.views import errors
from bot.views.ics import plan_calendar
from bot.views.onboarding import department_saved
from bot.views.plan import change_report, next_screens


async def next_command(update: Update, context: BotContext) -> None:
    """List upcoming deadlines soonest first, with a calendar file for the phone."""
    found = await plan_of(update, context)
    if found is None:
        return
    chat_id, t, plan = found
    await send_screens(context, chat_id, next_screens(t, plan, context.book))
    if plan.next_steps():
        ics = plan_calendar(t, plan, stamp=context.services.clock.now())
        await send_file(context, chat_id, "deadlines.ics", ics, t.gettext("Add to my calendar"))


async def dates_command(update: Update, context: BotContext) -> None:
    """Show each stored date with buttons to change or remove it."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    events = await context.services.plans.events(chat_id)
    await send(context, chat_id, date_views.dates_screen(t, events))


async def add_command(update: Update, context: BotContext) -> None:
    """Ask which new letter or event the person received."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    if profile.department is None:
        await send(context, chat_id, errors.department_needed(t))
        return
    await send(context, chat_id, date_views.add_screen(t))


async def prefecture_command(update: Update, context: BotContext) -> None:
    """Show the prefecture competent for asylum in the person's department."""
    chat_id, profile, t = await who(update, context)
    if profile is None or profile.department is None:
        await send(context, chat_id, errors.department_needed(t))
        return
    prefecture = prefecture_for(profile.department)
    await send(context, chat_id, department_saved(t, prefecture))
    guda = await context.services.directory.guda(prefecture.competent_code)
    if guda is not None:  # the operator listed its GUDA, with its source: address and map
        await send_place(context, chat_id, t, guda)


async def edit_pressed(update: Update, context: BotContext, value: str) -> None:
    """Start re-asking one of the person's own stored dates."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    kind = await _own_event(context, chat_id, value)
    if kind is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await ask(context, chat_id, t, await context.conversation.start_edit(chat_id, kind))


async def remove_pressed(update: Update, context: BotContext, value: str) -> None:
    """Remove one of the person's stored dates and say what changed."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    kind = await _own_event(context, chat_id, value)
    if kind is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await close_question(context, query.message, date_views.removed(t, kind.value))
    change = await context.services.plans.save(chat_id, (), remove=(kind,))
    await send_screens(context, chat_id, change_report(t, change))


async def add_pressed(update: Update, context: BotContext, value: str) -> None:
    """Start the questions of a new letter or event."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    if profile is None or profile.department is None or value not in ADD_FLOWS:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await close_question(context, query.message, t.gettext(date_views.ADD_LABELS[value]))
    await ask(context, chat_id, t, await context.conversation.start_add(chat_id, value))


async def _own_event(context: BotContext, chat_id: int, value: str) -> EventKind | None:
    """Return the event kind if this person has a date of that kind (never anyone else's)."""
    events = await context.services.plans.events(chat_id)
    return next((event.kind for event in events if event.kind.value == value), None)
