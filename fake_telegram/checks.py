"""Rules on objects that the spec states only in prose, enforced the way Telegram does.

Each check receives one already type-checked JSON object and raises a 400 ApiError.
Descriptions in capitals (BUTTON_DATA_INVALID...) are Telegram's own error codes.
"""

from __future__ import annotations

import re
from typing import Any

from fake_telegram.errors import bad_request
from fake_telegram.validate import Check

# InlineKeyboardButton: "Exactly one of the fields other than text, icon_custom_emoji_id, and
# style must be used to specify the type of the button."
_BUTTON_DECORATION = frozenset({"text", "icon_custom_emoji_id", "style"})
_BUTTON_URL = re.compile(r"^(https?|tg)://\S+$", re.IGNORECASE)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_CALLBACK_DATA_BYTES = 64


def check_inline_button(button: dict[str, Any]) -> None:
    """Refuse a button without exactly one action, or with bad callback data or URL."""
    actions = sorted(set(button) - _BUTTON_DECORATION)
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if len(actions) > 1:
        # Telegram silently picks one; the fake refuses, so the bot's intent stays unambiguous.
        raise bad_request(
            "can't parse inline keyboard button: exactly one of the fields "
            f"{', '.join(actions)} must be used"
        )
    if not button["text"].strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    data = button.get("callback_data")
    if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    url = button.get("url")
    if url is not None and not _BUTTON_URL.match(url):
        raise bad_request("BUTTON_URL_INVALID")


def check_bot_command(command: dict[str, Any]) -> None:
    """Refuse a command outside [a-z0-9_]{1,32} or a description outside 1-256 characters."""
    if not _COMMAND.match(command["command"]):
        raise bad_request("BOT_COMMAND_INVALID")
    if not 1 <= len(command["description"].strip()) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def check_keyboard_markup(markup: dict[str, Any]) -> None:
    """Refuse a reply keyboard whose rows are empty."""
    if not any(markup["keyboard"]):
        raise bad_request("can't parse reply keyboard markup: keyboard must be non-empty")


CHECKS: dict[str, Check] = {
    "InlineKeyboardButton": check_inline_button,
    "BotCommand": check_bot_command,
    "ReplyKeyboardMarkup": check_keyboard_markup,
}
