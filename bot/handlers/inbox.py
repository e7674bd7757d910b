"""Association staff answer the people who write to them: /inbox, a conversation's buttons, and
their answers. The staff member's role is checked by the service at every press and message."""

from __future__ import annotations

from telegram import Message, Update

from bot import callback_data as cb
from bot.callback_data import InboxAction
from bot.context import BotApplication, BotContext
from bot.handlers.ask import SENT_REACTION, message_kind
from bot.handlers.base import replace_screen, replied_button, send, who
from bot.i18n import Translator
from bot.scheduling.jobs import wake_relays
from bot.sending import Lane
from bot.services.inbox import Acted, ThreadView
from bot.views import errors
from bot.views import inbox as views
from bot.views.common import MAX_MESSAGE, Copy, Screen

# Room left for the bot's line naming the association above a staff member's answer.
MAX_ANSWER = MAX_MESSAGE - 200
MAX_CAPTION = 1024 - 120


async def inbox_command(update: Update, context: BotContext) -> None:
    """/inbox: the open conversations of each association the user is staff of."""
    chat_id, _, t = await who(update, context)
    sections = await context.services.inbox.sections(chat_id)
    now = context.services.clock.now()
    await send(context, chat_id, views.inbox(t, sections, chat_id, now))


async def inbox_pressed(update: Update, context: BotContext, value: str) -> None:
    """A button on a conversation: view, take, reply, show, close, block, unblock."""
    query = update.callback_query
    assert query is not None
    user_id, _, t = await who(update, context)
    pressed = cb.split_action(InboxAction, value)
    thread_id = cb.number(pressed[1]) if pressed else None
    if pressed is None or thread_id is None:
        await query.answer(errors.stale_button(t))
        return
    action, inbox = pressed[0], context.services.inbox
    now = context.services.clock.now()
    if action is InboxAction.VIEW:
        view = await inbox.view(user_id, thread_id)
        if view is None:
            await query.answer(errors.stale_button(t))
            return
        await query.answer()
        await send(context, user_id, views.card(t, view, user_id, now))
        return
    if action is InboxAction.SHOW:
        await _show_messages(update, context, t, thread_id)
        return
    if action is InboxAction.CANCEL_REPLY:
        await inbox.cancel_reply(user_id)
        await query.answer()
        await replace_screen(context, query.message, Screen(views.note(t, "cancelled", thread_id)))
        return
    acting = {
        InboxAction.TAKE: inbox.take,
        InboxAction.REPLY: inbox.start_reply,
        InboxAction.CLOSE: inbox.close,
        InboxAction.BLOCK: inbox.view_to_block,
        InboxAction.BLOCK_CONFIRMED: inbox.block,
        InboxAction.UNBLOCK: inbox.unblock,
    }[action]
    acted, view = await acting(user_id, thread_id)
    if view is None or acted is Acted.REFUSED:
        note = views.note(t, "closed", thread_id) if acted is Acted.CLOSED else None
        await query.answer(note or errors.stale_button(t), show_alert=note is not None)
        return
    await _after(update, context, t, action, acted, view)


async def _after(
    update: Update,
    context: BotContext,
    t: Translator,
    action: InboxAction,
    acted: Acted,
    view: ThreadView,
) -> None:
    """Answer the press of an action done: a pop-up, and the card refreshed where it was."""
    query = update.callback_query
    assert query is not None
    user_id, now = view_user(update), context.services.clock.now()
    if action is InboxAction.REPLY:
        await query.answer()
        await send(context, user_id, views.reply_prompt(t, view))
        return
    if action is InboxAction.BLOCK:
        await query.answer()
        await replace_or_send(context, query.message, views.block_question(t, view), user_id)
        return
    notes = {
        InboxAction.TAKE: "taken_over" if acted is Acted.TAKEN else "taken",
        InboxAction.CLOSE: "closed_now",
        InboxAction.BLOCK_CONFIRMED: "blocked",
        InboxAction.UNBLOCK: "unblocked",
    }
    if action is InboxAction.CLOSE:
        wake_relays(_application(context))  # the person is told
    await query.answer(views.note(t, notes[action], view.id))
    if _is_card(query.message) or action in (InboxAction.BLOCK_CONFIRMED, InboxAction.UNBLOCK):
        await replace_or_send(context, query.message, views.card(t, view, user_id, now), user_id)


async def _show_messages(
    update: Update, context: BotContext, t: Translator, thread_id: int
) -> None:
    """Copy the person's latest messages of a conversation again to the staff member."""
    query = update.callback_query
    assert query is not None
    user_id = view_user(update)
    messages = await context.services.inbox.person_messages(user_id, thread_id)
    view = await context.services.inbox.view(user_id, thread_id)
    if view is None:
        await query.answer(errors.stale_button(t))
        return
    if not messages:
        await query.answer(views.note(t, "nothing", thread_id))
        return
    await query.answer()
    buttons = views.relay_buttons(t, thread_id, handled_by_recipient=view.handler_id == user_id)
    for index, row in enumerate(messages):
        keyboard = buttons if index == len(messages) - 1 else None
        # A message the person deleted from their chat is no longer there to copy: skipped.
        await context.sender.deliver(
            user_id, Copy(row.source_chat_id, row.source_message_id, keyboard), Lane.REPLY
        )


async def relay_from_staff(update: Update, context: BotContext, pressed: int | None) -> bool:
    """Send a staff member's message to the person of a conversation; True if it was for one.

    It is for a conversation when it replies to one of its messages (a copy, a header), or when
    the staff member pressed "Reply" in the last minutes (`pressed`, bot.services.routes).
    """
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return False
    inbox = context.services.inbox
    thread_id = _replied_thread(message) or pressed
    if thread_id is None:
        return False
    chat_id, _, t = await who(update, context)
    kind = message_kind(message)
    if kind is None:
        await send(context, chat_id, views.not_relayable(t))
        return True
    body, file_id = _content(message, kind)
    limit = MAX_ANSWER if kind == "text" else MAX_CAPTION
    if len(message.text or message.caption or "") > limit:
        await send(context, chat_id, views.too_long(t, limit))
        return True
    acted, view = await inbox.reply(
        user.id,
        thread_id,
        chat_id=chat_id,
        message_id=message.message_id,
        kind=kind,
        body=body,
        file_id=file_id,
    )
    if view is None:
        note = views.note(t, "closed", thread_id) if acted is Acted.CLOSED else None
        await send(context, chat_id, note or errors.stale_button(t))
        return True
    wake_relays(_application(context))
    # A 👌 on the staff member's message, not a new message: their chat's allowance (a short
    # burst, then one message a second) is kept for the people's messages coming in.
    await context.sender.react(chat_id, message.message_id, SENT_REACTION)
    return True


def _content(message: Message, kind: str) -> tuple[str | None, str | None]:
    """Return (HTML text or caption, file_id) of a staff member's message."""
    if kind == "text":
        return message.text_html, None
    caption = message.caption_html if message.caption else None
    if kind == "voice" and message.voice:
        return caption, message.voice.file_id
    if kind == "photo" and message.photo:
        return caption, message.photo[-1].file_id
    assert message.document is not None
    return caption, message.document.file_id


def _replied_thread(message: Message) -> int | None:
    """Return the conversation of the bot's message this one replies to (its buttons name it)."""
    value = replied_button(message, cb.INBOX)
    action = cb.split_action(InboxAction, value) if value else None
    return cb.number(action[1]) if action else None


def _is_card(message: object) -> bool:
    """Tell whether the pressed message is a conversation's card (it has "Show their messages")."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        isinstance(b.callback_data, str) and b.callback_data.startswith(f"{cb.INBOX}:m.")
        for row in message.reply_markup.inline_keyboard
        for b in row
    )


async def replace_or_send(
    context: BotContext, message: object, screen: Screen, chat_id: int
) -> None:
    """Replace the pressed message's screen if it is a text, else send the screen."""
    if isinstance(message, Message) and message.text is not None:
        await replace_screen(context, message, screen)
    else:
        await send(context, chat_id, screen)


def view_user(update: Update) -> int:
    """Return the presser's (or writer's) user id."""
    user = update.effective_user
    assert user is not None
    return user.id


def _application(context: BotContext) -> BotApplication:
    return context.application  # type: ignore[return-value]
