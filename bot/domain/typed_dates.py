"""Read a date or a time typed by a person, in their language, into a `date` or a `time`.

Pure: no Telegram, no I/O, no clock (`today` is passed in). Numeric dates are always read
day-month-year, as on French papers, whatever the language; only a leading four-digit year
(`2026-03-02`) is read year-month-day. Worded dates ("2 mars 2026", "March 2, 2026", "hier") go
through dateparser, in the person's language and in French (dates are often copied from French
papers). Every failure is a `DateProblem` whose `code` the bot turns into a message.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Any

MAX_LENGTH = 100
# dateparser covers every planned language (checked with dateparser 1.5); an unknown one falls
# back to numeric dates only. "prs" is Dari's ISO 639-3 code; Babel calls Dari `fa_AF`.
DATEPARSER_LANGUAGES = {
    "fr": "fr",
    "en": "en",
    "ar": "ar",
    "fa": "fa",
    "prs": "fa",
    "ps": "ps",
    "ru": "ru",
    "uk": "uk",
    "tr": "tr",
    "bn": "bn",
    "ti": "ti",
    "ka": "ka",
    "sq": "sq",
}
PAPER_LANGUAGE = "fr"
PLAUSIBLE_YEARS = range(1900, 2101)  # a Solar Hijri year such as 1404 lands outside: impossible

# Invisible characters phones insert (bidi marks and isolates, zero-width space and joiner, BOM).
# ZWNJ (U+200C) is kept: it is part of Persian spelling.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068"
        "\u2069\u061c\ufeff\u00ad",
    )
)
_SEPARATORS = str.maketrans(
    {
        "\u060d": "/",  # Arabic date separator
        "\u066b": ".",  # Arabic decimal separator, typed between parts on Persian keyboards
        "\u2044": "/",
        "\u2215": "/",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2236": ":",
    }
)
_NUMERIC_DATE = re.compile(
    r"(?<![0-9])(?<![0-9][./-])([0-9]{1,4}) ?[./-] ?([0-9]{1,4}) ?[./-] ?([0-9]{1,4})"
    r"(?![0-9])(?! ?[./-] ?[0-9])"
)
_NUMERIC_PAIR = re.compile(r"([0-9]{1,4}) ?[./-] ?([0-9]{1,4})")
_LONE_NUMBER = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")
_TIME = re.compile(r"([0-9]{1,2})(?: ?[hH] ?([0-9]{2})?| ?[:.] ?([0-9]{2}))?")
_BASE_SETTINGS = {
    "DATE_ORDER": "DMY",
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}


@dataclass(frozen=True)
class DateProblem(Exception):
    """Why a text is not an acceptable date, with an example date the bot can show."""

    code: str
    example: date | None = None

    def __str__(self) -> str:
        """Return the problem code."""
        return self.code


def parse_date(
    text: str,
    *,
    locale: str,
    today: date,
    earliest: date | None = None,
    latest: date | None = None,
) -> date:
    """Return the date a person typed, or raise DateProblem saying what is wrong with it."""
    example = _clamp(today, earliest, latest)
    if len(text) > MAX_LENGTH:
        raise DateProblem("too_long", example)
    cleaned = normalise(text)
    if not cleaned:
        raise DateProblem("empty", example)
    future = latest is not None and latest > today
    found = _read(cleaned, locale=locale, today=today, example=example, future=future)
    if found.year not in PLAUSIBLE_YEARS:
        raise DateProblem("impossible", example)
    if earliest is not None and found < earliest:
        raise DateProblem("too_early", earliest)
    if latest is not None and found > latest:
        raise DateProblem("too_late", latest)
    return found


def parse_time(text: str) -> time:
    """Return the time of day typed as 14:30, 14h30, 9h, 9.30 or 14, or raise DateProblem."""
    match = _TIME.fullmatch(normalise(text)) if len(text) <= MAX_LENGTH else None
    if match is None:
        raise DateProblem("bad_time")
    hour, minute = int(match[1]), int(match[2] or match[3] or 0)
    if hour > 23 or minute > 59:
        raise DateProblem("bad_time")
    return time(hour, minute)


def parse_date_time(text: str, *, locale: str, today: date) -> tuple[date, time]:
    """Return the date and time typed as "24/11/2026 09:30" (date first, time last).

    The date is today or later; raise DateProblem when either part cannot be read.
    """
    if len(text) > MAX_LENGTH:
        raise DateProblem("too_long")
    head, _, tail = normalise(text).rpartition(" ")
    if not head:
        raise DateProblem("bad_time")
    return parse_date(head, locale=locale, today=today, earliest=today), parse_time(tail)


def normalise(text: str) -> str:
    """Return text with compatibility forms folded, ASCII digits, plain separators, one space."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_SEPARATORS)
    text = "".join(str(unicodedata.decimal(char)) if char.isdecimal() else char for char in text)
    return " ".join(text.split())


def _read(text: str, *, locale: str, today: date, example: date, future: bool) -> date:
    """Read a normalised text as a date, numerically first, then with dateparser.

    A day and a month without a year ("24/11", "2 mars") is the most recent such day, or the
    next one for a question about the future (an expiry, an interview).
    """
    if (match := _NUMERIC_DATE.search(text)) is not None:
        return _numeric_date(*match.groups(), example=example)
    if (match := _NUMERIC_PAIR.fullmatch(text)) is not None:
        first, second = match.groups()
        if len(first) <= 2 and len(second) <= 2 and _exists(2024, int(second), int(first)):
            return _yearless(int(first), int(second), today, future)
        raise DateProblem(_pair_problem(first, second), example)
    languages = _languages(locale)
    if not languages or not any(char.isalnum() for char in text):
        raise DateProblem("not_a_date", example)
    if (found := _dateparser(text, languages, today, strict=True)) is not None:
        return found
    if _has_impossible_day(text, languages, today):
        raise DateProblem("impossible", example)
    partial = _dateparser(text, languages, today, strict=False)
    numbers = _LONE_NUMBER.findall(text)
    if partial is not None and len(numbers) == 1 and int(numbers[0]) == partial.day:
        return _yearless(partial.day, partial.month, today, future)
    if partial is not None:
        raise DateProblem("incomplete", example)
    raise DateProblem("not_a_date", example)


def _yearless(day: int, month: int, today: date, future: bool) -> date:
    """Return the most recent day-month on or before today (the next one when `future`)."""
    step = 1 if future else -1
    year = today.year
    while True:
        if _exists(year, month, day):
            found = date(year, month, day)
            if (found >= today) if future else (found <= today):
                return found
        year += step


def _numeric_date(first: str, second: str, third: str, *, example: date) -> date:
    """Build the date of three numbers: day-month-year, or year-month-day after a 4-digit year."""
    year, month, day = (first, second, third) if len(first) == 4 else (third, second, first)
    if len(year) not in (2, 4) or len(month) > 2 or len(day) > 2:
        raise DateProblem("impossible", example)
    full_year = 2000 + int(year) if len(year) == 2 else int(year)
    if not _exists(full_year, int(month), int(day)):
        raise DateProblem("impossible", example)
    return date(full_year, int(month), int(day))


def _pair_problem(first: str, second: str) -> str:
    """Say whether two numbers (day-month or month-year) lack a part or cannot exist at all."""
    if len(second) == 4:  # month and year: the day is missing
        return "incomplete" if 1 <= int(first) <= 12 and len(first) <= 2 else "impossible"
    if len(first) > 2 or len(second) > 2:
        return "impossible"
    return "incomplete" if _exists(2024, int(second), int(first)) else "impossible"


def _exists(year: int, month: int, day: int) -> bool:
    """Tell whether a day exists (year 2024, a leap year, accepts 29 February)."""
    if not (1 <= month <= 12 and 1 <= year <= 9999):
        return False
    return 1 <= day <= calendar.monthrange(year, month)[1]


def _has_impossible_day(text: str, languages: tuple[str, ...], today: date) -> bool:
    """Tell whether a worded date names a day its month lacks ("31 février 2026")."""
    numbers = _LONE_NUMBER.findall(text)
    if len(numbers) != 1 or int(numbers[0]) < 29:
        return False
    first_day = _dateparser(_LONE_NUMBER.sub("1", text), languages, today, strict=True)
    if first_day is None:
        return False
    return int(numbers[0]) > calendar.monthrange(first_day.year, first_day.month)[1]


@cache
def _languages(locale: str) -> tuple[str, ...]:
    """Return the dateparser languages for a locale: its own, then French; () if unsupported."""
    from dateparser.data.languages_info import language_order

    code = locale.replace("-", "_").split("_")[0].lower()
    own = DATEPARSER_LANGUAGES.get(code)
    if own is None or own not in language_order:
        return ()
    return tuple(dict.fromkeys((own, PAPER_LANGUAGE)))


def _dateparser(text: str, languages: tuple[str, ...], today: date, *, strict: bool) -> date | None:
    """Parse with dateparser against `today`; None when it finds nothing or fails."""
    import dateparser  # imported late: loading it takes a while and numeric dates never need it

    settings: dict[str, Any] = {
        **_BASE_SETTINGS,
        "STRICT_PARSING": strict,
        # Noon, so "3 hours ago" and "in 3 hours" stay on `today`.
        "RELATIVE_BASE": datetime.combine(today, time(12)),
    }
    try:
        found = dateparser.parse(text, languages=list(languages), settings=settings)
    except Exception:  # dateparser has raised on odd input (overflows, regex edge cases)
        return None
    return found.date() if found is not None else None


def _clamp(day: date, earliest: date | None, latest: date | None) -> date:
    """Return the day moved inside [earliest, latest] when bounds are given."""
    if earliest is not None and day < earliest:
        return earliest
    if latest is not None and day > latest:
        return latest
    return day
