"""Simulated people: buttons, callback answers, documents, commands, media, groups."""

from __future__ import annotations

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
)
from telegram.error import BadRequest, Forbidden

from fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.conftest import CHAT_ID


async def test_press_sends_a_callback_query_answered_once(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """Pressing a button queues a callback_query; a second answer is refused."""
    await bot.send_message(
        CHAT_ID,
        "Délai ?",
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Fait", callback_data="dl:7:done"),
                    InlineKeyboardButton("Aide", url="https://example.org"),
                ]
            ]
        ),
    )
    query = await user.press("Fait")
    (update,) = await bot.get_updates()
    assert update.callback_query.data == "dl:7:done"
    assert update.callback_query.message.message_id == query.message_id == 1
    with pytest.raises(BadRequest, match="(?i)text is too long|message_too_long"):
        await update.callback_query.answer("x" * 201)
    await update.callback_query.answer("C'est noté")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await update.callback_query.answer("encore")
    assert [a.text for a in server.callback_answers] == ["C'est noté"]
    with pytest.raises(AssertionError, match="sends no callback data"):
        await user.press("Aide")


async def test_press_lists_available_buttons_when_missing(
    bot: telegram.Bot, user: FakeUser
) -> None:
    """A missing label fails the test with the buttons the person can see."""
    await bot.send_message(
        CHAT_ID,
        "?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Oui", callback_data="y")]]),
    )
    with pytest.raises(AssertionError, match="message 1: 'Oui'->'y'"):
        await user.press("Non")


async def test_press_uses_the_latest_message_having_the_button(
    bot: telegram.Bot, user: FakeUser
) -> None:
    """The same label on two messages: the newest one is pressed; forged data is possible."""
    for data in ("old", "new"):
        await bot.send_message(
            CHAT_ID,
            data,
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data=data)]]),
        )
    assert (await user.press("OK")).message_id == 2
    forged = await user.press_data("dl:999:done", message_id=1)
    updates = await bot.get_updates()
    assert [u.callback_query.data for u in updates] == ["new", "dl:999:done"]
    assert forged.message_id == 1


async def test_send_document_is_recorded_from_multipart(
    server: FakeTelegram, bot: telegram.Bot, user: FakeUser
) -> None:
    """PTB uploads with multipart/form-data; name, type, bytes and caption are kept."""
    sent = await bot.send_document(
        CHAT_ID,
        b"BEGIN:VCALENDAR\n",
        filename="rappels.ics",
        caption="<b>Vos dates</b>",
        parse_mode="HTML",
    )
    assert sent.document.file_name == "rappels.ics" and sent.caption == "Vos dates"
    (document,) = user.documents
    assert (document.filename, document.mime_type, document.data, document.caption) == (
        "rappels.ics",
        "text/calendar",
        b"BEGIN:VCALENDAR\n",
        "Vos dates",
    )
    assert server.calls("sendDocument")[0].uploads["document"].filename == "rappels.ics"
    again = await bot.send_document(CHAT_ID, sent.document.file_id)  # resend by file_id
    assert again.document.file_id == sent.document.file_id


async def test_commands_per_scope_and_language(server: FakeTelegram, bot: telegram.Bot) -> None:
    """Commands are stored per scope and language_code, with no fallback between them."""
    await bot.set_my_commands([BotCommand("start", "Commencer")], language_code="fr")
    await bot.set_my_commands([BotCommand("start", "ابدأ")], language_code="ar")
    await bot.set_my_commands([BotCommand("help", "Help")])
    assert [c.description for c in await bot.get_my_commands(language_code="ar")] == ["ابدأ"]
    assert [c.command for c in await bot.get_my_commands()] == ["help"]
    assert await bot.get_my_commands(language_code="ps") == ()
    assert server.commands(language_code="fr") == [{"command": "start", "description": "Commencer"}]
    await bot.delete_my_commands(language_code="fr")
    assert server.commands(language_code="fr") == []
    server.user(CHAT_ID)
    await bot.set_my_commands([BotCommand("stop", "Stop")], scope=BotCommandScopeChat(CHAT_ID))
    assert server.commands(scope=("chat", CHAT_ID)) == [{"command": "stop", "description": "Stop"}]


async def test_menu_button(server: FakeTelegram, bot: telegram.Bot, user: FakeUser) -> None:
    """The menu button is kept per private chat, with a default."""
    assert (await bot.get_chat_menu_button(CHAT_ID)).type == "default"
    await bot.set_chat_menu_button(CHAT_ID, MenuButtonCommands())
    assert (await bot.get_chat_menu_button(CHAT_ID)).type == "commands"


async def test_media_and_edits_from_people_parse_in_ptb(bot: telegram.Bot, user: FakeUser) -> None:
    """Stickers, photos, voice, documents and edited texts arrive as PTB objects."""
    await user.send_sticker()
    await user.send_photo(caption="mon titre")
    await user.send_voice()
    await user.send_document("convocation.pdf")
    sent = await user.send_text("OFPRA le 12")
    await user.edit_text(sent.message_id, "OFPRA le 13")
    updates = await bot.get_updates()
    assert updates[0].message.sticker.emoji == "👍"
    assert updates[1].message.photo[-1].width == 800
    assert updates[2].message.voice.duration.total_seconds() == 3  # PTB_TIMEDELTA=true
    assert updates[3].message.document.file_name == "convocation.pdf"
    assert updates[5].edited_message.text == "OFPRA le 13"
    file = await bot.get_file(updates[3].message.document.file_id)
    assert bytes(await file.download_as_bytearray()).startswith(b"%PDF")


async def test_groups_and_leaving(server: FakeTelegram, bot: telegram.Bot) -> None:
    """People write in groups; after leaveChat the bot gets 403 there."""
    member = server.user(-1001234, first_name="Sara", chat_type="supergroup", title="Entraide")
    await member.send_text("/start@asile_rappels_test_bot")
    (update,) = await bot.get_updates()
    assert update.message.chat.type == "supergroup" and update.message.from_user.id != -1001234
    assert update.message.entities[0].length == len("/start@asile_rappels_test_bot")
    await bot.send_message(-1001234, "Bonjour le groupe")
    assert await bot.leave_chat(-1001234)
    with pytest.raises(Forbidden, match="not a member of the supergroup chat"):
        await bot.send_message(-1001234, "encore")
    assert member.messages[-1].text == "Bonjour le groupe"


async def test_chat_actions_get_chat_and_channels(server: FakeTelegram, bot: telegram.Bot) -> None:
    """sendChatAction is recorded, getChat describes chats, channel posts arrive as such."""
    server.user(CHAT_ID, first_name="Amina")
    assert await bot.send_chat_action(CHAT_ID, "typing")
    assert server.state.chat_actions == [(CHAT_ID, "typing")]
    assert (await bot.get_chat(CHAT_ID)).first_name == "Amina"
    channel = server.user(-1009999, chat_type="channel", title="Infos", chat_username="infos")
    assert (await bot.get_chat("@infos")).title == "Infos"
    await channel.send_text("annonce")
    (update,) = await bot.get_updates()
    assert update.channel_post.sender_chat.id == -1009999
