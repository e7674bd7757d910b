"""The buttons under a reminder: "Done" and "Remind me tomorrow"."""

from __future__ import annotations

from datetime import datetime, timedelta

from telegram import Update

from bot.context import BotContext
from bot.handlers.base import close_question, send, send_screens, who
from bot.views import errors
from bot.views import reminder as views
from bot.views.basis import why_text
from bot.views.cards import details_screen
from bot.views.common import rtl
from bot.views.plan import nothing_yet, step_cards


async def done_pressed(update: Update, context: BotContext, rule_id: str) -> None:
    """Mark one of the person's own deadlines done: its reminders stop; show the next step."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    plan = await context.services.plans.mark_done(chat_id, rule_id) if profile else None
    if plan is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await close_question(context, query.message, "✅")
    cards = step_cards(t, plan)
    if cards:
        await send(context, chat_id, views.done_text(t))
        await send_screens(context, chat_id, cards)
    else:
        await send(context, chat_id, rtl(t, t.gettext("✅ Well done.") + "\n" + nothing_yet(t)))


async def tomorrow_pressed(update: Update, context: BotContext, rule_id: str) -> None:
    """Plan one more reminder tomorrow at the usual time, if the deadline is still ahead then."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    plans = context.services.plans
    if profile is None or (await plans.current(chat_id)) is None:
        await query.answer(errors.stale_button(t))
        return
    local_now = context.services.clock.now().astimezone(plans.zone)
    tomorrow = datetime.combine(
        local_now.date() + timedelta(days=1), plans.reminder_time, tzinfo=plans.zone
    )
    planned = await plans.snooze(chat_id, rule_id, tomorrow)
    await query.answer()
    await close_question(context, query.message, "⏰")
    await send(context, chat_id, views.tomorrow_text(t, planned))


async def why_pressed(update: Update, context: BotContext, rule_id: str) -> None:
    """Show how one of the person's own deadlines was calculated, step by step."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    current = await context.services.plans.current(chat_id) if profile else None
    deadline = current.plan.find(rule_id) if current else None
    if deadline is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await send(context, chat_id, why_text(t, deadline))


async def details_pressed(update: Update, context: BotContext, rule_id: str) -> None:
    """Show everything about one of the person's own steps: where, documents, if missed."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    current = await context.services.plans.current(chat_id) if profile else None
    plan = current.plan if current else None
    deadline = plan.find(rule_id) if plan else None
    standing = plan.find_standing(rule_id) if plan else None
    if plan is None or (deadline is None and standing is None):
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    rule = deadline.rule if deadline else context.book.rule(rule_id)
    await send(context, chat_id, details_screen(t, rule, deadline, plan.now))
