"""Voice notes of the bot's messages: which languages are spoken, a bounded pool, a cache.

At most `workers` notes are made at once and `queue` more wait; past that a press is answered
"try again in a minute" instead of piling up work. A note is cached by (text, language, engine,
voice); after its first upload Telegram's file_id is kept with it, so the same card is sent
again without uploading it. The cache holds card texts (dates and steps, no chat ids or names)
in memory only, and at most `cache_size` notes.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain.speech import spoken_runs
from bot.speech.engines import Engine, EngineError
from bot.speech.engines import engines as installable_engines

log = logging.getLogger(__name__)
VOICES_FILE = Path(__file__).with_name("voices.toml")


class Busy(Exception):
    """Too many voice notes are being made; the person is asked to try again soon."""


@dataclass(frozen=True)
class Voice:
    """The engine and voice that speak a language."""

    engine: str
    voice: str


@dataclass
class Note:
    """A voice note: its OGG/Opus bytes, and Telegram's file_id once uploaded."""

    key: str
    data: bytes
    file_id: str | None = None


def load_voices(path: Path = VOICES_FILE) -> dict[str, Voice]:
    """Read the operator's choice of engine and voice per language."""
    with path.open("rb") as file:
        table = tomllib.load(file).get("languages", {})
    return {code: Voice(str(v["engine"]), str(v["voice"])) for code, v in table.items()}


@dataclass
class Speaker:
    """Makes voice notes for the languages an installed engine speaks."""

    voices: dict[str, Voice]
    engines: dict[str, Engine] = field(default_factory=installable_engines)
    workers: int = 2
    queue: int = 20
    cache_size: int = 500
    _cache: OrderedDict[str, Note] = field(default_factory=OrderedDict)
    _waiting: int = 0
    _pool: asyncio.Semaphore | None = None

    def __post_init__(self) -> None:
        installed = {name for name, engine in self.engines.items() if engine.available()}
        usable = {}
        for code, voice in self.voices.items():
            if voice.engine not in installed:
                continue
            if not self.engines[voice.engine].knows(voice.voice):
                log.warning(
                    "voice notes: %s has no voice %r; %s is not spoken",
                    voice.engine,
                    voice.voice,
                    code,
                )
                continue
            usable[code] = voice
        self.voices = usable

    def speaks(self, locale: str) -> bool:
        """Tell whether a voice note can be made in this language."""
        return locale in self.voices

    def languages(self) -> list[str]:
        """Return the languages spoken, for the logs and the operator."""
        return sorted(self.voices)

    async def note(self, text: str, locale: str, *, patient: bool = False) -> Note:
        """Return the voice note of a message in a language (cached); raise Busy (only when
        not `patient`: a press is told to try later, a queued reminder waits) or EngineError."""
        voice = self.voices.get(locale)
        if voice is None:
            raise EngineError(f"no voice for {locale}")
        key = hashlib.sha256(
            f"{voice.engine}\0{voice.voice}\0{locale}\0{text}".encode()
        ).hexdigest()
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        if not patient and self._waiting >= self.workers + self.queue:
            raise Busy
        self._waiting += 1
        try:
            async with self._semaphore():
                runs = spoken_runs(text, locale)
                if not runs:
                    raise EngineError("nothing to read")
                data = await self.engines[voice.engine].synthesize(runs, voice.voice)
        except EngineError as error:
            log.warning("voice note failed (%s, %s): %s", voice.engine, locale, error)
            raise
        finally:
            self._waiting -= 1
        note = Note(key, data)
        self._cache[key] = note
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return note

    def _semaphore(self) -> asyncio.Semaphore:
        if self._pool is None:  # made on first use, inside the running event loop
            self._pool = asyncio.Semaphore(self.workers)
        return self._pool
