"""What every handler shares: who is talking, in which language, and how to send screens."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from telegram import MaybeInaccessibleMessage, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot import callback_data as cb
from bot.context import BotContext, BotData
from bot.domain.deadline import Plan
from bot.i18n import SOURCE_LOCALE, Translator, negotiate, translator
from bot.services.profile import Profile
from bot.views import errors
from bot.views.common import Keyboard, Screen, preceded

_TAG = re.compile(r"<[^>]*>")


async def who(update: Update, context: BotContext) -> tuple[int, Profile | None, Translator]:
    """Return the chat id, the person's profile (None before consent) and their translator."""
    chat = update.effective_chat
    assert chat is not None
    profile = await context.services.people.profile(chat.id)
    t = translator_for(update, profile)
    return chat.id, profile, replace(t, speaks=speaks(context, t.locale))


def speaks(context: BotContext, locale: str) -> bool:
    """Tell whether a voice reads this language aloud here (cards get a "Listen" button)."""
    speaker = context.bot_data.speaker
    return speaker is not None and speaker.speaks(locale)


def translator_for(update: Update, profile: Profile | None) -> Translator:
    """Stored choice, else the Telegram app's language if we speak it, else English."""
    if profile is not None:
        return translator(profile.language)
    user = update.effective_user
    return translator(negotiate(user.language_code if user else None) or SOURCE_LOCALE)


def is_private(update: Update) -> bool:
    """Tell whether the update comes from a private chat (the only place the bot works)."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def plan_of(update: Update, context: BotContext) -> tuple[int, Translator, Plan] | None:
    """Return the chat, the person's translator and their current plan; or tell them what is
    missing first (consent, then a department) and return None."""
    chat_id, profile, t = await who(update, context)
    if profile is None:
        await send(context, chat_id, errors.start_first(t))
        return None
    current = await context.services.plans.current(chat_id)
    if current is None:
        await send(context, chat_id, errors.department_needed(t))
        return None
    return chat_id, t, current.plan


async def send(context: BotContext, chat_id: int, screen: Screen | str) -> Message:
    """Send one screen (HTML) to a chat, as an answer the person is waiting for."""
    return await context.sender.send(chat_id, screen)


async def send_all(
    context: BotContext, chat_id: int, texts: Sequence[str], markup: Keyboard | None = None
) -> None:
    """Send several messages in order; buttons go on the last one."""
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        await context.sender.send(chat_id, Screen(text, markup if last else None))


async def send_screens(context: BotContext, chat_id: int, screens: Sequence[Screen]) -> None:
    """Send several screens in order, each with its own buttons (a header, then cards)."""
    for screen in screens:
        await send(context, chat_id, screen)


async def send_file(
    context: BotContext, chat_id: int, filename: str, content: bytes, caption: str | None = None
) -> None:
    """Send a file (the JSON export, a calendar, a QR code) as a document."""
    await context.sender.send_file(chat_id, filename, content, caption)


async def close_question(
    context: BotContext, query_message: MaybeInaccessibleMessage | None, note: str
) -> None:
    """Remove the buttons of an answered question and show the answer under it."""
    if not isinstance(query_message, Message) or query_message.text_html is None:
        return
    answered = f"\n\n✔️ {note}" if note else ""  # no note: only the buttons are taken off
    screen = Screen(f"{query_message.text_html}{answered}")
    await context.sender.edit(query_message.chat_id, query_message.message_id, screen)


@dataclass(frozen=True)
class Answered:
    """A question the person answered by pressing one of its buttons, and what they chose
    (shown on top of what comes next; "" shows nothing: "Change" asks the question again)."""

    message: MaybeInaccessibleMessage | None
    note: str


async def show(
    context: BotContext,
    chat_id: int,
    screens: Sequence[Screen | str],
    answered: Answered | None = None,
) -> None:
    """Send screens in order; an answered question becomes the first of them.

    Turning the pressed question into what comes next ("✔️ the answer", then the next question)
    costs one edit where closing the question and sending the next one cost two, and every call
    spends the 30 messages per second that every person, reminder and broadcast shares. When the
    question cannot be edited (too old, deleted), the next screen is sent instead.
    """
    rest = list(screens)
    if answered is not None:
        if not rest:
            await close_question(context, answered.message, answered.note)
            return
        if await _became(context, answered, rest[0]):
            rest.pop(0)
    for screen in rest:
        await send(context, chat_id, screen)


async def _became(context: BotContext, answered: Answered, screen: Screen | str) -> bool:
    message = answered.message
    if not isinstance(message, Message):
        return False
    shown = preceded(screen, f"✔️ {answered.note}" if answered.note else "")
    try:
        await context.sender.edit(message.chat_id, message.message_id, shown)
    except BadRequest:
        return False  # the message can no longer be edited: the screen is sent instead
    return True


async def replace_screen(
    context: BotContext, message: MaybeInaccessibleMessage | None, screen: Screen
) -> None:
    """Replace a message's text and buttons (e.g. the language picker becomes the notice).

    A button pressed again makes no call when the message already shows the screen (as the
    press saw it, or as this instance last edited it: a double tap): Telegram would refuse it.
    """
    if not isinstance(message, Message) or already_shown(message, screen):
        return
    await context.sender.edit(message.chat_id, message.message_id, screen)


def already_shown(message: Message, screen: Screen) -> bool:
    """Tell whether a message already shows this screen: the same buttons and the same text as
    the person reads it (Telegram returns the text without tags; PTB's text_html may spell the
    HTML differently from the view, e.g. quotes, so the plain texts are compared)."""
    shown = message.reply_markup.to_dict() if message.reply_markup else None
    wanted = screen.keyboard.as_json() if screen.keyboard else None
    return shown == wanted and (message.text or "") == _plain(screen.text)


def _plain(text: str) -> str:
    """Return an HTML text as Telegram shows it: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


async def tell_to_slow_down(data: BotData, update: Update) -> None:
    """Ask a person who floods the bot to slow down, in their language (their extra updates
    are dropped by the update processor, bot/update_processor.py)."""
    chat = update.effective_chat
    if chat is None or data.sender is None or data.services is None:
        return
    profile = await data.services.people.profile(chat.id)
    await data.sender.send(chat.id, errors.slow_down(translator_for(update, profile)))


def replied_button(message: Message, kind: str) -> str | None:
    """Return the value of a button of `kind` on the bot's message that `message` replies to
    (Telegram's "reply"): its buttons name what it is about. None when it replies to nothing,
    to someone else's message, or to a message without such a button."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or not replied.from_user.is_bot:
        return None
    markup = replied.reply_markup
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            data = button.callback_data if isinstance(button.callback_data, str) else None
            pressed = cb.decode(data)
            if pressed is not None and pressed.kind == kind:
                return pressed.value
    return None
