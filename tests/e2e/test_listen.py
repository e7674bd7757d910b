"""🔊 Listen: a card read aloud as an OGG/Opus voice note, checked by the fake Bot API.

Needs espeak-ng and opusenc (Debian packages espeak-ng and opus-tools, installed by `.ci/run`
and the Docker image); skipped with that reason where they are absent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import callback_data as cb
from bot.app import build_application, running
from bot.clock import ManualClock
from bot.i18n import translator
from bot.sending.request import AiohttpRequest
from bot.speech.engines import EspeakEngine
from bot.views.cards import LISTEN_LABEL
from bot.views.listen import no_voice_for_language
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import START, Harness, settings_for
from tests.e2e.journeys import UNKNOWN, card, onboard_english, press, say

pytestmark = pytest.mark.skipif(
    not EspeakEngine().available(),
    reason="espeak-ng and opusenc are not installed (apt-get install espeak-ng opus-tools)",
)
LISTEN = cb.encode(cb.LISTEN)


@pytest.fixture
async def voiced(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    """The application with voice notes on (the shipped voices.toml, espeak-ng)."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url, voice_notes=True)
    clock = ManualClock(START)
    request = AiohttpRequest(32, read_timeout=5.0, write_timeout=5.0)
    application = build_application(settings, clock=clock, request=request)
    async with running(application, poll_timeout=1):
        yield Harness(telegram, application, url, clock)
    assert telegram.protocol_errors == [], "the bot made malformed Bot API calls"


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
