"""/mydata, /delete, /stop, /resume, /help, /menu, and "Keep my reminders"."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.base import close_question, send, send_all, send_file, who
from bot.handlers.directory import near_screen
from bot.i18n import is_reviewed
from bot.views import account as views
from bot.views import errors
from bot.views.help import help_messages
from bot.views.menu import main_menu
from bot.views.privacy import privacy_information
from bot.views.retention import kept_after_notice


async def mydata_command(update: Update, context: BotContext) -> None:
    """Show everything stored about the person, readable, and as a JSON file."""
    chat_id, profile, t = await who(update, context)
    data = await context.services.people.export(chat_id) if profile else None
    if data is None:
        await send(context, chat_id, t.gettext("The bot keeps nothing about you."))
        return
    messages = views.mydata_messages(t, data, context.book, context.services.zone)
    await send_all(context, chat_id, messages)
    await send_file(context, chat_id, "my-data.json", views.mydata_file(data))


async def delete_command(update: Update, context: BotContext) -> None:
    """Ask to confirm erasing everything."""
    chat_id, profile, t = await who(update, context)
    staff = await context.services.people.is_staff(chat_id)
    if profile is None and not staff:
        await send(context, chat_id, t.gettext("The bot keeps nothing about you."))
        return
    sole = await context.services.associations.sole_admin_of(chat_id) if staff else []
    await send(context, chat_id, views.delete_confirm(t, staff=staff, sole_admin=sole))


async def delete_answered(update: Update, context: BotContext, value: str) -> None:
    """Erase every row about the person, or keep everything."""
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    if value not in ("y", "n"):
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    if value == "n":
        await close_question(context, query.message, views.kept(t))
        return
    if not await context.services.people.erase(chat_id):
        await close_question(context, query.message, t.gettext("The bot keeps nothing about you."))
        return
    await close_question(context, query.message, views.deleted(t))


async def keep_pressed(update: Update, context: BotContext, _value: str) -> None:
    """The inactivity notice's "Keep my reminders" button: confirm (the press itself already
    cancelled the notice, in bot.handlers.on_any_update)."""
    query = update.callback_query
    assert query is not None
    _, _, t = await who(update, context)
    await query.answer()
    await close_question(context, query.message, kept_after_notice(t))


async def stop_command(update: Update, context: BotContext) -> None:
    """Pause reminders (the dates are kept)."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    await context.services.people.update(chat_id, active=False)
    await send(context, chat_id, views.stopped(t))


async def resume_command(update: Update, context: BotContext) -> None:
    """Restart reminders."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    await context.services.people.update(chat_id, active=True)
    await send(context, chat_id, views.resumed(t))


async def help_command(update: Update, context: BotContext) -> None:
    """Explain the words of the procedure and give the contacts."""
    chat_id, profile, t = await who(update, context)
    await send_all(context, chat_id, help_messages(t), main_menu(t).keyboard)
    near = await near_screen(context, t, profile.department if profile else None)
    if near is not None:  # "Help near you" last, its places' buttons under it
        await send(context, chat_id, near)


async def privacy_command(update: Update, context: BotContext) -> None:
    """Say who runs the bot, why, what is kept, for how long, and the person's rights (GDPR
    art. 13): before consent too, in the language chosen or the phone's."""
    chat_id, _, t = await who(update, context)
    data = context.bot_data
    screen = privacy_information(t, data.controller, data.inactivity_months, is_reviewed(t.locale))
    await send(context, chat_id, screen)


async def menu_command(update: Update, context: BotContext) -> None:
    """Show the menu buttons."""
    chat_id, profile, t = await who(update, context)
    await send(context, chat_id, main_menu(t) if profile else errors.start_first(t))
