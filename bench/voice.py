"""Measure voice notes: time to read one reminder aloud and encode it, per language.

Run: .venv/bin/python -m bench.voice [--rounds 10]
Prints numbers; asserts nothing. Each round reads a different reminder (the day changes), so the
cache never answers; the notes are made one at a time, then `--rounds` at once through the
Speaker (2 workers), as presses would arrive.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.rules.loader import default_rulebook
from bot.i18n import translator
from bot.speech.speaker import Speaker, load_voices
from bot.views.reminder import reminder_message
from fake_telegram.methods.voice import ogg_opus_duration

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))


def reminder_text(code: str, day: int) -> str:
    """Return the 21-day filing reminder in a language, due `day` days after 10 March."""
    rule = default_rulebook().by_id["ofpra_filing_21_days"]
    due = NOW + timedelta(days=7 + day)
    return reminder_message(translator(code), rule, due, NOW, "before").text


async def measure(rounds: int) -> None:
    speaker = Speaker(load_voices(), workers=2, queue=rounds)
    print("| language | one note: p50 / max | bytes | seconds of speech | notes/s, 2 workers |")
    print("|---|---|---|---|---|")
    for code in speaker.languages():
        times, sizes, lengths = [], [], []
        for day in range(rounds):
            began = time.perf_counter()
            note = await speaker.note(reminder_text(code, day), code)
            times.append(time.perf_counter() - began)
            sizes.append(len(note.data))
            lengths.append(ogg_opus_duration(note.data))
        texts = [reminder_text(code, 100 + day) for day in range(rounds)]
        began = time.perf_counter()
        await asyncio.gather(*(speaker.note(text, code) for text in texts))
        rate = rounds / (time.perf_counter() - began)
        print(
            f"| {code} | {statistics.median(times) * 1000:.0f} ms / {max(times) * 1000:.0f} ms "
            f"| {statistics.median(sizes):,.0f} | {statistics.median(lengths):.0f} | {rate:.1f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(measure(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
