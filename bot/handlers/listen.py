"""🔊 Listen: the message under which the button was pressed, read aloud as a voice note."""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import BadRequest

from bot.context import BotContext
from bot.handlers.base import who
from bot.speech.engines import EngineError
from bot.speech.speaker import Busy
from bot.views import errors
from bot.views import listen as views


async def listen_pressed(update: Update, context: BotContext, _value: str = "") -> None:
    """Read the pressed message aloud, in the person's language, under that message.

    The text read is the message as the person sees it, so the note always says what the card
    says. Busy or failing engines get a short pop-up; the card stays as it is.
    """
    query = update.callback_query
    assert query is not None
    chat_id, _, t = await who(update, context)
    speaker = context.bot_data.speaker
    message = query.message
    if speaker is None or not speaker.speaks(t.locale):
        await query.answer(views.not_spoken(t))
        return
    if not isinstance(message, Message) or not message.text:
        await query.answer(errors.stale_button(t))
        return
    try:
        note = await speaker.note(message.text, t.locale)
    except Busy:
        await query.answer(views.busy(t))
        return
    except EngineError:  # logged by the speaker, without the text
        await query.answer(views.failed(t))
        return
    await query.answer()
    try:
        note.file_id = await context.sender.send_voice(
            chat_id, note.data, note.file_id, reply_to=message.message_id
        )
    except BadRequest:
        if note.file_id is None:
            raise
        # Telegram no longer knows the file (e.g. another bot token): upload it again.
        note.file_id = await context.sender.send_voice(
            chat_id, note.data, None, reply_to=message.message_id
        )
