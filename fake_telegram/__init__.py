"""A local fake Telegram Bot API server, strict like Telegram, for tests and the demo.

    async with FakeTelegram() as server:
        app = (Application.builder().token(server.token)
               .base_url(server.base_url).base_file_url(server.base_file_url).build())
        person = server.user(42, first_name="Amina", language_code="fr")
        await person.send_command("start")
        reply = await person.wait_for(lambda m: "Bonjour" in m.text)
        await person.press("Fait")
        assert server.protocol_errors == []

Needs aiohttp (a test/demo dependency); nothing in the production bot imports this package.
"""

from fake_telegram.dispatch import ProtocolError, RecordedRequest
from fake_telegram.server import DEFAULT_TOKEN, FakeTelegram
from fake_telegram.state import Button, CallbackAnswer, CallbackQuery, ChatMessage, SentDocument
from fake_telegram.users import FakeUser

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
