"""Render the server's records as Bot API JSON objects (User, Chat, Message, ...)."""

from __future__ import annotations

import time
from typing import Any

from fake_telegram.state import Chat, ChatMessage, Person, State


def user_json(person: Person, *, is_bot: bool = False) -> dict[str, Any]:
    """Render a User."""
    user: dict[str, Any] = {"id": person.id, "is_bot": is_bot, "first_name": person.first_name}
    for key in ("last_name", "username", "language_code"):
        if getattr(person, key):
            user[key] = getattr(person, key)
    return user


def bot_json(state: State) -> dict[str, Any]:
    """Render the bot's own User, with the fields only getMe returns."""
    return {
        **user_json(state.bot, is_bot=True),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(chat: Chat) -> dict[str, Any]:
    """Render a Chat."""
    rendered: dict[str, Any] = {"id": chat.id, "type": chat.type}
    for key in ("title", "username", "first_name", "last_name"):
        if getattr(chat, key):
            rendered[key] = getattr(chat, key)
    return rendered


def chat_full_info_json(chat: Chat) -> dict[str, Any]:
    """Render a ChatFullInfo (getChat), with its required fields."""
    return {
        **chat_json(chat),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def message_json(state: State, message: ChatMessage, *, nested: bool = False) -> dict[str, Any]:
    """Render a Message as Telegram returns it (only inline keyboards are echoed back); the
    message it replies to is rendered without its own (Telegram never nests them), and left out
    once deleted."""
    chat = state.chats[message.chat_id]
    rendered: dict[str, Any] = {"message_id": message.message_id}
    if message.from_bot:
        rendered["from"] = user_json(state.bot, is_bot=True)
    elif chat.type == "channel":
        rendered["sender_chat"] = chat_json(chat)
    else:
        rendered["from"] = user_json(state.people[message.sender_id])
    rendered.update(chat=chat_json(chat), date=message.date)
    if message.edit_date is not None:
        rendered["edit_date"] = message.edit_date
    replied = chat.messages.get(message.reply_to_message_id or 0)
    if not nested and replied is not None and not replied.deleted:
        rendered["reply_to_message"] = message_json(state, replied, nested=True)
    _content(rendered, message)
    return rendered


def _content(rendered: dict[str, Any], message: ChatMessage) -> None:
    """Add text, caption, document, media and keyboard to a rendered message."""
    if message.text is not None:
        rendered["text"] = message.text
        if message.entities:
            rendered["entities"] = list(message.entities)
    if message.document is not None:
        document = message.document
        rendered["document"] = {
            "file_id": document.file_id,
            "file_unique_id": document.file_unique_id,
            **({"file_name": document.filename} if document.filename else {}),
            **({"mime_type": document.mime_type} if document.mime_type else {}),
            **({"file_size": len(document.data)} if document.data is not None else {}),
        }
    rendered.update(message.media)
    if message.caption is not None:
        rendered["caption"] = message.caption
        if message.caption_entities:
            rendered["caption_entities"] = list(message.caption_entities)
    markup = message.reply_markup
    if markup and "inline_keyboard" in markup:
        rendered["reply_markup"] = markup


def member_update_json(
    state: State, chat: Chat, actor: dict[str, Any], old: str, new: str
) -> dict[str, Any]:
    """Render a ChatMemberUpdated about the bot (my_chat_member): blocked, unblocked, left."""
    bot = user_json(state.bot, is_bot=True)
    new_member: dict[str, Any] = {"status": new, "user": bot}
    if new == "kicked":
        new_member["until_date"] = 0
    return {
        "chat": chat_json(chat),
        "from": actor,
        "date": int(time.time()),
        "old_chat_member": {"status": old, "user": bot},
        "new_chat_member": new_member,
    }
