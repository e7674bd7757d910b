"""🔊 Listen: a card read aloud as an OGG/Opus voice note, checked by the fake Bot API.

Needs espeak-ng and opusenc (Debian packages espeak-ng and opus-tools, installed by `.ci/run`
and the Docker image); skipped with that reason where they are absent.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest

from bot import callback_data as cb
from bot.i18n import translator
from bot.speech.engines import EspeakEngine
from bot.speech.speaker import Speaker, load_voices
from bot.views.cards import LISTEN_LABEL
from bot.views.listen import no_voice_for_language
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import PARIS, Harness, harness
from tests.e2e.journeys import UNKNOWN, card, onboard_english, press, say
from tests.e2e.test_associations import answer_of

pytestmark = pytest.mark.skipif(
    not EspeakEngine().available(),
    reason="espeak-ng and opusenc are not installed (apt-get install espeak-ng opus-tools)",
)
LISTEN = cb.encode(cb.LISTEN)


@pytest.fixture
async def voiced(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    """The application with voice notes on (the shipped voices.toml, espeak-ng)."""
    async with harness(telegram, tmp_path, timeout=5.0, voice_notes=True) as running_bot:
        yield running_bot


async def test_a_card_is_read_aloud_and_sent_again_without_a_second_upload(
    voiced: Harness,
) -> None:
    user = voiced.telegram.user(9100, language_code="en")
    await onboard_english(user)
    await press(user, UNKNOWN)
    filing = await card(user, "ofpra_filing_21_days")
    assert "🔊 Listen" in [b.text for b in filing.buttons]
    await user.press_data(LISTEN, filing.message_id)
    await user.wait_for(lambda _: len(voiced.telegram.state.voices) == 1, timeout=15)
    first = voiced.telegram.state.voices[0]
    # The fake refuses anything but OGG/Opus; the note answers the card it reads.
    assert first.data is not None and first.data[:4] == b"OggS" and b"OpusHead" in first.data[:80]
    note = voiced.telegram.state.chats[9100].messages[first.message_id]
    assert note.reply_to_message_id == filing.message_id
    assert note.media["voice"]["duration"] >= 2
    await user.press_data(LISTEN, filing.message_id)
    await user.wait_for(lambda _: len(voiced.telegram.state.voices) == 2, timeout=15)
    calls = voiced.telegram.calls("sendVoice")
    assert calls[-1].params["voice"] == first.file_id  # Telegram's file_id, not a new upload


async def test_a_language_without_a_voice_has_no_button_and_is_told_so(voiced: Harness) -> None:
    user = voiced.telegram.user(9101, language_code="en")
    await onboard_english(user)
    await press(user, UNKNOWN)
    await card(user, "ofpra_filing_21_days")
    await say(user, "/language")
    await press(user, cb.encode(cb.LANGUAGE, "ps"))
    pashto = translator("ps")
    assert no_voice_for_language(pashto) in (user.last_message.text or "")
    await say(user, "/next")
    filing = await card(user, "ofpra_filing_21_days", after=user.last_message.message_id - 1)
    assert pashto.gettext(LISTEN_LABEL) not in [b.text for b in filing.buttons]
    answer = await user.press_data(LISTEN, filing.message_id)  # forged: a button never shown
    await user.wait_for(lambda _: answer.answered, timeout=5)
    assert voiced.telegram.state.voices == []


async def test_a_reminder_in_arabic_carries_the_button_and_reads_aloud(voiced: Harness) -> None:
    user = voiced.telegram.user(9102, language_code="ar")
    await say(user, "/start")
    await press(user, cb.encode(cb.LANGUAGE, "ar"))
    await press(user, cb.encode(cb.CONSENT, "ar"))
    await press(user, cb.encode(cb.STAGE, "certificate_received"))
    await say(user, "93")
    await press(user, f"{cb.ANSWER}:normal.")
    await say(user, "02/03/2026")
    await press(user, f"{cb.CONFIRM}:y.")
    await press(user, UNKNOWN)
    filing = await card(user, "ofpra_filing_21_days")
    assert translator("ar").gettext(LISTEN_LABEL) in [b.text for b in filing.buttons]
    await user.press_data(LISTEN, filing.message_id)
    await user.wait_for(lambda _: len(voiced.telegram.state.voices) == 1, timeout=15)


FIRST_REMINDER = datetime(2026, 3, 5, 9, 0, 30, tzinfo=PARIS)  # the 21-day filing's first


async def test_a_person_who_asks_to_hear_reminders_gets_each_one_as_a_voice_note_too(
    voiced: Harness,
) -> None:
    user = voiced.telegram.user(9103, language_code="en")
    await onboard_english(user)
    await press(user, UNKNOWN)
    await card(user, "ofpra_filing_21_days")
    await say(user, "/language")
    await press(user, "🔊 Also send my reminders as voice notes")
    confirmed = await user.wait_for(lambda m: "also comes as a voice note" in (m.text or ""))
    assert [b.text for b in confirmed.buttons] == ["🔇 Reminders as text only"]
    before = user.last_message.message_id
    voiced.clock.set(FIRST_REMINDER)
    reminder = await card(user, "ofpra_filing_21_days", after=before)
    await user.wait_for(lambda _: len(voiced.telegram.state.voices) == 1, timeout=15)
    note = voiced.telegram.state.voices[0]
    assert note.chat_id == 9103 and note.message_id > reminder.message_id
    await say(user, "/mydata")
    await user.wait_for(lambda m: "Reminders as voice notes too: yes" in (m.text or ""))


def test_a_misspelt_voice_is_not_used_for_its_language(tmp_path: Path) -> None:
    """espeak-ng reading from stdin falls back to its default voice without a word: a voice it
    does not list leaves its language without the button, rather than read by another voice."""
    voices = tmp_path / "voices.toml"
    voices.write_text('[languages]\nar = { engine = "espeak-ng", voice = "arabic-typo" }\n')
    assert Speaker(load_voices(voices)).languages() == []


@pytest.fixture
async def broken_voice(
    telegram: FakeTelegram, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Harness]:
    """Voice notes on, but the encoder on the PATH fails (a broken install): every note fails."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    broken = bin_dir / "opusenc"
    broken.write_text("#!/bin/sh\necho 'opusenc: broken' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    async with harness(telegram, tmp_path, timeout=5.0, voice_notes=True) as running_bot:
        yield running_bot


async def test_a_failing_engine_leaves_the_text_and_says_so(
    broken_voice: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    user = broken_voice.telegram.user(9104, language_code="en")
    await onboard_english(user)
    await press(user, UNKNOWN)
    filing = await card(user, "ofpra_filing_21_days")
    query = await user.press_data(LISTEN, filing.message_id)
    assert await answer_of(broken_voice.telegram, query) == (
        "The voice note could not be made. The text says the same."
    )
    assert broken_voice.telegram.state.voices == []
    assert user.chat.messages[filing.message_id].text == filing.text  # the card as it was
    assert "voice note failed" in caplog.text and "Ofpra" not in caplog.text


async def test_a_failing_engine_leaves_the_reminder_text_and_counts_the_note(
    broken_voice: Harness,
) -> None:
    user = broken_voice.telegram.user(9105, language_code="en")
    await onboard_english(user)
    await press(user, UNKNOWN)
    await card(user, "ofpra_filing_21_days")
    await say(user, "/language")
    await press(user, "🔊 Also send my reminders as voice notes")
    await user.wait_for(lambda m: "also comes as a voice note" in (m.text or ""))
    before = user.last_message.message_id
    broken_voice.clock.set(FIRST_REMINDER)
    reminder = await card(user, "ofpra_filing_21_days", after=before)
    assert reminder.text  # the reminder itself, as for everyone
    dispatcher = broken_voice.application.bot_data.dispatcher
    assert dispatcher is not None and dispatcher.voice is not None
    voice = dispatcher.voice
    for _ in range(150):  # the note follows the text from a queue: its failure comes after
        if voice.failed:
            break
        await asyncio.sleep(0.1)
    assert voice.failed == 1 and voice.sent == 0
    assert broken_voice.telegram.state.voices == []
