"""Dates and times typed by people: formats, languages, digits, problems, and fuzzing."""

from __future__ import annotations

import dataclasses
from datetime import date, time, timedelta

import pytest
from babel.dates import get_month_names
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.typed_dates import MAX_LENGTH, DateProblem, parse_date, parse_time

TODAY = date(2026, 3, 10)
MARCH_2 = date(2026, 3, 2)


def problem(text: str, locale: str = "fr", **bounds: date) -> DateProblem:
    """Return the DateProblem raised for a text, failing when the text parses."""
    with pytest.raises(DateProblem) as caught:
        parse_date(text, locale=locale, today=TODAY, **bounds)
    return caught.value


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize(
    "text",
    [
        "02/03/2026",
        "2/3/2026",
        "2.3.26",
        "02-03-2026",
        "2026-03-02",
        "02 / 03 / 2026",
        "  02/03/2026  ",
        "le 02/03/2026 à 14h",
        "2 mars 2026",
        "2 MARS 2026",
        "2   mars    2026",
        "2 mars 26",
    ],
)
def test_numeric_and_french_dates_are_read_in_both_languages(text: str, locale: str) -> None:
    """Numeric dates and French dates (copied from papers) work whatever the language."""
    assert parse_date(text, locale=locale, today=TODAY) == MARCH_2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2 March 2026", MARCH_2),
        ("March 2, 2026", MARCH_2),
        ("2nd March, 2026", MARCH_2),
        ("Mar 2 2026", MARCH_2),
        ("the 2nd of March 2026", MARCH_2),
    ],
)
def test_english_worded_dates(text: str, expected: date) -> None:
    """English month names, day before or after the month."""
    assert parse_date(text, locale="en", today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1er mars 2026", date(2026, 3, 1)), ("2 février 2026", date(2026, 2, 2))],
)
def test_french_worded_dates(text: str, expected: date) -> None:
    """French ordinal "1er" and accented month names."""
    assert parse_date(text, locale="fr", today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("٠٢/٠٣/٢٠٢٦", "ar"),
        ("۲/۳/۲۰۲۶", "fa_AF"),
        ("۰۲-۰۳-۲۶", "fa"),
        ("০২/০৩/২০২৬", "bn"),
        ("2؍3؍2026", "ar"),
        ("٢٠٢٦-٠٣-٠٢", "ar"),
        ("\u200f٠٢/٠٣/٢٠٢٦\u200f", "ar"),
        ("\u202e2026/03/02", "ps"),
        ("０２／０３／２０２６", "fr"),
    ],
)
def test_native_digits_and_separators(text: str, locale: str) -> None:
    """Arabic-Indic, Persian and Bengali digits, the Arabic date separator, bidi marks."""
    assert parse_date(text, locale=locale, today=TODAY) == MARCH_2


@pytest.mark.parametrize(
    "locale", ["fr", "en", "ar", "fa", "fa_AF", "ps", "ru", "uk", "tr", "bn", "ti", "ka", "sq"]
)
def test_month_names_in_every_planned_language(locale: str) -> None:
    """A date written with the language's own month name (taken from Babel) is read."""
    march = get_month_names("wide", context="format", locale=locale)[3]
    assert parse_date(f"2 {march} 2026", locale=locale, today=TODAY) == MARCH_2


def test_unsupported_language_falls_back_to_numeric_dates() -> None:
    """A language dateparser lacks still reads numeric dates, and words are not dates."""
    assert parse_date("02/03/2026", locale="yo", today=TODAY) == MARCH_2
    assert problem("2 mars 2026", locale="yo").code == "not_a_date"


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01/12/2026", date(2026, 12, 1)),
        ("12/01/2026", date(2026, 1, 12)),
        ("3.4.26", date(2026, 4, 3)),
    ],
)
def test_numeric_dates_are_always_day_month_year(text: str, locale: str, expected: date) -> None:
    """Never month first, even in English."""
    assert parse_date(text, locale=locale, today=TODAY) == expected


@pytest.mark.parametrize(("text", "year"), [("2/3/00", 2000), ("2/3/26", 2026), ("2/3/99", 2099)])
def test_two_digit_years_are_this_century(text: str, year: int) -> None:
    """Two-digit years mean 20YY."""
    assert parse_date(text, locale="fr", today=TODAY) == date(year, 3, 2)


@pytest.mark.parametrize("today", [date(2026, 3, 10), date(2025, 1, 1)])
@pytest.mark.parametrize(
    ("text", "locale", "shift"),
    [
        ("today", "en", 0),
        ("yesterday", "en", -1),
        ("aujourd'hui", "fr", 0),
        ("hier", "fr", -1),
        ("demain", "fr", 1),
        ("il y a 3 jours", "fr", -3),
        ("hier", "ar", -1),
        ("вчера", "ru", -1),
    ],
)
def test_relative_words_count_from_today(text: str, locale: str, shift: int, today: date) -> None:
    """Relative words are computed against the `today` given, not the machine clock."""
    assert parse_date(text, locale=locale, today=today) == today + timedelta(days=shift)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   \u200f ", "empty"),
        ("bonjour", "not_a_date"),
        ("🙂🙂", "not_a_date"),
        ("06-12-34-56-78", "not_a_date"),
        ("31/02/2026", "impossible"),
        ("29/02/2026", "impossible"),
        ("30/02", "impossible"),
        ("12/13/2026", "impossible"),
        ("00/03/2026", "impossible"),
        ("2026-02-30", "impossible"),
        ("2/3/202", "impossible"),
        ("31 février 2026", "impossible"),
        ("1404/12/11", "impossible"),  # a Solar Hijri date is not read as the year 1404
        ("mars 2026", "incomplete"),
        ("03/2026", "incomplete"),
    ],
)
def test_problem_codes(text: str, code: str) -> None:
    """Each kind of mistake has its own code and today as the example."""
    assert problem(text) == DateProblem(code, TODAY)


@pytest.mark.parametrize(
    ("text", "locale", "latest", "expected"),
    [
        ("02/03", "fr", None, date(2026, 3, 2)),  # today is 10 March 2026: this year's
        ("24/11", "fr", None, date(2025, 11, 24)),  # later in the year: last year's
        ("2 mars", "fr", None, date(2026, 3, 2)),
        ("5 décembre", "fr", None, date(2025, 12, 5)),
        ("March 14", "en", None, date(2025, 3, 14)),  # later in the year: last year's
        ("29/02", "fr", None, date(2024, 2, 29)),  # the most recent 29 February
        ("24/11", "fr", date(2030, 1, 1), date(2026, 11, 24)),  # an expiry: the next one
        ("2 mars", "fr", date(2030, 1, 1), date(2027, 3, 2)),
    ],
)
def test_a_date_without_its_year_is_the_most_recent_one(
    text: str, locale: str, latest: date | None, expected: date
) -> None:
    """Dates typed without a year, as people do ("24/11", "2 mars"): the most recent such day,
    or the next one when the question is about the future; the bot reads it back in words."""
    bounds = {"latest": latest} if latest else {"latest": TODAY}
    assert parse_date(text, locale=locale, today=TODAY, **bounds) == expected


def test_leap_day_exists_in_leap_years() -> None:
    """29 February is fine in 2028."""
    assert parse_date("29/02/2028", locale="fr", today=TODAY) == date(2028, 2, 29)


def test_english_impossible_worded_date() -> None:
    """A worded day the month lacks is impossible, not merely unreadable."""
    assert problem("February 30, 2026", locale="en").code == "impossible"


def test_bounds() -> None:
    """Dates before or after the bounds are refused with the bound as example; bounds included."""
    bounds = {"earliest": date(2026, 1, 1), "latest": date(2026, 12, 31)}
    assert problem("31/12/2025", **bounds) == DateProblem("too_early", date(2026, 1, 1))
    assert problem("hier", earliest=TODAY) == DateProblem("too_early", TODAY)
    assert problem("01/01/2027", **bounds) == DateProblem("too_late", date(2026, 12, 31))
    assert parse_date("01/01/2026", locale="fr", today=TODAY, **bounds) == date(2026, 1, 1)
    assert parse_date("31/12/2026", locale="fr", today=TODAY, **bounds) == date(2026, 12, 31)


def test_example_stays_within_bounds() -> None:
    """When today is out of bounds the example is the nearest bound."""
    assert problem("bonjour", earliest=date(2026, 4, 1)).example == date(2026, 4, 1)
    assert problem("bonjour", latest=date(2026, 1, 1)).example == date(2026, 1, 1)


def test_long_input_is_refused_without_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Over 100 characters is refused at once; a 4096-character message never reaches dateparser."""

    def refuse(*args: object, **kwargs: object) -> None:
        """Fail the test: long input must not reach dateparser."""
        raise AssertionError("dateparser was called")

    monkeypatch.setattr("dateparser.parse", refuse)
    assert problem("2 mars 2026".ljust(MAX_LENGTH + 1)).code == "too_long"
    assert problem("2 mars 2026 " * 342).code == "too_long"
    assert parse_date("02/03/2026".ljust(MAX_LENGTH), locale="fr", today=TODAY) == MARCH_2


def test_problem_is_a_frozen_exception() -> None:
    """DateProblem compares by value, prints its code and cannot be changed."""
    error = DateProblem("impossible", TODAY)
    assert str(error) == "impossible"
    with pytest.raises(dataclasses.FrozenInstanceError):
        error.code = "empty"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14:30", time(14, 30)),
        ("14h30", time(14, 30)),
        ("14H30", time(14, 30)),
        ("14 h 30", time(14, 30)),
        ("9h", time(9)),
        ("9.30", time(9, 30)),
        ("٢:٣٠", time(2, 30)),
        ("۱۴٫۳۰", time(14, 30)),
        ("০৯:১৫", time(9, 15)),
        (" 0:00 ", time(0, 0)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    """Times in the usual French and Arabic-script forms."""
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "24:00", "12:60", "9:", "9h5", "abc", "14:30:00", "1" * 101])
def test_bad_times(text: str) -> None:
    """Anything else is a bad time."""
    with pytest.raises(DateProblem) as caught:
        parse_time(text)
    assert caught.value.code == "bad_time"


TRICKY = st.sampled_from(
    [*"0123456789/.-: ", "\u202e", "\u200d", "\u200c", "\u200f", "<b>", "</b>", "&amp;", "🙂"]
    + ["👨\u200d👩\u200d👧", "mars", "March", "hier", "مارس", "مارچ", "٢", "۲", "২", "1er", "31"]
    + ["2026", "février", "yesterday", "il y a", "jours", "2 mars 2026", "٢٠٢٦/٠٣/٠٢"]
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(st.text(max_size=200), st.lists(TRICKY, max_size=40).map("".join)),
    locale=st.sampled_from(["fr", "en", "ar", "fa_AF", "ps", "ru", "bn", "ti", "yo"]),
)
def test_fuzz_only_date_problems(text: str, locale: str) -> None:
    """Whatever is typed, the result is a date or a DateProblem, never another exception."""
    try:
        found = parse_date(text, locale=locale, today=TODAY, earliest=date(2000, 1, 1))
    except DateProblem as error:
        assert error.code in {
            "empty",
            "not_a_date",
            "impossible",
            "incomplete",
            "too_early",
            "too_late",
            "too_long",
        }
    else:
        assert found >= date(2000, 1, 1)


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=200), st.lists(TRICKY, max_size=10).map("".join)))
def test_fuzz_times(text: str) -> None:
    """parse_time only ever raises DateProblem("bad_time")."""
    try:
        parse_time(text)
    except DateProblem as error:
        assert error.code == "bad_time"
