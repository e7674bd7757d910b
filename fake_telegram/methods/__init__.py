"""The Bot API methods the fake implements, by their spec name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fake_telegram.methods import (
    chats,
    copy,
    files,
    messages,
    photo,
    polling,
    settings,
    venue,
    voice,
)

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

Handler = Callable[["FakeTelegram", dict[str, Any]], Awaitable[Any]]

HANDLERS: dict[str, Handler] = {
    **chats.HANDLERS,
    **copy.HANDLERS,
    **files.HANDLERS,
    **messages.HANDLERS,
    **polling.HANDLERS,
    **settings.HANDLERS,
    **voice.HANDLERS,
    **photo.HANDLERS,
    **venue.HANDLERS,
}
