"""One Bot API call from request to result: faults, validation, flood limits, the handler."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import ApiError
from fake_telegram.methods import HANDLERS
from fake_telegram.spec import Entry
from fake_telegram.validate import Upload

if TYPE_CHECKING:
    from fake_telegram.server import FakeTelegram

_SENDS = ("send", "copymessage", "forwardmessage")


@dataclass
class RecordedRequest:
    """A call as the server received it: raw `params`, and `values` once validated."""

    method: str
    params: dict[str, Any]
    uploads: dict[str, Upload]
    time: float
    http_method: str
    values: dict[str, Any] | None = None
    status: int | None = None


@dataclass(frozen=True)
class ProtocolError:
    """A call the server refused because the bot got it wrong (never an injected fault)."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
    time: float = field(default_factory=time.time)


def is_send(method: str) -> bool:
    """Tell whether a method posts a message (flood limits apply; sendChatAction does not)."""
    name = method.lower()
    return name.startswith(_SENDS) and name != "sendchataction"


async def call(server: FakeTelegram, entry: Entry, record: RecordedRequest) -> Any:
    """Run one call: injected delay and failure, validation, flood control, then the handler."""
    delay = server.faults.take_delay(entry.name)
    if delay:
        await server.sleep(delay)
    failure = server.faults.take_failure(entry.name, record.params.get("chat_id"))
    if failure is not None:
        raise failure
    values = server.validator.call(entry, record.params, record.uploads)
    record.values = values
    handler = HANDLERS.get(entry.name)
    if handler is None:
        server.unhandled.append(entry.name)
        raise ApiError(501, f"Not Implemented: the fake Bot API has no {entry.name}")
    chat_id = values.get("chat_id")
    chat = server.state.find_chat(chat_id) if is_send(entry.name) and chat_id else None
    if chat is not None:
        server.limiter.check(chat.id, group=chat.type in ("group", "supergroup"))
    result = await handler(server, values)
    if chat is not None:
        server.limiter.record(chat.id)
    return result
