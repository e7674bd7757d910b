"""Broadcasts outside the composer: /broadcasts (the history), stopping one, and what the
composer shares (local time, quiet hours, who a draft speaks for)."""

from __future__ import annotations

from datetime import datetime

from telegram import Update

from bot import callback_data as cb
from bot.context import BotContext
from bot.handlers.base import replace_screen, send, who
from bot.i18n import Translator
from bot.services.associations import Refused
from bot.services.drafts import Draft
from bot.views import broadcasts as views
from bot.views import errors
from bot.views.common import Screen
from bot.views.staff import no_broadcast_rights, not_allowed


async def broadcasts_command(update: Update, context: BotContext) -> None:
    """Show the latest and scheduled messages of each association of the staff member."""
    chat_id, _, t = await who(update, context)
    user = update.effective_user
    assert user is not None
    service = context.services.associations
    targets: list[tuple[int | None, str]] = [
        (m.association_id, m.name) for m in await service.memberships(user.id)
    ]
    if service.is_operator(user.id):
        targets.append((None, views.everyone(t)))
    if not targets:
        await send(context, chat_id, no_broadcast_rights(t))
        return
    for association_id, name in targets:
        await send_history(context, chat_id, t, association_id, name, user.id)


async def send_history(
    context: BotContext,
    chat_id: int,
    t: Translator,
    association_id: int | None,
    name: str,
    user_id: int,
) -> None:
    """Send the latest messages of an association (None: the operators'); Refused if not staff."""
    pairs = await context.services.broadcasts.history(association_id, user_id)
    await send(context, chat_id, views.history(t, name, pairs, local_now(context)))


async def stop_pressed(update: Update, context: BotContext, value: str) -> None:
    """Stop a broadcast being sent, or cancel a scheduled one (staff of its association)."""
    query = update.callback_query
    assert query is not None
    _, _, t = await who(update, context)
    broadcast_id = cb.number(value)
    try:
        report = (
            await context.services.broadcasts.cancel(broadcast_id, query.from_user.id)
            if broadcast_id
            else None
        )
    except Refused:
        await query.answer(not_allowed(t), show_alert=True)
        return
    draft = await context.services.broadcasts.draft_by_id(broadcast_id) if broadcast_id else None
    if report is None or draft is None:
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    if report.total == 0 and report.status == "cancelled":  # cancelled before it went out
        await replace_screen(context, query.message, Screen(views.draft_discarded(t)))
        return
    await replace_screen(context, query.message, views.broadcast_progress(t, draft, report))


async def draft_name(context: BotContext, t: Translator, draft: Draft) -> str:
    """Return who a draft speaks for: its association, or everyone (the operator's)."""
    if draft.association_id is None:
        return views.everyone(t)
    return await context.services.associations.name(draft.association_id) or ""


def local_now(context: BotContext) -> datetime:
    """Return now in the bot's time zone (schedules are typed and shown in local time)."""
    return context.services.clock.now().astimezone(context.services.zone)


def quiet_until(context: BotContext) -> datetime | None:
    """Return when broadcasts may go out again, if now is within the quiet hours."""
    quiet = context.dispatcher.settings.quiet
    return None if quiet is None else quiet.resume_at(local_now(context))
