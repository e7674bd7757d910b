"""Measure what a person reads, per language: the summary, a reminder, and the way to them.

Run: .venv/bin/python -m bench.cards
Prints a table (copied into docs/benchmarks.md); asserts nothing (bench/ is never run as tests).

For each language of locales/languages.toml:

- summary: the screens at the end of onboarding for a person with three steps to take (an Ofpra
  rejection received by post on 1 July 2026, procedure not given: the legal aid request, the
  appeal, and reading the appeal period under the EU Pact), rendered by the real views: the
  characters and lines of all its messages together, and of its longest card;
- reminder: the first reminder of the 21-day form (characters, lines);
- the way to the first deadline: the real bot against the fake Bot API, a newcomer choosing the
  language, agreeing, "I received my asylum certificate", typing 93, the procedure, typing the
  certificate date, confirming it, "I don't know" for the expiry: the person's taps and typed
  messages, and the bot's messages and edits, until the first card arrives.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.onboarding import onboarding_steps, press
from bot import callback_data as cb
from bot.app import build_application, running
from bot.clock import ManualClock
from bot.config import load_settings
from bot.db.migrate import upgrade_to_head
from bot.domain.events import Event, EventKind, Facts, Outcome, Received
from bot.domain.planner import compute_plan
from bot.domain.rules.loader import default_rulebook
from bot.i18n import supported_languages, translator
from bot.views.plan import summary
from bot.views.reminder import reminder_message
from fake_telegram.html import parse_html
from fake_telegram.server import FakeTelegram

# PTB periods as timedelta (no deprecation warning on every 429), as `python -m bot` does.
os.environ.setdefault("PTB_TIMEDELTA", "true")

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 3, 10, 0, tzinfo=PARIS)  # the onboarding's day
AFTER_PACT = datetime(2026, 7, 2, 10, 0, tzinfo=PARIS)  # the summary's day: EU Pact rules apply


def shown(html: str) -> str:
    """Return the text Telegram shows for an HTML message."""
    return parse_html(html).text


def summary_numbers(code: str) -> tuple[int, int, int, int]:
    """Return (characters, lines, messages, longest card characters) of the summary."""
    decision = Event(
        EventKind.OFPRA_DECISION, date(2026, 7, 1), outcome=Outcome.REJECTED, received=Received.POST
    )
    facts = Facts("93", (decision,))
    plan = compute_plan(facts, default_rulebook(), now=AFTER_PACT, reminder_time=time(9))
    screens = summary(translator(code), plan, default_rulebook())
    texts = [shown(screen.text) for screen in screens]
    return (
        sum(len(text) for text in texts),
        sum(len(text.splitlines()) for text in texts),
        len(texts),
        max(len(text) for text in texts[1:]),
    )


def reminder_numbers(code: str) -> tuple[int, int]:
    """Return (characters, lines) of the first reminder of the 21-day form."""
    rule = default_rulebook().rule("ofpra_filing_21_days")
    due = datetime(2026, 3, 23, 23, 59, 59, tzinfo=PARIS)
    text = reminder_message(
        translator(code), rule, due, datetime(2026, 3, 5, 9, tzinfo=PARIS), "lead"
    ).text
    return len(shown(text)), len(shown(text).splitlines())


async def way_to_first_deadline(code: str) -> tuple[int, int]:
    """Return (person's actions, bot's messages and edits) from /start to the first card."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        upgrade_to_head(url)
        async with FakeTelegram() as telegram:
            settings = load_settings(
                env_file=None,
                telegram_bot_token=telegram.token,
                telegram_api_base_url=telegram.base_url,
                database_url=url,
                telegram_global_rate=0,
            )
            application = build_application(settings, clock=ManualClock(NOW))
            async with running(application, poll_timeout=1):
                user = telegram.user(8000, language_code=code.split("_")[0])
                actions = onboarding_steps(code, "02/03/2026")
                for kind, value in actions:
                    before = len(user.messages) + sum(m.edit_count for m in user.messages)
                    if kind == "text":
                        await user.send_text(value)
                    else:
                        await press(user, value, timeout=5)
                    await user.wait_for(
                        lambda _, b=before: (
                            len(user.messages) + sum(m.edit_count for m in user.messages) > b
                        )
                    )
                details = cb.encode(cb.DETAILS, "ofpra_filing_21_days")
                await user.wait_for(lambda m: details in [b.callback_data for b in m.buttons])
                await telegram.wait_idle(quiet=0.3)
                sent = [m for m in user.messages if m.from_bot]
                return len(actions), len(sent) + sum(m.edit_count for m in sent)


def main() -> None:
    print(
        "| language | summary: characters / lines / messages (longest card) "
        "| reminder: characters / lines | /start to first deadline: actions / bot messages |"
    )
    print("|---|---|---|---|")
    for language in supported_languages():
        code = language.code
        chars, lines, messages, card = summary_numbers(code)
        r_chars, r_lines = reminder_numbers(code)
        actions, replies = asyncio.run(way_to_first_deadline(code))
        print(
            f"| {language.english} | {chars} / {lines} / {messages} ({card}) | "
            f"{r_chars} / {r_lines} | {actions} / {replies} |"
        )


if __name__ == "__main__":
    main()
