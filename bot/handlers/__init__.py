"""Register every handler on the application; one table maps commands to handlers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callback_data as cb
from bot.context import BotApplication, BotContext
from bot.handlers import (
    account,
    ask,
    broadcasts,
    card,
    composer,
    conversation,
    directory,
    follow,
    inbox,
    listen,
    plan_commands,
    recorded_voice,
    reminders,
    staff,
    start,
)
from bot.handlers.base import is_private, send, who
from bot.services.routes import Route
from bot.views import errors
from bot.views.menu import main_menu

log = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
ButtonHandler = Callable[[Update, BotContext, str], Coroutine[Any, Any, None]]

COMMAND_HANDLERS: dict[str, Handler] = {
    "start": start.start_command,
    "language": start.language_command,
    "next": plan_commands.next_command,
    "card": card.card_command,
    "dates": plan_commands.dates_command,
    "add": plan_commands.add_command,
    "prefecture": plan_commands.prefecture_command,
    "mydata": account.mydata_command,
    "privacy": account.privacy_command,
    "delete": account.delete_command,
    "stop": account.stop_command,
    "resume": account.resume_command,
    "help": account.help_command,
    "menu": account.menu_command,
    "associations": follow.associations_command,
    "ask": ask.ask_command,
    "inbox": inbox.inbox_command,
    "staff": staff.staff_command,
    "broadcast": staff.broadcast_command,
    "broadcasts": broadcasts.broadcasts_command,
}

BUTTON_HANDLERS: dict[str, ButtonHandler] = {
    cb.LANGUAGE: start.language_chosen,
    cb.CONSENT: start.consent_given,
    cb.STAGE: conversation.stage_chosen,
    cb.ANSWER: conversation.choice_chosen,
    cb.EDIT: plan_commands.edit_pressed,
    cb.REMOVE: plan_commands.remove_pressed,
    cb.ADD: plan_commands.add_pressed,
    cb.DELETE: account.delete_answered,
    cb.DONE: reminders.done_pressed,
    cb.TOMORROW: reminders.tomorrow_pressed,
    cb.LEAVE: follow.leave_pressed,
    cb.STAFF: staff.staff_pressed,
    cb.STAFF_REMOVE: staff.staff_remove_pressed,
    cb.INVITE_CANCEL: staff.invite_cancel_pressed,
    cb.DRAFT: composer.draft_pressed,
    cb.STOP_BROADCAST: broadcasts.stop_pressed,
    cb.SHARE: follow.share_pressed,
    cb.KEEP: account.keep_pressed,
    cb.WHY: reminders.why_pressed,
    cb.CONFIRM: conversation.confirm_pressed,
    cb.UNKNOWN: conversation.unknown_pressed,
    cb.LISTEN: listen.listen_pressed,
    cb.VOICE: start.voice_chosen,
    cb.DETAILS: reminders.details_pressed,
    cb.DEPARTMENT: conversation.department_pressed,
    cb.ASK: ask.ask_pressed,
    cb.INBOX: inbox.inbox_pressed,
    cb.PLACE: directory.place_pressed,
    cb.NEAR: directory.near_pressed,
}

PRIVATE = filters.ChatType.PRIVATE
NEW_MESSAGE = filters.UpdateType.MESSAGE


def register(application: BotApplication) -> None:
    """Add the handlers in priority order, and the error handler."""
    # Before any handler: the person is active (cancels an inactivity notice).
    application.add_handler(TypeHandler(Update, on_any_update), group=-1)
    for command, handler in COMMAND_HANDLERS.items():
        application.add_handler(CommandHandler(command, handler, filters=PRIVATE & NEW_MESSAGE))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(
        MessageHandler(PRIVATE & NEW_MESSAGE & filters.TEXT & ~filters.COMMAND, on_text)
    )
    application.add_handler(
        MessageHandler(PRIVATE & NEW_MESSAGE & filters.COMMAND, on_unknown_command)
    )
    application.add_handler(MessageHandler(PRIVATE & filters.UpdateType.EDITED_MESSAGE, on_edited))
    application.add_handler(MessageHandler(PRIVATE & NEW_MESSAGE, on_other))
    application.add_handler(MessageHandler(~PRIVATE, on_group))
    application.add_error_handler(on_error)


async def on_button(update: Update, context: BotContext) -> None:
    """Decode a button press and route it; anything invalid gets a polite answer."""
    query = update.callback_query
    assert query is not None
    if not is_private(update):
        await query.answer()
        return
    if query.data and query.data.startswith(f"{cb.CALENDAR_PREFIX}:"):
        await conversation.calendar_pressed(update, context, query.data)
        return
    pressed = cb.decode(query.data)
    if pressed is None:
        _, _, t = await who(update, context)
        await query.answer(errors.stale_button(t))
        return
    if pressed.kind == cb.CANCEL:
        await conversation.cancel_pressed(update, context)
    elif pressed.kind == cb.MENU:
        await on_menu_button(update, context, pressed.value)
    else:
        await BUTTON_HANDLERS[pressed.kind](update, context, pressed.value)


async def on_any_update(update: Update, context: BotContext) -> None:
    """Record that the person of a private chat used the bot (at most one write a day)."""
    if is_private(update) and update.effective_chat is not None:
        await context.services.retention.seen(update.effective_chat.id)


async def on_text(update: Update, context: BotContext) -> None:
    """A typed message: a staff member's answer to a conversation, a directory field or a
    broadcast text if one waits for it, a person's message to an association they write to,
    else an answer to the bot."""
    route = await _route(update, context)
    if await inbox.relay_from_staff(update, context, route.reply_thread):
        return
    if await directory.typed_for_entry(update, context, route.editing):
        return
    if await composer.draft_text(update, context):
        return
    if await ask.relay_from_person(update, context, route.writing_to):
        return
    await conversation.on_text(update, context)


async def _route(update: Update, context: BotContext) -> Route:
    """Read once what the sender pressed that their message may be for."""
    chat = update.effective_chat
    return await context.services.routes.of(chat.id) if chat is not None else Route()


async def on_menu_button(update: Update, context: BotContext, command: str) -> None:
    """Run the command a menu button stands for."""
    query = update.callback_query
    assert query is not None
    handler = COMMAND_HANDLERS.get(command)
    if handler is None:
        _, _, t = await who(update, context)
        await query.answer(errors.stale_button(t))
        return
    await query.answer()
    await handler(update, context)


async def on_unknown_command(update: Update, context: BotContext) -> None:
    """Answer a command the bot does not have, with the menu."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    await send(context, chat_id, errors.unknown_command(t))
    await send(context, chat_id, main_menu(t))


async def on_edited(update: Update, context: BotContext) -> None:
    """Edited messages are not re-read: ask to send the answer again."""
    chat_id, _, t = await who(update, context)
    await send(context, chat_id, t.gettext("I only read new messages: please send it again."))


async def on_other(update: Update, context: BotContext) -> None:
    """Stickers, photos, voice notes, documents: point to the menu (a staff member's voice note
    while composing a broadcast goes with it; a photo, voice note or document for a conversation
    with an association is relayed)."""
    route = await _route(update, context)
    if await inbox.relay_from_staff(update, context, route.reply_thread):
        return
    if await directory.typed_for_entry(update, context, route.editing):  # a location
        return
    if await recorded_voice.draft_voice(update, context):
        return
    if await ask.relay_from_person(update, context, route.writing_to):
        return
    chat_id, _, t = await who(update, context)
    await send(context, chat_id, errors.not_understood(t))


async def on_group(update: Update, context: BotContext) -> None:
    """The bot is for private chats only: say so and leave groups."""
    chat = update.effective_chat
    if chat is None or chat.type == chat.CHANNEL:
        return
    _, _, t = await who(update, context)
    await send(context, chat.id, errors.private_only(t))
    await context.bot.leave_chat(chat.id)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error without personal data, and tell the person something went wrong.

    A fault of Telegram itself (flood control outlasting the reply's patience, a timeout, the
    network, a person who blocked the bot) gets no apology: it would meet the same fault, and
    after a timeout the answer may well have arrived. What the person sent was saved before
    the answer was written, so nothing they told is lost; their next message is answered.
    """
    error = context.error
    if is_telegram_fault(error):
        log.warning("answer not delivered: %s", type(error).__name__)
        return
    log.error(
        "handler failed: %s",
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error else None,
    )
    if isinstance(update, Update) and update.effective_chat and is_private(update):
        try:
            _, _, t = await who(update, context)
            await send(context, update.effective_chat.id, errors.sorry(t))
        except Exception:  # noqa: BLE001 - the error handler must never raise
            log.warning("could not tell the person about the error")


def is_telegram_fault(error: BaseException | None) -> bool:
    """Tell whether an error is Telegram's or the network's, not the bot's. A BadRequest is a
    NetworkError in PTB's hierarchy but a mistake in what the bot sent: it is the bot's."""
    if isinstance(error, BadRequest):
        return False
    return isinstance(error, RetryAfter | TimedOut | NetworkError | Forbidden)
