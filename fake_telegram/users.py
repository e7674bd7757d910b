"""Simulated people: they write to the bot, press its buttons, block it, and read its replies."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fake_telegram.html import utf16_length
from fake_telegram.objects import member_update_json, message_json, user_json
from fake_telegram.state import Button, CallbackQuery, Chat, ChatMessage, Person, SentDocument

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

# What Telegram clients mark as a bot_command entity at the start of a message.
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?(?=\s|$)")
_FIRST_GENERATED_ID = 7_000_000_001


class FakeUser:
    """One person in one chat, driving the bot the way a Telegram client would."""

    def __init__(self, server: FakeTelegram, person: Person, chat: Chat) -> None:
        """Bind a person to a chat on `server`."""
        self.server = server
        self.person = person
        self.chat = chat

    @property
    def id(self) -> int:
        """The person's user id."""
        return self.person.id

    @property
    def chat_id(self) -> int:
        """The chat's id (equal to the user id in a private chat)."""
        return self.chat.id

    # -- what the person does ------------------------------------------------------------------

    async def send_text(self, text: str, *, reply_to: int | None = None) -> ChatMessage:
        """Send a text (replying to message `reply_to` of this chat, if given); a leading
        /command gets its bot_command entity, as clients send it."""
        entities: tuple[dict[str, Any], ...] = ()
        if match := _COMMAND.match(text):
            entities = ({"type": "bot_command", "offset": 0, "length": utf16_length(match[0])},)
        return self._post(text=text, entities=entities, reply_to=reply_to)

    async def send_command(self, name: str, payload: str | None = None) -> ChatMessage:
        """Send "/name" or "/name payload" (a deep link's /start payload, for instance)."""
        return await self.send_text(f"/{name.lstrip('/')}" + (f" {payload}" if payload else ""))

    async def send_sticker(self, emoji: str = "👍") -> ChatMessage:
        """Send a sticker."""
        stored = self._file(b"RIFF-fake-webp", "sticker.webp", "image/webp", "sticker")
        sticker = {
            **stored,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._post(media={"sticker": sticker})

    async def send_photo(
        self, caption: str | None = None, *, reply_to: int | None = None
    ) -> ChatMessage:
        """Send a photo (two sizes, like Telegram), with an optional caption, maybe as a reply."""
        self._check_reply(reply_to)
        stored = self._file(b"\xff\xd8\xff fake jpeg", "photo.jpg", "image/jpeg", "photo")
        sizes = [{**stored, "width": 90, "height": 90}, {**stored, "width": 800, "height": 800}]
        return self._post(media={"photo": sizes}, caption=caption, reply_to=reply_to)

    async def send_voice(self, duration: int = 3, *, reply_to: int | None = None) -> ChatMessage:
        """Send a voice message, maybe as a reply to message `reply_to` of this chat."""
        self._check_reply(reply_to)
        stored = self._file(b"OggS fake voice", "voice.ogg", "audio/ogg", "voice")
        voice = {**stored, "duration": duration, "mime_type": "audio/ogg"}
        return self._post(media={"voice": voice}, reply_to=reply_to)

    async def send_document(
        self,
        filename: str = "document.pdf",
        data: bytes = b"%PDF-1.4\n% fake\n",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        reply_to: int | None = None,
    ) -> ChatMessage:
        """Send a file (maybe as a reply); the bot can download it with getFile."""
        self._check_reply(reply_to)
        stored = self._file(data, filename, mime_type, "document")
        document = {**stored, "file_name": filename, "mime_type": mime_type}
        return self._post(media={"document": document}, caption=caption, reply_to=reply_to)

    async def send_location(self, latitude: float, longitude: float) -> ChatMessage:
        """Share a location (📎, Location: a pin on the map)."""
        return self._post(media={"location": {"latitude": latitude, "longitude": longitude}})

    async def edit_text(self, message_id: int, text: str) -> ChatMessage:
        """Edit one of the person's own texts: the bot gets an edited_message update."""
        message = self.chat.messages.get(message_id)
        if message is None or message.from_bot or message.text is None:
            raise AssertionError(f"message {message_id} is not a text sent by user {self.id}")
        message.text, message.edited, message.edit_date = text, True, int(time.time())
        kind = "edited_channel_post" if self.chat.type == "channel" else "edited_message"
        self.server.queue.push(kind, message_json(self.server.state, message))
        return message

    async def press(self, label_or_callback_data: str) -> CallbackQuery:
        """Press a button, found by label or callback data in the latest bot message having it."""
        wanted = label_or_callback_data
        for message in reversed(self.messages):
            for button in message.buttons:
                if wanted in (button.text, button.callback_data):
                    if button.callback_data is None:
                        raise AssertionError(f"button {button.text!r} sends no callback data")
                    return self._callback(message, button.callback_data)
        raise AssertionError(
            f"no button {wanted!r} in the bot's messages to chat {self.chat_id}; "
            f"buttons: {self._button_listing() or 'none'}"
        )

    async def press_data(self, data: str, message_id: int | None = None) -> CallbackQuery:
        """Send any callback data (even forged) as if pressed on a bot message."""
        if message_id is None:
            message = self.last_message
        else:
            message = self.chat.messages[message_id]
        return self._callback(message, data)

    async def block(self) -> None:
        """Block the bot: later sends to this chat get 403; the bot gets my_chat_member."""
        self._member_change(blocked=True, old="member", new="kicked")

    async def unblock(self) -> None:
        """Unblock the bot (a client then usually sends /start too)."""
        self._member_change(blocked=False, old="kicked", new="member")

    # -- what the person sees ------------------------------------------------------------------

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat, oldest first, as they are now (deleted ones gone)."""
        return [m for m in self.chat.messages.values() if m.from_bot and not m.deleted]

    @property
    def last_message(self) -> ChatMessage:
        """The bot's latest message in this chat."""
        if not self.messages:
            raise AssertionError(f"the bot has sent nothing to chat {self.chat_id}")
        return self.messages[-1]

    @property
    def documents(self) -> list[SentDocument]:
        """Documents the bot sent to this chat, oldest first."""
        return [m.document for m in self.messages if m.document is not None]

    def buttons(self, message: ChatMessage | None = None) -> list[Button]:
        """Buttons of `message`, or of the latest bot message that has any."""
        if message is None:
            message = next((m for m in reversed(self.messages) if m.buttons), None)
        return message.buttons if message is not None else []

    async def wait_for(
        self, condition: int | Callable[[ChatMessage], bool], timeout: float = 5.0
    ) -> Any:
        """Wait until the bot has sent `condition` messages here (returns them all), or one of
        its messages satisfies `condition` (returns the newest such, re-checked after edits)."""
        try:
            async with asyncio.timeout(timeout):
                while (found := self._match(condition)) is None:
                    await self.server.state.changed.wait()
                return found
        except TimeoutError:
            raise AssertionError(
                f"waited {timeout} s in chat {self.chat_id} for {condition!r}; "
                f"bot messages: {[m.text or m.caption for m in self.messages]}"
            ) from None

    # -- internals -------------------------------------------------------------------------------

    def _match(self, condition: int | Callable[[ChatMessage], bool]) -> Any:
        """Return what wait_for waits for, or None while it is not there."""
        messages = self.messages
        if isinstance(condition, int):
            return messages if len(messages) >= condition else None
        return next((m for m in reversed(messages) if condition(m)), None)

    def _post(self, *, reply_to: int | None = None, **fields: Any) -> ChatMessage:
        """Store the person's message (a reply to `reply_to`, if given) and queue the update the
        bot will receive."""
        self._check_reply(reply_to)
        state = self.server.state
        message = state.add_message(
            self.chat, from_bot=False, sender_id=self.id, reply_to_message_id=reply_to, **fields
        )
        kind = "channel_post" if self.chat.type == "channel" else "message"
        self.server.queue.push(kind, message_json(state, message))
        return message

    def _check_reply(self, reply_to: int | None) -> None:
        """Refuse to reply to a message this chat does not have (or no longer has)."""
        if reply_to is None:
            return
        replied = self.chat.messages.get(reply_to)
        if replied is None or replied.deleted:
            raise AssertionError(f"no message {reply_to} in chat {self.chat_id} to reply to")

    def _file(self, data: bytes, filename: str, mime_type: str, kind: str) -> dict[str, Any]:
        """Store a file the person sends and return its file_id fields."""
        stored = self.server.state.store_file(
            data, filename=filename, mime_type=mime_type, kind=kind
        )
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(data),
        }

    def _callback(self, message: ChatMessage, data: str) -> CallbackQuery:
        """Queue a callback_query update for a press on `message`."""
        state = self.server.state
        query = CallbackQuery(
            str(10**15 + state.next_id()), self.chat_id, message.message_id, self.id, data
        )
        state.callback_queries[query.id] = query
        self.server.queue.push(
            "callback_query",
            {
                "id": query.id,
                "from": user_json(self.person),
                "message": message_json(state, message),
                "chat_instance": str(abs(self.chat_id) * 7919),
                "data": data,
            },
        )
        return query

    def _member_change(self, *, blocked: bool, old: str, new: str) -> None:
        """Block or unblock, and tell the bot with a my_chat_member update."""
        if self.chat.type != "private":
            raise AssertionError("only a private chat's person can block the bot")
        self.chat.blocked = blocked
        update = member_update_json(self.server.state, self.chat, user_json(self.person), old, new)
        self.server.queue.push("my_chat_member", update)

    def _button_listing(self) -> str:
        """Describe the buttons of the bot's messages, latest first, for assertion messages."""
        parts = []
        for message in reversed(self.messages):
            if message.buttons:
                labels = ", ".join(
                    f"{b.text!r}->{b.callback_data or b.url!r}" for b in message.buttons
                )
                parts.append(f"message {message.message_id}: {labels}")
        return "; ".join(parts)


def make_user(
    server: FakeTelegram,
    chat_id: int,
    *,
    first_name: str,
    language_code: str | None,
    last_name: str | None = None,
    username: str | None = None,
    user_id: int | None = None,
    chat_type: str | None = None,
    title: str | None = None,
    chat_username: str | None = None,
) -> FakeUser:
    """Create (or find) a person and a chat: chat_id > 0 is private, -100... a supergroup."""
    state = server.state
    kind = chat_type or _chat_type(chat_id)
    if kind == "private":
        if user_id not in (None, chat_id):
            raise ValueError("in a private chat, chat_id is the user's id")
        user_id = chat_id
    elif user_id is None:
        user_id = _FIRST_GENERATED_ID + state.next_id()
    person = state.people.setdefault(
        user_id, Person(user_id, first_name, last_name, username, language_code)
    )
    chat = state.chats.get(chat_id)
    if chat is None:
        chat = Chat(chat_id, kind)
        if kind == "private":
            chat.first_name, chat.last_name, chat.username = first_name, last_name, username
        else:
            chat.title, chat.username = title or f"Test {kind} {chat_id}", chat_username
        state.chats[chat_id] = chat
    return FakeUser(server, person, chat)


def _chat_type(chat_id: int) -> str:
    """Infer the chat type from its id, as Telegram numbers them."""
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"
