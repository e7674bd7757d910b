"""copyMessage through the real PTB Bot, over HTTP, and people replying to the bot's messages."""

from __future__ import annotations

import asyncio

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters
from telegram.error import BadRequest, Forbidden

from fake_telegram import FakeTelegram, FakeUser
from fake_telegram.objects import message_json
from tests.fake_telegram.conftest import CHAT_ID

OTHER_ID = 43


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """Build a one-row inline keyboard from (label, callback_data) pairs."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in pairs]])


@pytest.fixture
def other(server: FakeTelegram) -> FakeUser:
    """Return a second person, in their own private chat with the bot."""
    return server.user(OTHER_ID, first_name="Bilal")


async def test_copy_of_a_text_keeps_entities_and_takes_the_new_keyboard(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser, other: FakeUser
) -> None:
    """The copy is the bot's own message, without forward header and with only the given keys."""
    sent = await bot.send_message(
        CHAT_ID, "<b>Rendez-vous</b> demain", parse_mode="HTML", reply_markup=keyboard(("A", "a"))
    )
    waiting = asyncio.create_task(other.wait_for(lambda m: m.copied_from is not None))
    copied = await bot.copy_message(
        OTHER_ID, CHAT_ID, sent.message_id, reply_markup=keyboard(("B", "b"))
    )
    found = await waiting
    assert isinstance(copied, telegram.MessageId) and copied.message_id == 1
    assert found is other.last_message and found.from_bot
    assert found.copied_from == (CHAT_ID, sent.message_id)
    assert found.text == "Rendez-vous demain"
    assert [(e["type"], e["offset"], e["length"]) for e in found.entities] == [("bold", 0, 11)]
    assert [(b.text, b.callback_data) for b in other.buttons()] == [("B", "b")]
    rendered = message_json(server.state, found)
    assert rendered["from"]["is_bot"] and "forward_origin" not in rendered
    # Without reply_markup the original's keyboard is not copied, as Telegram does.
    again = await bot.copy_message(CHAT_ID, CHAT_ID, sent.message_id)
    assert user.chat.messages[again.message_id].buttons == []
    assert server.protocol_errors == []


async def test_copy_of_a_persons_text_replies_where_asked(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser, other: FakeUser
) -> None:
    """A person's /command is copied with its entity; reply_parameters works as in sendMessage."""
    said = await user.send_text("/start merci")
    welcome = await bot.send_message(OTHER_ID, "Bienvenue")
    copied = await bot.copy_message(
        OTHER_ID, CHAT_ID, said.message_id, reply_parameters=ReplyParameters(welcome.message_id)
    )
    message = other.chat.messages[copied.message_id]
    assert message.text == "/start merci" and message.entities[0]["type"] == "bot_command"
    assert message.reply_to_message_id == welcome.message_id
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.copy_message(
            OTHER_ID, CHAT_ID, said.message_id, reply_parameters=ReplyParameters(99)
        )


async def test_copy_of_a_photo_with_its_caption_replaced(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser, other: FakeUser
) -> None:
    """A new caption is parsed like sendPhoto's; without one the original caption stays."""
    photo = await user.send_photo(caption="mon titre")
    await bot.copy_message(
        OTHER_ID, CHAT_ID, photo.message_id, caption="<i>Nouveau</i> titre", parse_mode="HTML"
    )
    copy = other.last_message
    assert copy.media["photo"] == photo.media["photo"] and copy.text is None
    assert copy.caption == "Nouveau titre" and copy.raw_caption == "<i>Nouveau</i> titre"
    assert [e["type"] for e in copy.caption_entities] == ["italic"]
    await bot.copy_message(OTHER_ID, CHAT_ID, photo.message_id)
    assert other.last_message.caption == "mon titre"
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await bot.copy_message(OTHER_ID, CHAT_ID, photo.message_id, caption="a" * 1025)
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.copy_message(
            OTHER_ID, CHAT_ID, photo.message_id, caption="<b>x", parse_mode="HTML"
        )
    assert len(other.messages) == 2


async def test_copy_of_a_voice_and_of_a_document(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser, other: FakeUser
) -> None:
    """Media are copied as they are; a document the bot sent is recorded for the new chat."""
    voice = await user.send_voice(duration=7)
    await bot.copy_message(OTHER_ID, CHAT_ID, voice.message_id)
    assert other.last_message.media["voice"] == voice.media["voice"]
    assert other.last_message.media["voice"]["duration"] == 7
    sent = await bot.send_document(CHAT_ID, b"%PDF-1.4 data", filename="titre.pdf")
    copied = await bot.copy_message(OTHER_ID, CHAT_ID, sent.message_id, caption="Votre titre")
    (document,) = other.documents
    assert (document.chat_id, document.message_id) == (OTHER_ID, copied.message_id)
    assert document.filename == "titre.pdf" and document.data == b"%PDF-1.4 data"
    assert document.caption == "Votre titre" and user.documents[0].caption is None


async def test_copy_of_a_missing_or_deleted_message_is_refused(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser, other: FakeUser
) -> None:
    """Telegram's 400s: no such message, a deleted one, an unknown source chat."""
    with pytest.raises(BadRequest, match="(?i)message to copy not found"):
        await bot.copy_message(OTHER_ID, CHAT_ID, 99)
    sent = await bot.send_message(CHAT_ID, "bientôt effacé")
    await bot.delete_message(CHAT_ID, sent.message_id)
    with pytest.raises(BadRequest, match="(?i)message to copy not found"):
        await bot.copy_message(OTHER_ID, CHAT_ID, sent.message_id)
    assert [e.description for e in server.protocol_errors] == [
        "Bad Request: message to copy not found"
    ] * 2
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.copy_message(OTHER_ID, 999, sent.message_id)
    assert other.messages == []


async def test_copy_into_a_chat_that_blocked_the_bot_is_forbidden(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser, other: FakeUser
) -> None:
    """The destination must be writable: 403 once its person blocked the bot."""
    said = await user.send_text("à transmettre")
    await other.block()
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.copy_message(OTHER_ID, CHAT_ID, said.message_id)
    assert server.calls("copyMessage")[-1].status == 403
    assert server.protocol_errors == []  # a block is the person's doing, not the bot's mistake
    assert other.messages == []


async def test_a_reply_shows_the_replied_message_and_its_keyboard(
    bot: telegram.Bot, user: FakeUser
) -> None:
    """A person's reply carries reply_to_message, with the bot message's inline keyboard."""
    question = await bot.send_message(
        CHAT_ID, "Confirmez-vous ?", reply_markup=keyboard(("Oui", "yes"))
    )
    await user.send_text("oui", reply_to=question.message_id)
    await user.send_photo(caption="preuve", reply_to=question.message_id)
    await user.send_voice(reply_to=question.message_id)
    await user.send_document("preuve.pdf", reply_to=question.message_id)
    updates = await bot.get_updates()
    assert len(updates) == 4
    replied = updates[0].message.reply_to_message
    assert replied is not None and replied.message_id == question.message_id
    assert replied.text == "Confirmez-vous ?" and replied.from_user.is_bot
    assert replied.reply_markup.inline_keyboard[0][0].callback_data == "yes"
    for update in updates[1:]:
        assert update.message.reply_to_message.message_id == question.message_id
    with pytest.raises(AssertionError, match="no message 99 in chat 42"):
        await user.send_text("hein ?", reply_to=99)
    await bot.delete_message(CHAT_ID, question.message_id)
    with pytest.raises(AssertionError, match="to reply to"):
        await user.send_photo(reply_to=question.message_id)


async def test_a_reaction_on_a_persons_message_as_telegram_checks_it(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """One emoji of Telegram's list on an existing message; anything else is refused."""
    said = await user.send_text("merci")
    assert await bot.set_message_reaction(CHAT_ID, said.message_id, "👌")
    assert said.bot_reaction == "👌"
    for wrong in ("🦖", "ok"):
        with pytest.raises(BadRequest, match="(?i)reaction_invalid"):
            await bot.set_message_reaction(CHAT_ID, said.message_id, wrong)
    with pytest.raises(BadRequest, match="(?i)reactions_too_many"):
        await bot.set_message_reaction(CHAT_ID, said.message_id, ["👌", "👍"])
    with pytest.raises(BadRequest, match="(?i)message to react not found"):
        await bot.set_message_reaction(CHAT_ID, 999, "👌")
    assert await bot.set_message_reaction(CHAT_ID, said.message_id, [])
    assert said.bot_reaction is None
    server.protocol_errors.clear()  # the refusals above were on purpose
