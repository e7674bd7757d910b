"""An association's own voice: a staff member records a voice note with a broadcast.

No speech engine is needed: the note stays on Telegram's servers and is sent by its file_id
after the text, to each follower of the version it was recorded with.
"""

from __future__ import annotations

import asyncio

import pytest

from bot import callback_data as cb
from bot.callback_data import DraftAction
from tests.e2e.conftest import Harness
from tests.e2e.journeys import press
from tests.e2e.test_broadcast_features import admin_of, compose, got, seed

FOLLOWERS = (731, 732, 733)


async def test_a_recorded_voice_note_follows_the_text_to_every_follower(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Accueil", capsys)
    await asyncio.to_thread(seed, bot.database_url, "Accueil", {c: {} for c in FOLLOWERS})
    followers = [bot.telegram.user(chat, language_code="en") for chat in FOLLOWERS]
    await compose(admin, "Permanence juridique jeudi.")
    assert "send a voice note now" in (admin.last_message.text or "")

    count = len(admin.messages)
    await admin.send_document("message.mp3", b"ID3 fake mp3", "audio/mpeg")
    refused = await admin.wait_for(count + 1)
    assert "record a voice note" in (refused[-1].text or "")
    await admin.send_voice(duration=301)
    await admin.wait_for(lambda m: "longer than 5 minutes" in (m.text or ""))
    recorded = await admin.send_voice(duration=42)
    preview = await admin.wait_for(lambda m: "Recorded voice notes: English" in (m.text or ""))
    assert preview.message_id > recorded.message_id

    await press(admin, cb.encode_draft(DraftAction.SEND))
    await admin.wait_for(lambda m: "3 of 3 people received it" in (m.text or ""), timeout=30)
    await admin.wait_for(lambda _: len(bot.telegram.state.voices) == 3, timeout=10)
    assert got(followers, "Permanence juridique") == [1, 1, 1]
    file_id = recorded.media["voice"]["file_id"]
    for follower in followers:
        notes = [v for v in bot.telegram.state.voices if v.chat_id == follower.chat_id]
        assert [note.file_id for note in notes] == [file_id]  # no upload: Telegram's file
        text = next(m for m in follower.messages if "Permanence" in (m.text or ""))
        assert notes[0].message_id > text.message_id  # after the text


async def test_a_voice_note_outside_a_draft_is_not_taken(bot: Harness) -> None:
    person = bot.telegram.user(734, language_code="en")
    count = len(person.messages)
    await person.send_voice(duration=5)
    replies = await person.wait_for(count + 1)
    assert (replies[-1].text or "").startswith("I am a bot: I cannot read messages")
    assert bot.telegram.state.voices == []
