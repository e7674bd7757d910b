"""A staff member's own voice, recorded with a broadcast: kept with the version being written."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update

from bot.context import BotContext
from bot.handlers.base import send, who
from bot.handlers.composer import show_preview
from bot.services.associations import Refused
from bot.views import composer as views
from bot.views.staff import not_allowed

MAX_VOICE_SECONDS = 300


async def draft_voice(update: Update, context: BotContext) -> bool:
    """Take a voice note a staff member sends while composing; True if it was for a draft.

    The note stays on Telegram's servers (its file_id is kept): it is sent after the text of the
    version being written, or of the main text. Audio files, videos and documents are refused
    with a word on what to send instead.
    """
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return False
    draft = await context.services.broadcasts.current_draft(user.id)
    if draft is None or draft.waiting_for == "schedule":
        return False
    chat_id, _, t = await who(update, context)
    voice = message.voice
    if voice is None:
        if message.audio or message.document or message.video or message.video_note:
            await send(context, chat_id, views.send_a_voice_note(t))
            return True
        return False
    length = voice.duration
    seconds = length.total_seconds() if isinstance(length, timedelta) else length
    if seconds > MAX_VOICE_SECONDS:
        await send(context, chat_id, views.voice_too_long(t))
        return True
    try:
        await context.services.broadcasts.attach_voice(user.id, voice.file_id)
    except Refused:
        await context.services.broadcasts.discard(user.id)
        await send(context, chat_id, not_allowed(t))
        return True
    await show_preview(context, chat_id, user.id, update)
    return True
