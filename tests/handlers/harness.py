"""The real application without a network: updates go in by `process_update`, calls are recorded.

`Handlers` holds an application built by `bot.app.build_application` (real handlers, services and
SQLite database) whose Bot API requests go to a `RecordingRequest`. A `Person` sends messages and
presses buttons as Bot API updates (`Update.de_json`), handled by `application.process_update`:
when the call returns, every handler of that update has finished, so a test reads the bot's
answer at once, without waiting. The application is initialised but not started: no polling and
no jobs. The reminder dispatcher, and the update processor that orders each chat's updates and
holds back floods, are the end-to-end tests' business (tests/e2e).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from telegram import Update

from bot.clock import ManualClock
from bot.context import BotApplication, BotContext
from bot.views.common import Screen
from fake_telegram.html import parse_html
from tests.handlers.recording import Call, RecordingRequest, Shown, chat_json

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(@\w+)?")


@dataclass
class Handlers:
    """An initialised application, its recorded calls, its clock and its database URL."""

    application: BotApplication
    telegram: RecordingRequest
    clock: ManualClock
    database_url: str
    errors: list[BaseException] = field(default_factory=list)
    _update_ids: count[int] = field(default_factory=lambda: count(1))
    _query_ids: count[int] = field(default_factory=lambda: count(10**15))

    def __post_init__(self) -> None:
        """See every handler error (the bot's own error handler still answers the person)."""
        self.application.add_error_handler(self._record_error)

    def person(
        self, chat_id: int, *, language_code: str = "en", first_name: str = "Amina"
    ) -> Person:
        """Return someone writing to the bot from their Telegram app in `language_code`."""
        return Person(self, chat_id, language_code, first_name)

    async def process(self, kind: str, payload: dict[str, Any]) -> None:
        """Hand one update to the application; fail if a handler raised."""
        update = Update.de_json({"update_id": next(self._update_ids), kind: payload}, self.bot)
        await self.application.process_update(update)
        if self.errors:
            error, self.errors[:] = self.errors[0], []
            raise AssertionError(f"a handler raised {type(error).__name__}") from error

    def next_query_id(self) -> str:
        """Return a fresh callback query id."""
        return str(next(self._query_ids))

    @property
    def bot(self) -> Any:
        """Return the application's bot (the ExtBot every handler uses)."""
        return self.application.bot

    async def _record_error(self, _update: object, context: BotContext) -> None:
        """Keep the error for `process` to raise in the test."""
        if context.error is not None:
            self.errors.append(context.error)


class Person:
    """Someone in a private chat with the bot (a group when chat_id < 0)."""

    def __init__(self, handlers: Handlers, chat_id: int, language_code: str, first_name: str):
        self.handlers, self.chat_id, self.first_name = handlers, chat_id, first_name
        self.user: dict[str, Any] = {
            "id": abs(chat_id),
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }

    @property
    def telegram(self) -> RecordingRequest:
        """Return the recorded calls."""
        return self.handlers.telegram

    # -- what the person does --------------------------------------------------------------------

    async def send(self, text: str) -> None:
        """Send a text; a leading /command carries its bot_command entity, as apps send it."""
        shown = self.telegram.person_message(self.chat_id, text)
        payload = {
            **self.telegram.message_json(shown),
            "from": self.user,
            "chat": chat_json(self.chat_id, self.first_name),
        }
        if match := _COMMAND.match(text):
            length = len(match[0].encode("utf-16-le")) // 2
            payload["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self.handlers.process("message", payload)

    async def press(self, label_or_data: str) -> Call:
        """Press a button (by label, callback data, or a data prefix ending in ":" or ".": the
        button of that kind whatever its question tag) of the newest bot message that has it;
        return the bot's answerCallbackQuery call."""
        wanted = label_or_data
        prefix = wanted.endswith((":", "."))
        for message in reversed(self.messages):
            for label, data in message.buttons:
                if data is not None and (
                    wanted in (label, data) or (prefix and data.startswith(wanted))
                ):
                    return await self.press_data(data, message)
        shown = [(m.message_id, m.buttons) for m in self.messages if m.buttons]
        raise AssertionError(f"no button {label_or_data!r} in chat {self.chat_id}: {shown}")

    async def press_data(self, data: str, message: Shown | None = None) -> Call:
        """Send any callback data, even forged, as a press on a bot message (the latest by
        default); return the one answerCallbackQuery the bot must make for it."""
        message = message or self.last_message
        query_id = self.handlers.next_query_id()
        self.telegram.open_query(query_id)
        payload = {
            "id": query_id,
            "from": self.user,
            "message": self.telegram.message_json(message),
            "chat_instance": str(abs(self.chat_id) * 7919),
            "data": data,
        }
        await self.handlers.process("callback_query", payload)
        answers = self.telegram.answer_to(query_id)
        assert len(answers) == 1, f"the press on {data!r} got {len(answers)} answers"
        return answers[0]

    # -- what the person sees --------------------------------------------------------------------

    @property
    def messages(self) -> list[Shown]:
        """Return the bot's messages in this chat, oldest first, as they are now."""
        return self.telegram.messages(self.chat_id)

    @property
    def last_message(self) -> Shown:
        """Return the bot's latest message here."""
        assert self.messages, f"the bot has sent nothing to chat {self.chat_id}"
        return self.messages[-1]

    @property
    def texts(self) -> list[str]:
        """Return the texts of the bot's messages here, oldest first."""
        return [m.text for m in self.messages if m.text is not None]

    @property
    def documents(self) -> list[tuple[str | None, bytes]]:
        """Return the files the bot sent here as (file name, content)."""
        return [m.document for m in self.messages if m.document is not None]


def seen(screen: Screen | str) -> str:
    """Return a screen's text as the person sees it (Telegram's HTML parse mode applied)."""
    return parse_html(screen.text if isinstance(screen, Screen) else screen).text


def buttons_of(screen: Screen) -> list[tuple[str, str | None]]:
    """Return a screen's buttons as (label, callback data), row by row."""
    if screen.keyboard is None:
        return []
    rows = screen.keyboard.as_json()["inline_keyboard"]
    return [(button["text"], button.get("callback_data")) for row in rows for button in row]
