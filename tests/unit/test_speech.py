"""What is read aloud, and the voice-note maker's bounds, cache and failures."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

import pytest

from bot.domain.speech import MAX_SPOKEN, Run, readable, spoken_runs
from bot.speech.engines import EngineError, ssml
from bot.speech.speaker import Busy, Speaker, Voice, load_voices
from fake_telegram.errors import ApiError
from fake_telegram.methods.voice import ogg_opus_duration

CARD = "⏳ <b>Send your asylum form to Ofpra</b>\n📮 Post it by Thursday, March 19, 2026"


def test_markup_emoji_and_layout_marks_are_not_read() -> None:
    assert spoken_runs(CARD, "en") == [
        Run("Send your asylum form to Ofpra\nPost it by Thursday, March 19, 2026")
    ]
    assert spoken_runs("\u2068\u200f⚠️ <i>a &amp; b</i>\u2069 ⠀", "en") == [Run("a & b")]


def test_french_terms_are_read_in_french() -> None:
    english = spoken_runs("Your certificate (attestation de demande d'asile) expires", "en")
    assert Run("attestation de demande d'asile", french=True) in english
    arabic = spoken_runs("أرسلوا الاستمارة إلى \u2068Ofpra\u2069 قبل ١٩ مارس", "ar")
    assert [run.french for run in arabic] == [False, True, False]
    assert arabic[1].text == "Ofpra"
    # In a Latin-script language, brackets that do not read as French stay in that language.
    assert all(not run.french for run in spoken_runs("Normal (see below)", "tr"))
    assert spoken_runs("Envoyez le formulaire (Ofpra)", "fr") == [
        Run("Envoyez le formulaire (Ofpra)")
    ]


def test_a_huge_text_is_cut() -> None:
    assert len("".join(r.text for r in spoken_runs("word " * 5000, "en"))) <= MAX_SPOKEN


def test_ssml_escapes_the_text_and_switches_to_french() -> None:
    spoken = ssml([Run("a < b "), Run("titre de séjour", french=True)]).decode()
    assert spoken == '<speak>a &lt; b <voice xml:lang="fr">titre de séjour</voice></speak>'


def test_the_shipped_voices_cover_ten_languages_not_pashto_or_tigrinya() -> None:
    voices = load_voices()
    assert len(voices) == 10 and "ps" not in voices and "ti" not in voices


def test_a_file_that_is_not_ogg_opus_is_refused() -> None:
    with pytest.raises(ApiError):
        ogg_opus_duration(b"ID3" + bytes(100))  # an MP3 header
    page = b"OggS\x00\x02" + bytes(20) + b"\x01\x13" + b"OpusTag" + bytes(30)
    with pytest.raises(ApiError):
        ogg_opus_duration(page)  # an OGG page, but not Opus


@dataclass
class SlowEngine:
    """An engine of our own (the Engine protocol) that takes its time, or fails."""

    fail: bool = False
    made: list[str] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def name(self) -> str:
        return "slow"

    def available(self) -> bool:
        return True

    def knows(self, voice: str) -> bool:
        return voice != "misspelt"

    async def synthesize(self, runs: list[Run], voice: str) -> bytes:
        await self.release.wait()
        if self.fail:
            raise EngineError("slow failed (exit status 1)")
        self.made.append(runs[0].text)
        return b"OggS-" + runs[0].text.encode()


def speaker(engine: SlowEngine, **bounds: int) -> Speaker:
    return Speaker({"en": Voice("slow", "v")}, engines={"slow": engine}, **bounds)


async def test_a_note_is_made_once_and_then_taken_from_the_cache() -> None:
    engine = SlowEngine()
    engine.release.set()
    maker = speaker(engine)
    first = await maker.note(CARD, "en")
    again = await maker.note(CARD, "en")
    assert again is first and len(engine.made) == 1
    assert maker.speaks("en") and not maker.speaks("ps")


async def test_past_the_workers_and_the_queue_a_press_is_told_to_wait() -> None:
    engine = SlowEngine()
    maker = speaker(engine, workers=1, queue=1)
    waiting = [asyncio.create_task(maker.note(f"card {n}", "en")) for n in range(2)]
    await asyncio.sleep(0.01)
    with pytest.raises(Busy):
        await maker.note("card 3", "en")
    engine.release.set()
    assert len(await asyncio.gather(*waiting)) == 2
    await maker.note("card 3", "en")  # room again


async def test_a_failing_engine_is_logged_without_the_text(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = SlowEngine(fail=True)
    engine.release.set()
    maker = speaker(engine)
    with caplog.at_level(logging.WARNING), pytest.raises(EngineError):
        await maker.note("Amina must post by 19 March", "en")
    assert "voice note failed" in caplog.text and "Amina" not in caplog.text


def test_a_voice_the_engine_does_not_have_is_not_used() -> None:
    maker = Speaker(
        {"en": Voice("slow", "v"), "fr": Voice("slow", "misspelt")}, engines={"slow": SlowEngine()}
    )
    assert maker.languages() == ["en"]


def test_an_engine_that_is_not_installed_speaks_nothing() -> None:
    class Missing(SlowEngine):
        def available(self) -> bool:
            return False

    assert Speaker({"en": Voice("slow", "v")}, engines={"slow": Missing()}).languages() == []


def test_persian_half_spaces_and_french_no_break_spaces_are_kept() -> None:
    assert readable("مهلت\u200cهای شما") == "مهلت\u200cهای شما"
    assert readable("Dernier jour\u00a0: lundi   23 mars") == "Dernier jour\u00a0: lundi 23 mars"
