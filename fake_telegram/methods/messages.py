"""sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, sendChatAction,
setMessageReaction."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.methods.common import (
    bot_message,
    checked_text,
    find_chat,
    reply_target,
    writable_chat,
)
from fake_telegram.objects import message_json
from fake_telegram.state import ChatMessage

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the "
    "same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


async def send_message(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Post a text message from the bot."""
    state = server.state
    chat = writable_chat(state, p["chat_id"])
    parsed = checked_text(p["text"], p)
    message = state.add_message(
        chat,
        from_bot=True,
        sender_id=state.bot.id,
        text=parsed.text,
        raw_text=p["text"],
        parse_mode=p.get("parse_mode"),
        entities=parsed.entities,
        reply_markup=p.get("reply_markup"),
        reply_to_message_id=reply_target(chat, p.get("reply_parameters")),
    )
    return message_json(state, message)


async def edit_message_text(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Replace the text (and keyboard: omitted means removed) of one of the bot's messages."""
    message = bot_message(server.state, p)
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    parsed = checked_text(p.get("text") or "", p)
    markup = p.get("reply_markup")
    same = (parsed.text, list(parsed.entities)) == (message.text, list(message.entities))
    if same and markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.text, message.raw_text, message.entities = parsed.text, p["text"], parsed.entities
    message.parse_mode = p.get("parse_mode")
    message.reply_markup = markup
    return _edited(server, message)


async def edit_message_reply_markup(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Replace (or remove, when omitted) the inline keyboard of one of the bot's messages."""
    message = bot_message(server.state, p)
    markup = p.get("reply_markup")
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    return _edited(server, message)


def _edited(server: FakeTelegram, message: ChatMessage) -> dict[str, Any]:
    """Mark a message edited, wake the waiters and render it."""
    message.edited = True
    message.edit_count += 1
    message.edit_date = int(time.time())
    server.state.changed.fire()
    return message_json(server.state, message)


async def delete_message(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Delete a message; in groups the bot (not an admin here) may delete only its own."""
    chat = find_chat(server.state, p["chat_id"])
    message = chat.messages.get(p["message_id"])
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    if chat.type != "private" and not message.from_bot:
        raise bad_request("message can't be deleted")
    message.deleted = True
    server.state.changed.fire()
    return True


async def send_chat_action(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Record a chat action ("typing"...), refusing unknown actions."""
    chat = writable_chat(server.state, p["chat_id"])
    if p["action"] not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    server.state.chat_actions.append((chat.id, p["action"]))
    return True


# The emoji a bot may react with (ReactionTypeEmoji in the Bot API documentation).
REACTIONS = frozenset(
    "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 "
    "🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 🆒 💘 "
    "🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡".split()
)


async def set_message_reaction(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Set the bot's reaction on a message (one emoji at most; none removes it)."""
    chat = writable_chat(server.state, p["chat_id"])
    message = chat.messages.get(p["message_id"])
    if message is None or message.deleted:
        raise bad_request("message to react not found")
    reactions = p.get("reaction") or []
    if len(reactions) > 1:
        raise bad_request("REACTIONS_TOO_MANY")
    emoji = [reaction.get("emoji") for reaction in reactions]
    if any(e not in REACTIONS for e in emoji):
        raise bad_request("REACTION_INVALID")
    message.bot_reaction = emoji[0] if emoji else None
    server.state.changed.fire()
    return True


HANDLERS = {
    "setMessageReaction": set_message_reaction,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "deleteMessage": delete_message,
    "sendChatAction": send_chat_action,
}
