"""Sending, editing and deleting messages through the real PTB Bot, over HTTP."""

from __future__ import annotations

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.conftest import CHAT_ID


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """Build a one-row inline keyboard from (label, callback_data) pairs."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


async def test_send_message_returns_a_message_ptb_parses(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """sendMessage answers a realistic Message and the person sees the plain text."""
    sent = await bot.send_message(
        CHAT_ID,
        "<b>Rendez-vous</b> à l'OFPRA 😀",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(("OK", "dl:1:done")),
    )
    assert sent.message_id == 1
    assert sent.chat.id == CHAT_ID and sent.from_user is not None and sent.from_user.is_bot
    assert sent.from_user.id == 123456789
    assert sent.text == "Rendez-vous à l'OFPRA 😀"
    assert sent.entities[0].type == "bold" and sent.entities[0].length == 11
    assert user.last_message.raw_text.startswith("<b>")
    assert [(b.text, b.callback_data) for b in user.buttons()] == [("OK", "dl:1:done")]
    assert server.protocol_errors == []


async def test_unknown_chat_is_refused(server: FakeTelegram, bot: telegram.Bot) -> None:
    """Sending to a chat nobody opened is "chat not found"."""
    with pytest.raises(BadRequest, match="(?i)Chat not found"):
        await bot.send_message(999, "hello")
    assert server.protocol_errors[-1].description == "Bad Request: chat not found"


async def test_invalid_html_is_refused_with_telegrams_words(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """Unbalanced tags give "can't parse entities" and are recorded as protocol errors."""
    with pytest.raises(BadRequest, match="an't parse entities"):
        await bot.send_message(CHAT_ID, "<b>Délai <i>urgent</b></i>", parse_mode="HTML")
    with pytest.raises(BadRequest, match='(?i)unsupported start tag "br"'):
        await bot.send_message(CHAT_ID, "ligne<br>suivante", parse_mode="HTML")
    # PTB strips "Bad Request: " and lower-cases the rest; the server keeps Telegram's words.
    assert [e.description for e in server.protocol_errors] == [
        "Bad Request: can't parse entities: Unmatched end tag at byte offset 19, "
        'expected "</i>", found "</b>"',
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 5',
    ]
    assert user.messages == []


async def test_text_longer_than_4096_after_parsing_is_refused(
    bot: telegram.Bot, user: FakeUser
) -> None:
    """The limit counts the text after entity parsing, in UTF-16 units."""
    await bot.send_message(CHAT_ID, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)Message is too long"):
        await bot.send_message(CHAT_ID, "😀" * 2049)
    with pytest.raises(BadRequest, match="(?i)Message text is empty"):
        await bot.send_message(CHAT_ID, "  <b></b> ", parse_mode="HTML")


async def test_unknown_parameter_is_refused_in_strict_mode(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """A typo in a parameter name is a 400 (Telegram would silently ignore it)."""
    with pytest.raises(BadRequest, match='(?i)unknown parameter "txt"'):
        await bot.send_message(CHAT_ID, "hi", api_kwargs={"txt": "x"})
    assert server.protocol_errors[-1].params["txt"] == "x"


async def test_callback_data_over_64_bytes_is_refused(bot: telegram.Bot, user: FakeUser) -> None:
    """callback_data is limited in bytes: 64 ASCII pass, 33 two-byte letters do not."""
    await bot.send_message(CHAT_ID, "ok", reply_markup=keyboard(("a", "x" * 64)))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT_ID, "no", reply_markup=keyboard(("a", "x" * 65)))
    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT_ID, "no", reply_markup=keyboard(("a", "é" * 33)))


async def test_inline_button_needs_exactly_one_action(bot: telegram.Bot, user: FakeUser) -> None:
    """A button with only a label is refused, like Telegram."""
    with pytest.raises(BadRequest, match="(?i)text buttons are unallowed"):
        await bot.send_message(
            CHAT_ID, "x", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("a")]])
        )


async def test_edit_with_same_content_is_not_modified(bot: telegram.Bot, user: FakeUser) -> None:
    """Editing to identical text and keyboard gives Telegram's "message is not modified"."""
    sent = await bot.send_message(
        CHAT_ID, "<b>v1</b>", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
    )
    await bot.edit_message_text("v2", CHAT_ID, sent.message_id, reply_markup=keyboard(("A", "a")))
    assert user.last_message.text == "v2" and user.last_message.edited
    with pytest.raises(
        BadRequest, match="(?i)message is not modified: specified new message content"
    ):
        await bot.edit_message_text(
            "v2", CHAT_ID, sent.message_id, reply_markup=keyboard(("A", "a"))
        )
    await bot.edit_message_text("v2", CHAT_ID, sent.message_id)  # dropping the keyboard is a change
    assert user.buttons() == []
    with pytest.raises(BadRequest, match="(?i)Message to edit not found"):
        await bot.edit_message_text("v3", CHAT_ID, 99)


async def test_edit_reply_markup_and_delete(bot: telegram.Bot, user: FakeUser) -> None:
    """Keyboards can be replaced; deleted messages disappear from what the person sees."""
    sent = await bot.send_message(CHAT_ID, "choose", reply_markup=keyboard(("A", "a")))
    await bot.edit_message_reply_markup(CHAT_ID, sent.message_id, reply_markup=keyboard(("B", "b")))
    assert [b.text for b in user.buttons()] == ["B"]
    assert await bot.delete_message(CHAT_ID, sent.message_id)
    assert user.messages == []
    with pytest.raises(BadRequest, match="(?i)Message to delete not found"):
        await bot.delete_message(CHAT_ID, sent.message_id)


async def test_wait_for_counts_and_predicates(bot: telegram.Bot, user: FakeUser) -> None:
    """wait_for returns as soon as the bot has sent enough, or raises listing what it sent."""
    await bot.send_message(CHAT_ID, "un")
    assert [m.text for m in await user.wait_for(1)] == ["un"]
    found = await user.wait_for(lambda m: m.text == "un")
    assert found.message_id == 1
    with pytest.raises(AssertionError, match="bot messages: \\['un'\\]"):
        await user.wait_for(2, timeout=0.05)
