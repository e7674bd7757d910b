"""Formatting shared by every view: escaping, dates in the person's language, message size."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from babel.dates import format_date, format_time, format_timedelta

from bot.i18n import RLM, Translator, isolate_latin_runs

MAX_MESSAGE = 4096


@dataclass(frozen=True)
class Button:
    """An inline button: its label, and the data sent back when it is pressed."""

    text: str
    callback_data: str


@dataclass(frozen=True)
class Keyboard:
    """Inline buttons as plain data (rows of buttons, as the Bot API's `inline_keyboard`).

    Views stay free of Telegram's types; bot/sending turns this into the Bot API's JSON.
    """

    inline_keyboard: tuple[tuple[Button, ...], ...]

    def buttons(self) -> Iterator[Button]:
        """Return every button, row after row."""
        return (button for row in self.inline_keyboard for button in row)

    def as_json(self) -> dict[str, list[list[dict[str, str]]]]:
        """Return the Bot API's InlineKeyboardMarkup as JSON."""
        return {
            "inline_keyboard": [
                [{"text": b.text, "callback_data": b.callback_data} for b in row]
                for row in self.inline_keyboard
            ]
        }


@dataclass(frozen=True)
class Screen:
    """One message to send: HTML text and optional buttons."""

    text: str
    keyboard: Keyboard | None = None


@dataclass(frozen=True)
class Copy:
    """A message copied from a chat as it is (Telegram's copyMessage, without "forwarded from"):
    what a person wrote, relayed to an association's staff. `caption` (HTML) replaces the
    caption of a photo, voice note or document; buttons go under the copy."""

    from_chat_id: int
    message_id: int
    keyboard: Keyboard | None = None
    caption: str | None = None


@dataclass(frozen=True)
class FileScreen:
    """A voice note, photo or document Telegram already holds (its file_id), with a caption."""

    kind: str  # "voice", "photo" or "document"
    file_id: str
    caption: str | None = None
    keyboard: Keyboard | None = None


# Anything the outbox sends as one message.
Outgoing = Screen | Copy | FileScreen


def preceded(screen: Screen | str, *notes: str) -> Screen:
    """Return a screen with short notes above it, in one message (one call instead of several).

    Notes carry no buttons; the screen keeps its own.
    """
    if isinstance(screen, str):
        screen = Screen(screen)
    lines = [note for note in notes if note]
    if not lines:
        return screen
    return Screen("\n\n".join([*lines, screen.text]), screen.keyboard)


def esc(text: object) -> str:
    """Escape anything for Telegram HTML."""
    return html.escape(str(text), quote=False)


def day(t: Translator, value: date) -> str:
    """Return a date as words in the person's language ("23 mars 2026"), isolated in RTL."""
    return t.isolate(_date_words(value, "long", t))


def weekday_day(t: Translator, value: date) -> str:
    """Return a date with its weekday ("lundi 23 mars 2026")."""
    return t.isolate(_date_words(value, "full", t))


def moment(t: Translator, value: datetime) -> str:
    """Return a date and time, the time shown only when it is not the end of the day."""
    if value.hour == 23 and value.minute == 59:
        return weekday_day(t, value.date())
    clock = format_time(value, format="short", locale=t.babel)
    return t.isolate(f"{_date_words(value.date(), 'full', t)} {clock}")


@lru_cache(maxsize=4096)
def _date_words(value: date, form: str, t: Translator) -> str:
    """Format a date with Babel (Gregorian, as on French papers); the dispatcher repeats dates."""
    return format_date(value, format=form, locale=t.babel)


def days_left(t: Translator, count: int) -> str:
    """Return "in 3 days" / "today" / "2 days ago" in the person's language."""
    if count == 0:
        return t.gettext("today")
    if count > 0:
        return t.ngettext("in {n} day", "in {n} days", count).format(n=count)
    return t.ngettext("{n} day ago", "{n} days ago", -count).format(n=-count)


def distance(t: Translator, value: date, today: date) -> str:
    """Return how far a date is from today: "today", "in 3 days", "9 months ago" (Babel's words
    beyond six weeks)."""
    count = (value - today).days
    if abs(count) <= 42:
        return days_left(t, count)
    words = format_timedelta(
        timedelta(days=count), threshold=1.1, add_direction=True, locale=t.babel
    )
    return isolate_latin_runs(words) if t.is_rtl else words


# Ukrainian and Russian dates end with an abbreviated "year" ("4 грудня 2026 р."): a sentence
# ending on such a date must not get a second full stop.
_YEAR_STOP = re.compile(r"(\b[рг]\.)\.")
# French elides "de" before a vowel: "Abonnés de {name}" with "Entraide" is "Abonnés d'Entraide"
# (the catalog itself never has "de" before a vowel; names come from placeholders).
_FRENCH_ELISION = re.compile(r"\b([Dd])e ([AEIOUYÂÊÎÔÛÉÈaeiouyâêîôûéè])")


def rtl(t: Translator, text: str) -> str:
    """Finish a message: no double full stop after an abbreviated year, French elision after a
    name was put in, and a right-to-left mark first in right-to-left languages so Telegram
    aligns the message to the right."""
    text = _YEAR_STOP.sub(r"\1", text)
    if t.locale.startswith("fr"):
        text = _FRENCH_ELISION.sub(r"\1'\2", text)
    return f"{RLM}{text}" if t.is_rtl else text


Rows = list[list[tuple[str, str]]]


def keyboard(rows: Iterable[Sequence[tuple[str, str]]]) -> Keyboard:
    """Build inline buttons from rows of (label, callback data)."""
    return Keyboard(tuple(tuple(Button(label, data) for label, data in row) for row in rows))


def split_long(paragraphs: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Group paragraphs into messages under Telegram's limit (a paragraph is never cut in HTML)."""
    messages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        # A single paragraph over the limit (never produced by our views) loses its tags rather
        # than being cut inside one, which Telegram would refuse.
        current = paragraph if len(paragraph) <= limit else _plain(paragraph)[: limit - 1] + "…"
    if current:
        messages.append(current)
    return messages


def _plain(text: str) -> str:
    """Drop HTML tags, keeping escaped text escaped."""
    return re.sub(r"<[^>]+>", "", text)
