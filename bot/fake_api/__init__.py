"""A local fake Telegram Bot API server, strict like Telegram, for tests and the demo.

async with FakeTelegram() as server:
    app = Application.builder().token(server.token).base_url(server.base_url).build()
    user = server.user(42)
    await user.send_command("start")
    await user.wait_for(1)
"""

from bot.fake_api.dispatch import ProtocolError, RecordedRequest
from bot.fake_api.server import DEFAULT_TOKEN, FakeTelegram
from bot.fake_api.state import Button, CallbackAnswer, CallbackQuery, ChatMessage, SentDocument
from bot.fake_api.users import FakeUser

__all__ = [
    "DEFAULT_TOKEN",
    "Button",
    "CallbackAnswer",
    "CallbackQuery",
    "ChatMessage",
    "FakeTelegram",
    "FakeUser",
    "ProtocolError",
    "RecordedRequest",
    "SentDocument",
]
