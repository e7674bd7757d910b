"""Piper: neural voices (https://github.com/OHF-Voice/piper1-gpl), where the operator installed
the engine (`pip install 'asylum-bot[piper]'`) and a voice for the language.

A voice is a model file (`<name>.onnx` and its `<name>.onnx.json`) in PIPER_VOICES_DIR, named in
voices.toml by its name (`en_US-joe-medium`) or by a path. A model is loaded on first use and kept
(about 110 MB of memory each: bench/voice.py); synthesis runs in a thread (onnxruntime releases
the interpreter), the speaker bounding how many at once. Piper reads a text with one voice: the
French terms of a card are read by the person's voice, not the French one.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import shutil
import threading
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.domain.speech import Run
from bot.speech.engines import OPUSENC, EngineError, encode_opus

PIPER = "piper"


@dataclass
class PiperEngine:
    """Piper voices from a folder (or by path)."""

    voices_dir: Path | None = None
    name: str = PIPER
    _loaded: dict[Path, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def available(self) -> bool:
        """Tell whether the piper package and opusenc are installed."""
        return importlib.util.find_spec("piper") is not None and shutil.which(OPUSENC) is not None

    def knows(self, voice: str) -> bool:
        """Tell whether the voice's model and its config are there."""
        model = self.model(voice)
        return model.is_file() and model.with_name(model.name + ".json").is_file()

    def model(self, voice: str) -> Path:
        """Return the model file of a voice named in voices.toml."""
        path = Path(voice)
        if path.suffix == ".onnx" or path.is_absolute():
            return path
        return (self.voices_dir or Path(".")) / f"{voice}.onnx"

    async def synthesize(self, runs: list[Run], voice: str) -> bytes:
        """Read the runs with the voice (in a thread), then encode them as OGG/Opus."""
        text = "".join(run.text for run in runs)
        wav = await asyncio.to_thread(self._wav, text, self.model(voice))
        return await encode_opus(wav)

    def _wav(self, text: str, model: Path) -> bytes:
        try:
            loaded = self._voice(model)
            buffer = io.BytesIO()
            with wave.open(buffer, "wb") as wav_file:
                loaded.synthesize_wav(text, wav_file)
        except Exception as error:  # noqa: BLE001 - onnxruntime and piper raise their own
            raise EngineError(f"piper failed ({type(error).__name__})") from None
        return buffer.getvalue()

    def _voice(self, model: Path) -> Any:
        with self._lock:  # one load per model, even when two presses come at once
            if model not in self._loaded:
                from piper import PiperVoice  # optional: imported only where it is used

                self._loaded[model] = PiperVoice.load(model)
            return self._loaded[model]
