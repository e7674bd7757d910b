"""What the fake Telegram remembers: people, chats, messages, files, callback queries, commands."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any


class Signal:
    """Wake every waiter when something changes (bot messages sent, edited, deleted...)."""

    def __init__(self) -> None:
        """Start with nobody waiting."""
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake the current waiters; later waiters wait for the next change."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self) -> None:
        """Wait for the next change."""
        await self._event.wait()


@dataclass
class Person:
    """A simulated Telegram user (never a bot)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Button:
    """One button of an inline keyboard, as a person sees and presses it."""

    text: str
    callback_data: str | None
    url: str | None
    row: int
    column: int


@dataclass
class SentDocument:
    """A file the bot sent with sendDocument."""

    chat_id: int
    message_id: int
    filename: str | None
    mime_type: str | None
    data: bytes | None
    caption: str | None
    file_id: str
    file_unique_id: str
    url: str | None = None


@dataclass
class ChatMessage:
    """A message in a chat, sent by the bot or by a simulated person, as it is now."""

    chat_id: int
    message_id: int
    date: int
    from_bot: bool
    sender_id: int
    text: str | None = None
    raw_text: str | None = None
    parse_mode: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    caption: str | None = None
    raw_caption: str | None = None
    caption_entities: tuple[dict[str, Any], ...] = ()
    reply_markup: dict[str, Any] | None = None
    document: SentDocument | None = None
    media: dict[str, Any] = field(default_factory=dict)
    reply_to_message_id: int | None = None
    bot_reaction: str | None = None  # the emoji the bot reacted with (setMessageReaction)
    copied_from: tuple[int, int] | None = None  # (from_chat_id, message_id) of a copyMessage
    edited: bool = False
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False

    @property
    def buttons(self) -> list[Button]:
        """Return the inline keyboard's buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            Button(b["text"], b.get("callback_data"), b.get("url"), r, c)
            for r, row in enumerate(rows)
            for c, b in enumerate(row)
        ]


@dataclass
class Chat:
    """A private chat, group, supergroup or channel the bot is in."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    blocked: bool = False
    bot_is_member: bool = True
    menu_button: dict[str, Any] | None = None
    next_message_id: int = 1
    messages: dict[int, ChatMessage] = field(default_factory=dict)


@dataclass
class StoredFile:
    """A file known to the server (uploaded by the bot or sent by a person)."""

    file_id: str
    file_unique_id: str
    data: bytes | None
    filename: str | None
    mime_type: str | None
    path: str


@dataclass
class CallbackQuery:
    """A button press sent to the bot; Telegram accepts one answer per query."""

    id: str
    chat_id: int
    message_id: int
    user_id: int
    data: str
    answered: bool = False


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answerCallbackQuery, as recorded for tests."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    query: CallbackQuery | None


class State:
    """Everything the fake server knows, shared by the handlers and the simulated people."""

    def __init__(self, *, bot: Person) -> None:
        """Start empty, with the bot's own user."""
        self.bot = bot
        self.people: dict[int, Person] = {}
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.callback_answers: list[CallbackAnswer] = []
        self.commands: dict[tuple[tuple[Any, ...], str], list[dict[str, Any]]] = {}
        self.default_menu_button: dict[str, Any] = {"type": "default"}
        self.documents: list[SentDocument] = []
        self.voices: list[SentDocument] = []  # voice notes (sendVoice), in order
        self.photos: list[SentDocument] = []  # pictures (sendPhoto), in order
        self.chat_actions: list[tuple[int, str]] = []
        self.changed = Signal()
        self._ids = itertools.count(1)

    def find_chat(self, chat_id: int | str) -> Chat | None:
        """Find a chat by id, or a public group/channel by "@username" (not private chats)."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            return next(
                (
                    c
                    for c in self.chats.values()
                    if c.type != "private" and (c.username or "").lower() == wanted
                ),
                None,
            )
        try:
            return self.chats.get(int(chat_id))
        except ValueError:
            return None

    def add_message(
        self, chat: Chat, *, from_bot: bool, sender_id: int, **fields: Any
    ) -> ChatMessage:
        """Store a new message with the chat's next id and wake the waiters."""
        message = ChatMessage(
            chat_id=chat.id,
            message_id=chat.next_message_id,
            date=int(time.time()),
            from_bot=from_bot,
            sender_id=sender_id,
            **fields,
        )
        chat.next_message_id += 1
        chat.messages[message.message_id] = message
        self.changed.fire()
        return message

    def store_file(
        self, data: bytes | None, *, filename: str | None, mime_type: str | None, kind: str
    ) -> StoredFile:
        """Keep a file and give it a file_id, as Telegram does for every upload."""
        number = next(self._ids)
        suffix = f".{filename.rsplit('.', 1)[-1]}" if filename and "." in filename else ""
        stored = StoredFile(
            file_id=f"FAKE-{kind}-{number:06d}",
            file_unique_id=f"U{number:06d}",
            data=data,
            filename=filename,
            mime_type=mime_type,
            path=f"{kind}s/file_{number}{suffix}",
        )
        self.files[stored.file_id] = stored
        return stored

    def next_id(self) -> int:
        """Return a fresh number for ids (callback queries, users, chat instances)."""
        return next(self._ids)
