"""getChat, leaveChat and answerCallbackQuery."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_telegram.errors import bad_request
from fake_telegram.html import utf16_length
from fake_telegram.methods.common import find_chat
from fake_telegram.objects import chat_full_info_json, member_update_json, user_json
from fake_telegram.state import CallbackAnswer

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

MAX_ANSWER_TEXT = 200
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


async def get_chat(server: FakeTelegram, p: dict[str, Any]) -> dict[str, Any]:
    """Describe a chat (ChatFullInfo)."""
    return chat_full_info_json(find_chat(server.state, p["chat_id"]))


async def leave_chat(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Leave a group, supergroup or channel; later posts there get 403."""
    chat = find_chat(server.state, p["chat_id"])
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    chat.bot_is_member = False
    actor = user_json(server.state.bot, is_bot=True)
    update = member_update_json(server.state, chat, actor, "member", "left")
    server.queue.push("my_chat_member", update)
    return True


async def answer_callback_query(server: FakeTelegram, p: dict[str, Any]) -> bool:
    """Answer a button press once; a second answer or an unknown id is refused."""
    query = server.state.callback_queries.get(p["callback_query_id"])
    if query is None or query.answered:
        raise bad_request(QUERY_INVALID)
    if utf16_length(p.get("text") or "") > MAX_ANSWER_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answered = True
    server.state.callback_answers.append(
        CallbackAnswer(
            callback_query_id=query.id,
            text=p.get("text"),
            show_alert=bool(p.get("show_alert")),
            url=p.get("url"),
            cache_time=p.get("cache_time"),
            query=query,
        )
    )
    server.state.changed.fire()
    return True


HANDLERS = {
    "getChat": get_chat,
    "leaveChat": leave_chat,
    "answerCallbackQuery": answer_callback_query,
}
