"""A PTB request object that records every Bot API call and answers it like Telegram, offline.

As python-telegram-bot's own tests do: a `telegram.request.BaseRequest` subclass given to
`Application.builder().request(...)`, so the real `ExtBot`, its rate limiter and the bot's
`Sender` run unchanged and only the HTTP round trip is replaced. Each call is kept as a `Call`
(Bot API method, parameters as sent, uploaded files), and answered with valid Bot API JSON: a
Message for sendMessage, editMessageText, sendDocument and sendPhoto (HTML parsed into plain text
and entities, as Telegram does it), True for answerCallbackQuery, setMyCommands or leaveChat, the
bot's User for getMe. What Telegram would refuse is refused the same way (400 with Telegram's
description: HTML that does not parse, an edit that changes nothing or of a message that is not
there, a callback query answered twice or never sent) and kept in `refused`; a method this class
does not know is refused and kept in `unknown`, so a test never passes on an answer nobody wrote.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

from fake_telegram.html import HtmlError, parse_html

BOT_ID = 7_000_001
BOT_USERNAME = "asile_rappels_test_bot"
TOKEN = f"{BOT_ID}:AAH-handlers-tier-token-0123456789ab"
BOT_SENDER = {"id": BOT_ID, "is_bot": True, "first_name": "Rappels asile", "username": BOT_USERNAME}
TRUE_METHODS = frozenset(
    {"setMyCommands", "deleteMyCommands", "leaveChat", "deleteMessage", "setChatMenuButton"}
)


@dataclass(frozen=True)
class Call:
    """One Bot API call as the bot made it: method name, parameters, uploaded files."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str | None, bytes]] = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    """A call answered with an error, as Telegram would have answered it."""

    call: Call
    description: str


@dataclass
class Shown:
    """A message in a chat as the person sees it now (the bot's, or one the person sent)."""

    chat_id: int
    message_id: int
    from_bot: bool
    text: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    reply_markup: dict[str, Any] | None = None
    document: tuple[str | None, bytes] | None = None
    caption: str | None = None
    edits: int = 0

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Return the inline keyboard's buttons as (label, callback data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(button["text"], button.get("callback_data")) for row in rows for button in row]


def bot_user_json() -> dict[str, Any]:
    """Return the bot's own User, as getMe answers it."""
    return {
        **BOT_SENDER,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def chat_json(chat_id: int, first_name: str = "Amina") -> dict[str, Any]:
    """Return the Chat of a chat id: private for people, a group below zero."""
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": "Groupe d'entraide"}
    return {"id": chat_id, "type": "private", "first_name": first_name}


class RecordingRequest(BaseRequest):
    """Records each call and answers it as Telegram would; never opens a connection."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.refused: list[Refusal] = []
        self.unknown: list[Call] = []
        self.chats: dict[int, dict[int, Shown]] = {}
        self._open_queries: set[str] = set()
        self._last_id: dict[int, int] = {}

    # -- what tests read -------------------------------------------------------------------------

    def calls_of(self, method: str) -> list[Call]:
        """Return the calls of one Bot API method, in order."""
        return [call for call in self.calls if call.method == method]

    def messages(self, chat_id: int) -> list[Shown]:
        """Return the bot's messages in a chat, oldest first, as they are now."""
        return [m for m in self.chats.get(chat_id, {}).values() if m.from_bot]

    def answer_to(self, query_id: str) -> list[Call]:
        """Return the answerCallbackQuery calls made for one callback query."""
        return [
            call
            for call in self.calls_of("answerCallbackQuery")
            if call.params.get("callback_query_id") == query_id
        ]

    # -- what the person side needs --------------------------------------------------------------

    def person_message(self, chat_id: int, text: str) -> Shown:
        """Store a message the person sends, with the chat's next message id."""
        shown = Shown(chat_id, self._next_message_id(chat_id), from_bot=False, text=text)
        self.chats.setdefault(chat_id, {})[shown.message_id] = shown
        return shown

    def open_query(self, query_id: str) -> None:
        """Note a callback query sent to the bot: it may be answered once."""
        self._open_queries.add(query_id)

    def message_json(self, shown: Shown) -> dict[str, Any]:
        """Render a stored message as Bot API JSON (only inline keyboards are echoed back)."""
        rendered: dict[str, Any] = {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": chat_json(shown.chat_id),
        }
        if shown.from_bot:
            rendered["from"] = BOT_SENDER
        if shown.text is not None:
            rendered["text"] = shown.text
            if shown.entities:
                rendered["entities"] = list(shown.entities)
        if shown.document is not None:
            name, data = shown.document
            rendered["document"] = {
                "file_id": f"doc-{shown.chat_id}-{shown.message_id}",
                "file_unique_id": f"u{shown.chat_id}{shown.message_id}",
                "file_size": len(data),
                **({"file_name": name} if name else {}),
            }
            if shown.caption:
                rendered["caption"] = shown.caption
        if shown.reply_markup and "inline_keyboard" in shown.reply_markup:
            rendered["reply_markup"] = shown.reply_markup
        return rendered

    # -- BaseRequest -----------------------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """No network, so no timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Record the call and return Telegram's answer to it (status, JSON body)."""
        name = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = {}
        files: dict[str, tuple[str | None, bytes]] = {}
        if request_data is not None:
            request_data.json_payload  # noqa: B018 - what goes on the wire must encode as JSON
            params = dict(request_data.parameters)
            if request_data.contains_files:
                for key, (filename, content, _mime_type) in request_data.multipart_data.items():
                    data = content if isinstance(content, bytes) else content.read()
                    files[key] = (filename, data)
        call = Call(name, params, files)
        self.calls.append(call)
        try:
            result = self._answer(call)
        except _Refused as refusal:
            self.refused.append(Refusal(call, refusal.description))
            body = {"ok": False, "error_code": 400, "description": refusal.description}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- answers ---------------------------------------------------------------------------------

    def _answer(self, call: Call) -> Any:
        """Return the `result` of a call, or raise _Refused with Telegram's description."""
        params = call.params
        if call.method == "getMe":
            return bot_user_json()
        if call.method in TRUE_METHODS:
            return True
        if call.method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id not in self._open_queries:
                raise _Refused(
                    "Bad Request: query is too old and response timeout expired or query ID is "
                    "invalid"
                )
            self._open_queries.discard(query_id)
            return True
        if call.method == "sendMessage":
            text, entities = _parsed(params)
            shown = self._store(params, text=text, entities=entities)
            return self.message_json(shown)
        if call.method == "editMessageText":
            return self._edit(params)
        if call.method in ("sendDocument", "sendPhoto"):
            upload = call.files.get("document") or call.files.get("photo")
            if upload is None:
                raise _Refused("Bad Request: there is no document in the request")
            shown = self._store(params, document=upload, caption=params.get("caption"))
            return self.message_json(shown)
        self.unknown.append(call)
        raise _Refused(f"Not Found: method {call.method} is not answered by RecordingRequest")

    def _store(self, params: dict[str, Any], **fields: Any) -> Shown:
        """Store a new message of the bot in the chat the call names."""
        chat_id = int(params["chat_id"])
        shown = Shown(
            chat_id,
            self._next_message_id(chat_id),
            from_bot=True,
            reply_markup=params.get("reply_markup"),
            **fields,
        )
        self.chats.setdefault(chat_id, {})[shown.message_id] = shown
        return shown

    def _edit(self, params: dict[str, Any]) -> dict[str, Any]:
        """Replace a message's text and buttons, refusing what Telegram refuses."""
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        shown = self.chats.get(chat_id, {}).get(message_id)
        if shown is None:
            raise _Refused("Bad Request: message to edit not found")
        if not shown.from_bot:
            raise _Refused("Bad Request: message can't be edited")
        text, entities = _parsed(params)
        markup = params.get("reply_markup")
        if (text, entities, markup) == (shown.text, shown.entities, shown.reply_markup):
            raise _Refused(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        shown.text, shown.entities, shown.reply_markup = text, entities, markup
        shown.edits += 1
        return self.message_json(shown)

    def _next_message_id(self, chat_id: int) -> int:
        """Return the chat's next message id (one sequence per chat, as in private chats)."""
        self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        return self._last_id[chat_id]


class _Refused(Exception):
    """Telegram would answer this call with 400 and `description`."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def _parsed(params: dict[str, Any]) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Return a text as the person sees it, and its entities (parse_mode HTML is parsed)."""
    text = str(params.get("text", ""))
    if params.get("parse_mode") != "HTML":
        return text, ()
    try:
        parsed = parse_html(text)
    except HtmlError as error:
        raise _Refused(f"Bad Request: can't parse entities: {error}") from None
    if not parsed.text:
        raise _Refused("Bad Request: message text is empty")
    return parsed.text, parsed.entities
