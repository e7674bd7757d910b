"""/start, the language picker, consent, and /language."""

from __future__ import annotations

from telegram import BotCommand, BotCommandScopeChat, Update

from bot.context import BotContext
from bot.handlers.base import replace_screen, send, speaks, who
from bot.handlers.conversation import ask, question_for
from bot.handlers.follow import deep_link, follow_after_consent
from bot.i18n import is_reviewed, is_supported, negotiate, supported_languages, translator
from bot.services.associations import FOLLOW_PREFIX
from bot.views import account as account_views
from bot.views import errors
from bot.views import listen as listen_views
from bot.views import onboarding as views
from bot.views.common import Screen, preceded
from bot.views.menu import command_list, main_menu


async def start_command(update: Update, context: BotContext) -> None:
    """Begin: the language picker for newcomers, the menu for people already here."""
    chat_id, profile, t = await who(update, context)
    payload = context.args[0] if context.args else ""
    if payload and await deep_link(update, context, payload):
        return
    if profile is None:
        user = update.effective_user
        first = negotiate(user.language_code if user else None)
        follow = _follow_token(payload)
        picker = views.language_picker(t, supported_languages(), first, follow)
        await send(context, chat_id, picker)
        return
    if not profile.active:
        await context.services.people.update(chat_id, active=True)
        await send(context, chat_id, account_views.resumed(t))
    state = await context.services.conversations.get(chat_id)
    if state is not None:
        await ask(context, chat_id, t, state)
        return
    await send(context, chat_id, main_menu(t))


async def language_command(update: Update, context: BotContext) -> None:
    """Show the language picker again; the choice applies at once and to the next reminders."""
    chat_id, profile, t = await who(update, context)
    user = update.effective_user
    first = profile.language if profile else negotiate(user.language_code if user else None)
    # Where a voice speaks the person's language: the choice to hear reminders too.
    voice = (
        listen_views.voice_choice_row(t, profile.voice_reminders) if profile and t.speaks else None
    )
    picker = views.language_picker(t, supported_languages(), first, extra=voice)
    await send(context, chat_id, picker)


async def voice_chosen(update: Update, context: BotContext, value: str) -> None:
    """Turn voice reminders on or off (only offered where a voice speaks the language)."""
    query = update.callback_query
    assert query is not None
    chat_id, profile, t = await who(update, context)
    if profile is None or value not in ("on", "off") or (value == "on" and not t.speaks):
        await query.answer(errors.stale_button(t) if t.speaks else listen_views.not_spoken(t))
        return
    await query.answer()
    saved = await context.services.people.update(chat_id, voice_reminders=value == "on")
    await replace_screen(
        context, query.message, listen_views.voice_choice_saved(t, saved.voice_reminders)
    )


async def language_chosen(update: Update, context: BotContext, value: str) -> None:
    """Before consent: show the privacy notice in that language. After: switch language."""
    query = update.callback_query
    assert query is not None
    code, _, follow = value.partition(".")
    if not is_supported(code):
        chat_id, _, t = await who(update, context)
        await query.answer(t.gettext("This button is no longer valid."))
        return
    chat_id, profile, _ = await who(update, context)
    t = translator(code)
    await query.answer()
    if profile is None:
        notice = views.privacy_notice(t, code, is_reviewed(code), _follow_token(follow))
        await replace_screen(context, query.message, notice)
        return
    await context.services.people.update(chat_id, language=code)
    await context.services.plans.replan(chat_id)
    await set_chat_commands(context, chat_id, code)
    changed = account_views.language_changed(t, is_reviewed(code))
    if context.bot_data.speaker is not None and not speaks(context, code):
        changed += "\n" + listen_views.no_voice_for_language(t)  # said honestly, once
    state = await context.services.conversations.get(chat_id)
    question = question_for(context, t, state) if state is not None else None
    # The question the person was at comes back in the new language, in the same message.
    screen = preceded(question, changed) if question is not None else Screen(changed)
    await replace_screen(context, query.message, screen)


async def consent_given(update: Update, context: BotContext, value: str) -> None:
    """Record consent (the first write about the person) and ask where they are."""
    query = update.callback_query
    assert query is not None
    code, _, follow = value.partition(".")
    chat_id, profile, _ = await who(update, context)
    t = translator(code if is_supported(code) else "en")
    await query.answer()
    if profile is not None:
        await replace_screen(context, query.message, main_menu(translator(profile.language)))
        return
    await context.services.people.consent(chat_id, t.locale)
    await set_chat_commands(context, chat_id, t.locale)
    thanks = t.gettext("Thank you. Let's start.")
    if not _follow_token(follow):
        await context.conversation.begin(chat_id)
        await replace_screen(context, query.message, preceded(views.stage_picker(t), thanks))
        return
    # Following an association is confirmed between the thanks and the first question.
    await replace_screen(context, query.message, Screen(thanks))
    await follow_after_consent(context, chat_id, update, follow)
    await context.conversation.begin(chat_id)
    await send(context, chat_id, views.stage_picker(t))


async def set_chat_commands(context: BotContext, chat_id: int, code: str) -> None:
    """Give this chat the command list in the person's language (the "Menu" button lists it)."""
    t = translator(code)
    commands = [BotCommand(command, description) for command, description in command_list(t)]
    await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))


def _follow_token(text: str) -> str | None:
    """Return the association token of a follow deep link or of a button value, if any."""
    token = text.removeprefix(FOLLOW_PREFIX)
    valid = 8 <= len(token) <= 24 and all(c.isalnum() or c in "-_" for c in token)
    return token if valid else None
