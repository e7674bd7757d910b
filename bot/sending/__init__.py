"""Every message the bot sends or edits leaves through here.

Handlers (answers to a person), the dispatcher (reminders, alerts to staff, broadcasts) and the
retention job all send with a `Sender`: one path, one keyboard type (views' plain `Keyboard`,
sent as the Bot API's JSON without building PTB objects), one place where pacing applies.

Each message names its lane (`Lane`): who is waiting for it. The rate limiter
(bot/sending/pacing.py) paces every call within this instance's share of Telegram's 30
messages per second; messages of the outbox lanes also wait for their chat's turn (one per
second per chat), while an answer to a person who just wrote is not slowed per chat.
"""

from __future__ import annotations

import json
import warnings
from collections import OrderedDict
from enum import StrEnum
from functools import cache
from typing import Any

from telegram import InputFile, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot
from telegram.warnings import PTBUserWarning

from bot.views.common import Copy, FileScreen, Keyboard, Outgoing, Screen


class Lane(StrEnum):
    """Who a message is for, in the order the send window serves them."""

    REPLY = "reply"  # a person waiting for an answer: an answer, an edit of their screen
    REMINDER = "reminder"  # a due legal reminder
    ALERT = "alert"  # association staff told that a shared deadline is near
    RELAY = "relay"  # a message between a person and an association's staff ("Ask")
    BROADCAST = "broadcast"  # an association's message to its followers

    @property
    def per_chat(self) -> bool:
        """Tell whether the message waits for its chat's turn (one per second per chat).

        Relayed messages are a conversation, like answers: they share the answers' allowance of
        each chat (a short burst, then one a second) instead of waiting a second each."""
        return self not in (Lane.REPLY, Lane.RELAY)


class Sender:
    """Sends and edits messages through the application's bot (and so its rate limiter)."""

    def __init__(self, bot: ExtBot[Any], remembered: int = 10_000) -> None:
        self.bot = bot
        # What this instance last put in each recent message, to skip an edit that changes
        # nothing (a double tap): (chat, message) -> the screen's text and buttons, newest last.
        self._shown: OrderedDict[tuple[int, int], tuple[str, str]] = OrderedDict()
        self._remembered = remembered
        _quiet_method_suggestions()

    async def send(self, chat_id: int, screen: Screen | str) -> Message:
        """Send one screen (HTML) as an answer; raise Telegram's error if it is refused."""
        result = await self._send(chat_id, screen, Lane.REPLY)
        return Message.de_json(result, self.bot)

    async def deliver(
        self, chat_id: int, screen: Outgoing | str, lane: Lane
    ) -> TelegramError | None:
        """Send one screen from the outbox; return Telegram's refusal instead of raising it.

        No Message is built from the answer: the dispatcher only needs to know it was taken.
        """
        try:
            await self._send(chat_id, screen, lane)
        except TelegramError as error:
            return error
        return None

    async def _send(self, chat_id: int, screen: Outgoing | str, lane: Lane) -> Any:
        if isinstance(screen, str):
            screen = Screen(screen)
        if isinstance(screen, Copy):
            return await self._call(
                "copyMessage",
                lane,
                chat_id=chat_id,
                from_chat_id=screen.from_chat_id,
                message_id=screen.message_id,
                caption=screen.caption,
                parse_mode=ParseMode.HTML.value if screen.caption else None,
                reply_markup=_markup(screen.keyboard),
            )
        if isinstance(screen, FileScreen):
            return await self._call(
                _FILE_METHODS[screen.kind],
                lane,
                chat_id=chat_id,
                **{screen.kind: screen.file_id},
                caption=screen.caption,
                parse_mode=ParseMode.HTML.value if screen.caption else None,
                reply_markup=_markup(screen.keyboard),
            )
        return await self._call(
            "sendMessage",
            lane,
            chat_id=chat_id,
            text=screen.text,
            parse_mode=ParseMode.HTML.value,
            reply_markup=_markup(screen.keyboard),
        )

    async def edit(
        self, chat_id: int, message_id: int, screen: Screen, lane: Lane = Lane.REPLY
    ) -> None:
        """Replace a message's text and buttons; a double tap ("not modified") is not an error.

        No call is made when this instance already put this very screen in the message.
        """
        key, shown = (chat_id, message_id), _fingerprint(screen)
        if self._shown.get(key) == shown:
            return
        try:
            await self._call(
                "editMessageText",
                lane,
                chat_id=chat_id,
                message_id=message_id,
                text=screen.text,
                parse_mode=ParseMode.HTML.value,
                reply_markup=_markup(screen.keyboard),
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        self._remember(key, shown)

    async def send_venue(
        self, chat_id: int, latitude: float, longitude: float, title: str, address: str
    ) -> None:
        """Send a place on the map, with its name and address (the phone opens a map on it)."""
        await self._call(
            "sendVenue",
            Lane.REPLY,
            chat_id=chat_id,
            latitude=latitude,
            longitude=longitude,
            title=title,
            address=address,
        )

    async def react(self, chat_id: int, message_id: int, emoji: str) -> None:
        """React to a person's message with an emoji (an acknowledgement that adds no message)."""
        await self._call(
            "setMessageReaction",
            Lane.REPLY,
            chat_id=chat_id,
            message_id=message_id,
            reaction=[{"type": "emoji", "emoji": emoji}],
        )

    async def remove_buttons(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off a message, keeping its text (a pressed preview stays above)."""
        try:
            await self._call(
                "editMessageReplyMarkup", Lane.REPLY, chat_id=chat_id, message_id=message_id
            )
        except BadRequest as error:
            if "not modified" not in str(error).lower():
                raise
        self._shown.pop((chat_id, message_id), None)

    def _remember(self, key: tuple[int, int], shown: tuple[str, str]) -> None:
        self._shown[key] = shown
        self._shown.move_to_end(key)
        while len(self._shown) > self._remembered:
            self._shown.popitem(last=False)

    async def send_file(
        self,
        chat_id: int,
        filename: str,
        content: bytes,
        caption: str | None = None,
        *,
        photo: bool = False,
    ) -> None:
        """Send a file as a document (a photo when `photo`), with an optional plain caption."""
        document = InputFile(content, filename=filename)
        pacing = {"per_chat": False, "lane": Lane.REPLY.value}
        if photo:
            await self.bot.send_photo(chat_id, document, caption=caption, rate_limit_args=pacing)
        else:
            await self.bot.send_document(chat_id, document, caption=caption, rate_limit_args=pacing)

    async def send_voice(
        self,
        chat_id: int,
        data: bytes,
        file_id: str | None,
        reply_to: int | None = None,
        lane: Lane = Lane.REPLY,
    ) -> str:
        """Send an OGG/Opus voice note, by its file_id when Telegram has it already, under the
        message it reads (`reply_to`); return the note's file_id, to send it again later."""
        voice = file_id or InputFile(data, filename="voice.ogg")  # sent as audio/ogg
        pacing = {"per_chat": lane.per_chat, "lane": lane.value}
        reply = {"message_id": reply_to, "allow_sending_without_reply": True} if reply_to else None
        sent = await self.bot.send_voice(
            chat_id,
            voice,
            reply_parameters=reply,  # type: ignore[arg-type]
            rate_limit_args=pacing,
        )
        return sent.voice.file_id if sent.voice is not None else (file_id or "")

    async def _call(self, method: str, lane: Lane, **parameters: Any) -> Any:
        """Make one Bot API call with its lane, leaving out empty parameters."""
        api_kwargs = {key: value for key, value in parameters.items() if value is not None}
        return await self.bot.do_api_request(
            method,
            api_kwargs=api_kwargs,
            rate_limit_args={"per_chat": lane.per_chat, "lane": lane.value},
        )


_FILE_METHODS = {"voice": "sendVoice", "photo": "sendPhoto", "document": "sendDocument"}


@cache
def _quiet_method_suggestions() -> None:
    """The raw calls above name Bot API methods on purpose (no PTB objects are built for an
    outbox message); PTB would suggest its own method for every such call. Once per process."""
    warnings.filterwarnings("ignore", r"Please use 'Bot\.", PTBUserWarning)


def _fingerprint(screen: Screen) -> tuple[str, str]:
    """Return what makes two screens look the same: the text and the buttons."""
    buttons = json.dumps(_markup(screen.keyboard), sort_keys=True, ensure_ascii=False)
    return screen.text, buttons


def _markup(keyboard: Keyboard | None) -> dict[str, Any] | None:
    """Return buttons as the Bot API's JSON (None: no buttons)."""
    return keyboard.as_json() if keyboard is not None else None
