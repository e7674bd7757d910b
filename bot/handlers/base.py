"""What every handler shares: who is talking, in which language, and how to send screens."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest

from bot.context import BotContext
from bot.i18n import SOURCE_LOCALE, Translator, negotiate, translator
from bot.services.profile import Profile
from bot.views.common import Screen


async def who(update: Update, context: BotContext) -> tuple[int, Profile | None, Translator]:
    """Return the chat id, the person's profile (None before consent) and their translator."""
    chat = update.effective_chat
    assert chat is not None
    profile = await context.services.people.profile(chat.id)
    return chat.id, profile, translator_for(update, profile)


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


async def send(context: BotContext, chat_id: int, screen: Screen | str) -> Message:
    """Send one screen (HTML) to a chat."""
    if isinstance(screen, str):
        screen = Screen(screen)
    return await context.bot.send_message(
        chat_id, screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard
    )


async def send_all(
    context: BotContext,
    chat_id: int,
    texts: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Send several messages in order; buttons go on the last one."""
    for index, text in enumerate(texts):
        last = index == len(texts) - 1
        await context.bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup if last else None
        )


async def send_screens(context: BotContext, chat_id: int, screens: Sequence[Screen]) -> None:
    """Send several screens in order, each with its own buttons (a header, then cards)."""
    for screen in screens:
        await send(context, chat_id, screen)


async def close_question(query_message: MaybeInaccessibleMessage | None, note: str) -> None:
    """Remove the buttons of an answered question and show the answer under it."""
    if not isinstance(query_message, Message) or query_message.text_html is None:
        return
    try:
        await query_message.edit_text(
            f"{query_message.text_html}\n\n✔️ {note}", parse_mode=ParseMode.HTML, reply_markup=None
        )
    except BadRequest as error:
        _ignore_not_modified(error)


async def replace_screen(message: MaybeInaccessibleMessage | None, screen: Screen) -> None:
    """Replace a message's text and buttons (e.g. the language picker becomes the notice)."""
    if not isinstance(message, Message):
        return
    if message.text_html == screen.text and message.reply_markup == screen.keyboard:
        return  # a button pressed again: the screen is already there (Telegram would refuse)
    try:
        await message.edit_text(
            screen.text, parse_mode=ParseMode.HTML, reply_markup=screen.keyboard
        )
    except BadRequest as error:
        _ignore_not_modified(error)


def _ignore_not_modified(error: BadRequest) -> None:
    """Ignore "message is not modified" (a double tap); re-raise any other refusal."""
    if "not modified" not in str(error).lower():
        raise error
