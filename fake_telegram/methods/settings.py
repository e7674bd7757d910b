"""getMe, the bot's commands per scope and language, and the chat menu button."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.methods.common import find_chat
from fake_telegram.objects import bot_json
from fake_telegram.state import State

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

MAX_COMMANDS = 100
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_CHAT_SCOPES = ("chat", "chat_administrators", "chat_member")


async def get_me(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Return the bot's own User."""
    return bot_json(server.state)


def commands_key(
    state: State, scope: dict[str, Any] | None, language_code: str | None
) -> tuple[tuple[Any, ...], str]:
    """Key commands by scope (chats resolved to their ids) and two-letter language code."""
    language = language_code or ""
    if language and not _LANGUAGE.match(language):
        raise bad_request("invalid language code specified")
    if scope is None or scope["type"] == "default":
        return ("default",), language
    if scope["type"] not in _CHAT_SCOPES:
        return (scope["type"],), language
    chat = find_chat(state, scope["chat_id"])
    if scope["type"] == "chat_member":
        return (scope["type"], chat.id, scope["user_id"]), language
    return (scope["type"], chat.id), language


async def set_my_commands(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Store the command list of one scope and language."""
    if len(p["commands"]) > MAX_COMMANDS:
        raise bad_request("too many commands specified")
    key = commands_key(server.state, p.get("scope"), p.get("language_code"))
    server.state.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in p["commands"]
    ]
    return True


async def get_my_commands(server: FakeTelegram, p: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the command list of exactly that scope and language (no fallback, like Telegram)."""
    key = commands_key(server.state, p.get("scope"), p.get("language_code"))
    return list(server.state.commands.get(key, []))


async def delete_my_commands(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Forget the command list of one scope and language."""
    key = commands_key(server.state, p.get("scope"), p.get("language_code"))
    server.state.commands.pop(key, None)
    return True


async def set_chat_menu_button(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Set the menu button of one private chat, or the bot's default one."""
    button = p.get("menu_button") or {"type": "default"}
    if "chat_id" not in p:
        server.state.default_menu_button = button
        return True
    chat = find_chat(server.state, p["chat_id"])
    if chat.type != "private":
        raise bad_request("chat is not a private chat")
    chat.menu_button = button
    return True


async def get_chat_menu_button(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Return the menu button of a private chat, or the default one."""
    if "chat_id" not in p:
        return server.state.default_menu_button
    chat = find_chat(server.state, p["chat_id"])
    return chat.menu_button or server.state.default_menu_button


HANDLERS = {
    "getMe": get_me,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
}
