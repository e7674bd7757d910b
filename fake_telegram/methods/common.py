"""Helpers shared by the method handlers: finding chats and messages, parsing text."""

from __future__ import annotations

from typing import Any

from fake_telegram.errors import bad_request, forbidden
from fake_telegram.html import HtmlError, ParsedText, parse_html, utf16_length
from fake_telegram.state import Chat, ChatMessage, State

MAX_TEXT = 4096
MAX_CAPTION = 1024


def find_chat(state: State, chat_id: int | str) -> Chat:
    """Return the chat, or raise Telegram's "chat not found"."""
    chat = state.find_chat(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    return chat


def writable_chat(state: State, chat_id: int | str) -> Chat:
    """Return a chat the bot may post in, or raise 403 like Telegram (blocked, not a member)."""
    chat = find_chat(state, chat_id)
    if chat.blocked:
        raise forbidden("bot was blocked by the user")
    if not chat.bot_is_member:
        raise forbidden(f"bot is not a member of the {chat.type} chat")
    return chat


def parse_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> ParsedText:
    """Parse text in the given parse mode; HTML is checked like Telegram, Markdown is not."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            return parse_html(text)
        except HtmlError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    if mode not in ("", "markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    # Markdown modes are passed through unchecked: the bot uses HTML.
    return ParsedText(text.strip(), tuple(entities or ()) if not mode else ())


def checked_text(text: str, p: dict[str, Any]) -> ParsedText:
    """Parse a message text and enforce Telegram's 1-4096 characters after parsing."""
    parsed = parse_text(text, p.get("parse_mode"), p.get("entities"))
    if not parsed.text:
        raise bad_request("message text is empty")
    if parsed.length > MAX_TEXT:
        raise bad_request("message is too long")
    return parsed


def checked_caption(p: dict[str, Any]) -> ParsedText | None:
    """Parse an optional caption and enforce Telegram's 1024 characters after parsing."""
    if not p.get("caption"):
        return None
    parsed = parse_text(p["caption"], p.get("parse_mode"), p.get("caption_entities"))
    if parsed.length > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return parsed


def reply_target(chat: Chat, reply: dict[str, Any] | None) -> int | None:
    """Return the id of the message replied to, refusing a missing one like Telegram."""
    if reply is None:
        return None
    target = chat.messages.get(reply["message_id"])
    if target is None or target.deleted:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return target.message_id


def bot_message(state: State, p: dict[str, Any]) -> ChatMessage:
    """Find the bot's message to edit from chat_id and message_id (inline messages: none)."""
    if p.get("inline_message_id"):
        raise bad_request("MESSAGE_ID_INVALID")  # the fake has no inline messages
    if "chat_id" not in p:
        raise bad_request("chat_id is empty")
    if "message_id" not in p:
        raise bad_request("message identifier is not specified")
    chat = writable_chat(state, p["chat_id"])
    message = chat.messages.get(p["message_id"])
    if message is None or message.deleted:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def short_text_length(text: str | None) -> int:
    """Length of a short text (callback answers) in UTF-16 code units."""
    return utf16_length(text or "")
