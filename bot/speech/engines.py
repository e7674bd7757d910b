"""Speech engines: text in runs by language, out an OGG/Opus voice note (what sendVoice takes).

Each engine runs as child processes (asyncio subprocesses: the event loop only waits for them),
so synthesis never blocks the bot. espeak-ng writes a WAV, opusenc (opus-tools) encodes it.
"""

from __future__ import annotations

import asyncio
import html
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from bot.domain.speech import Run

ESPEAK = "espeak-ng"
OPUSENC = "opusenc"
FRENCH_VOICE = "fr-fr"
TIMEOUT = 30.0  # seconds for one note; a card takes well under one


class EngineError(Exception):
    """The engine failed or is missing; the message says which step, never the text."""


class Engine(Protocol):
    """Turns runs of text into an OGG/Opus voice note."""

    @property
    def name(self) -> str:
        """Return the engine's name, as voices.toml spells it."""
        ...

    def available(self) -> bool:
        """Tell whether the engine's programs are installed."""
        ...

    def knows(self, voice: str) -> bool:
        """Tell whether the engine has this voice (a misspelt voice must not read with another)."""
        ...

    async def synthesize(self, runs: list[Run], voice: str) -> bytes:
        """Return the voice note (OGG/Opus bytes) of the runs read with `voice`."""
        ...


@dataclass(frozen=True)
class EspeakEngine:
    """espeak-ng, with French runs switched to the French voice by SSML."""

    name: str = ESPEAK

    def available(self) -> bool:
        """Tell whether espeak-ng and opusenc are on the PATH."""
        return shutil.which(ESPEAK) is not None and shutil.which(OPUSENC) is not None

    def knows(self, voice: str) -> bool:
        """Tell whether espeak-ng lists this voice (reading from stdin, it would otherwise fall
        back to its default voice without a word)."""
        return voice.lower() in _espeak_voices()

    async def synthesize(self, runs: list[Run], voice: str) -> bytes:
        """Read the runs aloud and encode them as OGG/Opus."""
        wav = await _run([ESPEAK, "-m", "-v", voice, "--stdin", "--stdout"], ssml(runs))
        return await encode_opus(wav)


async def encode_opus(wav: bytes) -> bytes:
    """Encode a WAV as OGG/Opus. 16 kbit/s is clear speech; complexity 5 encodes about 3 times
    faster than the default 10 for a slightly larger file (bench/voice.py)."""
    return await _run([OPUSENC, "--quiet", "--bitrate", "16", "--comp", "5", "-", "-"], wav)


def ssml(runs: list[Run]) -> bytes:
    """Return the runs as SSML, French runs in the French voice."""
    parts = []
    for run in runs:
        text = html.escape(run.text, quote=False)
        parts.append(f'<voice xml:lang="fr">{text}</voice>' if run.french else text)
    return ("<speak>" + "".join(parts) + "</speak>").encode()


async def _run(argv: list[str], data: bytes) -> bytes:
    """Run a program with `data` on stdin; return its stdout, or raise EngineError."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError as error:
        raise EngineError(f"{argv[0]} could not start ({type(error).__name__})") from None
    try:
        out, _ = await asyncio.wait_for(process.communicate(data), TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise EngineError(f"{argv[0]} took longer than {TIMEOUT:.0f} s") from None
    if process.returncode != 0 or not out:
        raise EngineError(f"{argv[0]} failed (exit status {process.returncode})")
    return out


@cache
def _espeak_voices() -> frozenset[str]:
    """Return the voices espeak-ng lists (`espeak-ng --voices`: the language column), once."""
    try:
        listing = subprocess.run(
            [ESPEAK, "--voices"], capture_output=True, text=True, timeout=10, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    rows = (line.split() for line in listing.splitlines()[1:])
    return frozenset(row[1].lower() for row in rows if len(row) > 1)


def engines(piper_voices: Path | None = None) -> dict[str, Engine]:
    """Return the engines voices.toml may name: espeak-ng, and Piper with its voices' folder."""
    from bot.speech.piper import PIPER, PiperEngine

    return {ESPEAK: EspeakEngine(), PIPER: PiperEngine(piper_voices)}
