"""An inline calendar to pick a day: one month per keyboard, weeks starting on Monday.

Pure rendering: builds rows of (label, callback data) through `keyboard`; the callback data
(`cal:m:YYYYMM` shows a month, `cal:d:YYYYMMDD` picks a day, `cal:x` does nothing) is encoded
and decoded in bot/callback_data.py. Names come from Babel's Gregorian data for the person's
locale.

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
import unicodedata
from datetime import date, timedelta
from functools import cache

from babel import Locale
from babel.dates import get_day_names, get_month_names

from bot.callback_data import CALENDAR_NOOP, calendar_day_data, calendar_month_data
from bot.i18n import PDI, Translator
from bot.views.common import Keyboard, keyboard

PREVIOUS, NEXT = "‹", "›"
LRI = "\u2066"
# Telegram refuses blank button labels; the Braille blank renders empty but is not whitespace.
BLANK, UNAVAILABLE = "\u2800", "·"
TODAY_MARK = "•{day}•"
NATIVE_DIGITS = {"arab": "٠١٢٣٤٥٦٧٨٩", "arabext": "۰۱۲۳۴۵۶۷۸۹", "beng": "০১২৩৪৫৬৭৮৯"}
_WEEKS = calendar.Calendar(firstweekday=calendar.MONDAY)
Cell = tuple[str, str]  # a button: (label, callback data)


def calendar_keyboard(
    t: Translator, *, month: date, today: date, earliest: date, latest: date, tag: str
) -> Keyboard:
    """Build the calendar of a month (moved inside the bounds) where only days in bounds work;
    its buttons carry the tag of the question it answers."""
    rows = calendar_rows(t, month=month, today=today, earliest=earliest, latest=latest, tag=tag)
    return keyboard(rows)


def calendar_rows(
    t: Translator, *, month: date, today: date, earliest: date, latest: date, tag: str
) -> list[list[Cell]]:
    """Return the calendar's rows of (label, callback data): header, weekdays, weeks."""
    if earliest > latest:
        raise ValueError(f"earliest {earliest} is after latest {latest}")
    first = min(max(month.replace(day=1), earliest.replace(day=1)), latest.replace(day=1))
    rows = [_header(t, first, earliest, latest, tag), _weekday_row(t.locale)]
    for week in _WEEKS.monthdatescalendar(first.year, first.month):
        rows.append(
            [_day_button(t.locale, day, first, today, (earliest, latest), tag) for day in week]
        )
    return rows


def _header(t: Translator, first: date, earliest: date, latest: date, tag: str) -> list[Cell]:
    """Return the row "‹  Month YYYY  ›"; an arrow past a bound is a blank no-op."""
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=31)).replace(day=1)
    label = f"{month_name(t.locale, first.month)} {localise_digits(t.locale, first.year)}"
    return [
        _arrow(t, PREVIOUS, previous_month if first > earliest.replace(day=1) else None, tag),
        _noop(label),
        _arrow(t, NEXT, next_month if first < latest.replace(day=1) else None, tag),
    ]


def _arrow(t: Translator, glyph: str, target: date | None, tag: str) -> Cell:
    """Return a navigation arrow to a month, or a blank no-op when there is none."""
    if target is None:
        return _noop(BLANK)
    text = f"{LRI}{glyph}{PDI}" if t.is_rtl else glyph
    return (text, calendar_month_data(target, tag))


def _weekday_row(locale: str) -> list[Cell]:
    """Return the no-op row of weekday names, Monday first."""
    return [_noop(name) for name in weekday_names(locale)]


def _day_button(
    locale: str, day: date, first: date, today: date, bounds: tuple[date, date], tag: str
) -> Cell:
    """Return a day's button: blank outside the month, "·" out of bounds, marked when today."""
    if day.month != first.month:
        return _noop(BLANK)
    if not bounds[0] <= day <= bounds[1]:
        return _noop(UNAVAILABLE)
    number = localise_digits(locale, day.day)
    text = TODAY_MARK.format(day=number) if day == today else number
    return (text, calendar_day_data(day, tag))


def _noop(text: str) -> Cell:
    """Return a button that does nothing when pressed."""
    return (text, CALENDAR_NOOP)


@cache
def month_name(locale: str, month: int) -> str:
    """Return the stand-alone name of a month ("mars", "март", not the genitive "марта")."""
    name: str = get_month_names("wide", context="stand-alone", locale=locale)[month]
    formatted: str = get_month_names("wide", context="format", locale=locale)[month]
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
