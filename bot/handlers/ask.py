"""A person writes to an association they follow: /ask, the agreement, and their messages.

Only the chat that presses or writes acts, on its own follows. A person's message is not read
by the bot: it is queued by its message id and copied to the association's staff
(bot/scheduling/relaying.py), then acknowledged in the person's language.
"""

from __future__ import annotations

from telegram import Message, Update

from bot import callback_data as cb
from bot.callback_data import AskStep
from bot.context import BotApplication, BotContext
from bot.handlers.base import replace_screen, replied_button, send, who
from bot.handlers.directory import near_screen
from bot.i18n import Translator
from bot.scheduling.jobs import wake_relays
from bot.services.asking import AskTarget, Relayed
from bot.views import ask as views
from bot.views import errors
from bot.views.common import Screen

# The reaction put on a person's message once it is queued for the association (the first of a
# turn gets a message saying when to expect an answer).
SENT_REACTION = "👌"


async def ask_command(update: Update, context: BotContext) -> None:
    """/ask: write to the association followed, or choose one of several."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return
    targets = await context.services.asking.targets(chat_id)
    if not targets:
        await send(context, chat_id, views.nobody_to_ask(t))
        near = await near_screen(context, t, profile.department)
        if near is not None:  # the associations of the directory near them
            await send(context, chat_id, near)
    elif len(targets) == 1:
        await send(context, chat_id, await _write_screen(context, chat_id, t, targets[0]))
    else:
        await send(context, chat_id, views.choose(t, targets))


async def ask_pressed(update: Update, context: BotContext, value: str) -> None:
    """A button of writing to an association: choose, write, agree, or stop writing."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    pressed = cb.split_action(AskStep, value)
    association_id = cb.number(pressed[1]) if pressed else None
    if pressed is None or association_id is None or profile is None:
        await query.answer(errors.stale_button(t))
        return
    step = pressed[0]
    asking = context.services.asking
    if step is AskStep.STOP:
        # The screen pressed stays readable ("Sent to ..." says what left): only its button goes.
        await asking.stop_writing(chat_id)
        await query.answer()
        if isinstance(query.message, Message):
            await context.sender.remove_buttons(chat_id, query.message.message_id)
        await send(context, chat_id, views.stopped(t))
        return
    if step is AskStep.PICK:
        await query.answer()
        await ask_command(update, context)
        return
    target = await asking.target(chat_id, association_id)
    if target is None:
        await query.answer(views.not_followed(t)[:200])
        return
    await query.answer()
    if step is AskStep.WRITE:  # under a card or an answer: the screen it is on stays
        await send(context, chat_id, await _write_screen(context, chat_id, t, target))
        return
    await asking.agree(chat_id, target.id, shares=step is AskStep.AGREE_SHARING)
    screen = await _write_screen(context, chat_id, t, target, agreed=True)
    await replace_screen(context, query.message, screen)


async def _write_screen(
    context: BotContext, chat_id: int, t: Translator, target: AskTarget, *, agreed: bool = False
) -> Screen:
    """Return the agreement (first time) or the invitation to write (then writing starts)."""
    if not (target.consented or agreed):
        return views.agreement(t, target)
    started = await context.services.asking.start_writing(chat_id, target.id)
    local_now = context.services.clock.now().astimezone(context.services.zone)
    return views.write_now(t, started or target, local_now)


async def relay_from_person(update: Update, context: BotContext, writing_to: int | None) -> bool:
    """Relay a person's message to an association; True if it was for one.

    It is for an association when it replies to one of its answers, or when the person is
    writing to it (`writing_to`: "Ask" pressed, bot.services.routes).
    """
    message = update.effective_message
    if message is None:
        return False
    association_id = _replied_association(message) or writing_to
    if association_id is None:
        return False
    chat_id, _, t = await who(update, context)
    asking = context.services.asking
    kind = message_kind(message)
    if kind is None:
        target = await asking.target(chat_id, association_id)
        refusal = views.not_relayed(t, target.name) if target else views.not_followed(t)
        await send(context, chat_id, refusal)
        return True
    result = await asking.relay(chat_id, association_id, message.message_id, kind)
    target = result.target
    if target is None:  # no longer followed (left, or a reply to an old answer)
        await send(context, chat_id, views.not_followed(t))
    elif result.outcome is Relayed.QUEUED:
        wake_relays(_application(context))
        if not result.first_of_turn:  # told already: a 👌 on the message, no new message
            await context.sender.react(chat_id, message.message_id, SENT_REACTION)
            return True
        local_now = context.services.clock.now().astimezone(context.services.zone)
        await send(context, chat_id, views.sent(t, target, local_now))
    elif result.outcome is Relayed.BLOCKED:
        await send(context, chat_id, views.blocked(t, target.name))
    elif result.outcome is Relayed.TOO_MANY:
        await send(context, chat_id, views.too_many(t, target.name))
    else:  # NO_CONSENT: the agreement first
        await send(context, chat_id, views.agreement(t, target))
    return True


def message_kind(message: Message) -> str | None:
    """Return what kind of message can be relayed (text, voice, photo, document), else None."""
    if message.text:
        return "text"
    if message.voice:
        return "voice"
    if message.photo:
        return "photo"
    if message.document:
        return "document"
    return None


def _replied_association(message: Message) -> int | None:
    """Return the association whose answer (one of the bot's messages) this message replies to."""
    value = replied_button(message, cb.ASK)
    action = cb.split_action(AskStep, value) if value else None
    return cb.number(action[1]) if action and action[0] is AskStep.WRITE else None


def _application(context: BotContext) -> BotApplication:
    return context.application  # type: ignore[return-value]
