"""copyMessage: the bot posts a copy of a message, with no link to the original."""

from __future__ import annotations

import dataclasses
from copy import deepcopy
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.methods.common import checked_caption, find_chat, reply_target, writable_chat
from fake_telegram.state import ChatMessage

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

# The kinds of media that carry a caption; a new caption given for anything else is ignored.
CAPTIONED_MEDIA = frozenset({"photo", "video", "animation", "audio", "voice", "document"})


async def copy_message(server: FakeTelegram, p: dict[str, Any]) -> dict[str, int]:
    """Post a copy of `message_id` from `from_chat_id` into `chat_id` as the bot's own message.

    Text, entities, media and caption are copied; `caption` (even empty) replaces the caption
    of a captioned media and is ignored for a text or a sticker. The original's keyboard is not
    copied: only `reply_markup` is used, as Telegram does. Returns a MessageId.
    """
    state = server.state
    chat = writable_chat(state, p["chat_id"])
    source_chat = find_chat(state, p["from_chat_id"])
    source = source_chat.messages.get(p["message_id"])
    if source is None or source.deleted:
        raise bad_request("message to copy not found")
    fields: dict[str, Any] = {
        "text": source.text,
        "raw_text": source.raw_text,
        "parse_mode": source.parse_mode,
        "entities": source.entities,
        "caption": source.caption,
        "raw_caption": source.raw_caption,
        "caption_entities": source.caption_entities,
        "media": deepcopy(source.media),
    }
    if "caption" in p and _has_caption_slot(source):
        fields.update(_new_caption(p))
    copied = state.add_message(
        chat,
        from_bot=True,
        sender_id=state.bot.id,
        reply_markup=p.get("reply_markup"),
        reply_to_message_id=reply_target(chat, p.get("reply_parameters")),
        copied_from=(source_chat.id, source.message_id),
        **fields,
    )
    if source.document is not None:
        copied.document = dataclasses.replace(
            source.document,
            chat_id=copied.chat_id,
            message_id=copied.message_id,
            caption=copied.caption,
        )
    return {"message_id": copied.message_id}


def _has_caption_slot(message: ChatMessage) -> bool:
    """Tell whether a message is a media that can carry a caption (not a text or a sticker)."""
    return message.document is not None or not CAPTIONED_MEDIA.isdisjoint(message.media)


def _new_caption(p: dict[str, Any]) -> dict[str, Any]:
    """Parse the `caption` replacing the original's; an empty one leaves the copy without."""
    parsed = checked_caption(p)
    if parsed is None or not parsed.text:
        return {"caption": None, "raw_caption": None, "caption_entities": ()}
    return {
        "caption": parsed.text,
        "raw_caption": p["caption"],
        "caption_entities": parsed.entities,
        "parse_mode": p.get("parse_mode"),
    }


HANDLERS = {"copyMessage": copy_message}
