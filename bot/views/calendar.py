"""An inline calendar to pick a day: one month per keyboard, weeks starting on Monday.

Pure: builds buttons and decodes their callback data, no network. Names come from Babel's
Gregorian data for the person's locale. Callback data is short and checked when pressed:
`cal:m:YYYYMM` shows a month, `cal:d:YYYYMMDD` picks a day, `cal:x` does nothing.

Digits: day numbers and the year use the locale's default numbering system in Babel (CLDR)
when it is Arabic-Indic, Persian or Bengali, else ASCII digits. So Persian, Dari and Pashto
get ۱۲, Bengali ১২, Arabic `ar` 12 (CLDR's default for `ar` is `latn`, as on French papers;
regional `ar_EG` or `ar_SA` would get ١٢). The date parser reads all of them back.

Right to left: Telegram never mirrors keyboards, so the grid stays Monday..Sunday from left
to right, the left arrow is always the previous month, and in right-to-left locales the arrows
are wrapped in a left-to-right isolate so the mirrored glyphs "‹" "›" are not flipped.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Literal

from babel import Locale
from babel.dates import get_day_names, get_month_names
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import PDI, Translator

CALENDAR_PREFIX = "cal"
NOOP = f"{CALENDAR_PREFIX}:x"
MAX_BYTES = 64
PREVIOUS, NEXT = "‹", "›"
LRI = "\u2066"
# Telegram refuses blank button labels; the Braille blank renders empty but is not whitespace.
BLANK, UNAVAILABLE = "\u2800", "·"
TODAY_MARK = "•{day}•"
NATIVE_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "beng": "০১২৩৪৫৬৭৮৯"}
_DATA = re.compile(rf"{CALENDAR_PREFIX}:(?:m:([0-9]{{6}})|d:([0-9]{{8}})|x)")
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)


@dataclass(frozen=True)
class CalendarAction:
    """A decoded calendar press: show a month (its first day), pick a day, or nothing.

    `value` is always a date so handlers need no None checks once they know the kind; a no-op
    carries `date.min`, which is never a valid answer.
    """

    kind: Literal["month", "day", "noop"]
    value: date = date.min


def calendar_keyboard(
    t: Translator, *, month: date, today: date, earliest: date, latest: date
) -> InlineKeyboardMarkup:
    """Build the calendar of a month (moved inside the bounds) where only days in bounds work."""
    if earliest > latest:
        raise ValueError(f"earliest {earliest} is after latest {latest}")
    first = min(max(month.replace(day=1), earliest.replace(day=1)), latest.replace(day=1))
    rows = [_header(t, first, earliest, latest), _weekday_row(t.locale)]
    for week in _WEEKS.monthdatescalendar(first.year, first.month):
        rows.append([_day_button(t.locale, day, first, today, earliest, latest) for day in week])
    return InlineKeyboardMarkup(rows)


def parse_calendar_data(data: str | None) -> CalendarAction | None:
    """Return the press encoded in callback data, or None when it is malformed or forged."""
    if not isinstance(data, str) or len(data) > MAX_BYTES:
        return None
    match = _DATA.fullmatch(data)
    if match is None:
        return None
    month, day = match.groups()
    try:
        if month is not None:
            return CalendarAction("month", date(int(month[:4]), int(month[4:]), 1))
        if day is not None:
            return CalendarAction("day", date(int(day[:4]), int(day[4:6]), int(day[6:])))
    except ValueError:  # month 13, 30 February, year 0
        return None
    return CalendarAction("noop")


def month_data(first: date) -> str:
    """Return the callback data that shows a month."""
    return f"{CALENDAR_PREFIX}:m:{first.year:04d}{first.month:02d}"


def day_data(day: date) -> str:
    """Return the callback data that picks a day."""
    return f"{CALENDAR_PREFIX}:d:{day.year:04d}{day.month:02d}{day.day:02d}"


def _header(t: Translator, first: date, earliest: date, latest: date) -> list[InlineKeyboardButton]:
    """Return the row "‹  Month YYYY  ›"; an arrow past a bound is a blank no-op."""
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=31)).replace(day=1)
    label = f"{month_name(t.locale, first.month)} {localise_digits(t.locale, first.year)}"
    return [
        _arrow(t, PREVIOUS, previous_month if first > earliest.replace(day=1) else None),
        _noop(label),
        _arrow(t, NEXT, next_month if first < latest.replace(day=1) else None),
    ]


def _arrow(t: Translator, glyph: str, target: date | None) -> InlineKeyboardButton:
    """Return a navigation arrow to a month, or a blank no-op when there is none."""
    if target is None:
        return _noop(BLANK)
    text = f"{LRI}{glyph}{PDI}" if t.is_rtl else glyph
    return InlineKeyboardButton(text, callback_data=month_data(target))


def _weekday_row(locale: str) -> list[InlineKeyboardButton]:
    """Return the no-op row of weekday names, Monday first."""
    return [_noop(name) for name in weekday_names(locale)]


def _day_button(
    locale: str, day: date, first: date, today: date, earliest: date, latest: date
) -> InlineKeyboardButton:
    """Return a day's button: blank outside the month, "·" out of bounds, marked when today."""
    if day.month != first.month:
        return _noop(BLANK)
    if not earliest <= day <= latest:
        return _noop(UNAVAILABLE)
    number = localise_digits(locale, day.day)
    text = TODAY_MARK.format(day=number) if day == today else number
    return InlineKeyboardButton(text, callback_data=day_data(day))


def _noop(text: str) -> InlineKeyboardButton:
    """Return a button that does nothing when pressed."""
    return InlineKeyboardButton(text, callback_data=NOOP)


@cache
def month_name(locale: str, month: int) -> str:
    """Return the stand-alone name of a month ("mars", "март", not the genitive "марта")."""
    name = get_month_names("wide", context="stand-alone", locale=locale)[month]
    formatted = get_month_names("wide", context="format", locale=locale)[month]
    # Babel 2.18 can leak another locale's stand-alone names into this one (after Hebrew,
    # French gets Hebrew: python-babel/babel PR #1263). A name in another script is such a leak.
    return name if _script(name) == _script(formatted) else formatted


@cache
def weekday_names(locale: str) -> tuple[str, ...]:
    """Return the seven narrow weekday names, Monday first, in the format context."""
    # The stand-alone context is avoided: Babel 2.18 leaks it between locales (see month_name).
    narrow = get_day_names("narrow", locale=locale)
    if _script(narrow[0]) != _script(get_day_names("wide", locale=locale)[0]):
        narrow = get_day_names("abbreviated", locale=locale)  # Pashto: CLDR's narrow are Latin
    return tuple(narrow[weekday] for weekday in range(7))


def localise_digits(locale: str, number: int) -> str:
    """Write a number with the locale's native digits when its default system is not Latin."""
    return str(number).translate(_digit_table(locale))


@cache
def _digit_table(locale: str) -> dict[int, str]:
    """Return the str.translate table from ASCII to the locale's default digits ({} if Latin)."""
    digits = NATIVE_DIGITS.get(Locale.parse(locale).default_numbering_system)
    return {} if digits is None else {ord("0") + value: digit for value, digit in enumerate(digits)}


def _script(text: str) -> str:
    """Return the Unicode script word ("LATIN", "ARABIC") of the first letter of a text."""
    letter = next((char for char in text if char.isalpha()), "")
    return unicodedata.name(letter, "").split(" ")[0]
