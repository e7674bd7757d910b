"""The inline calendar: layout, names and digits per locale, bounds, and its callback data."""

from __future__ import annotations

import gettext
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callback_data import CALENDAR_NOOP as NOOP
from bot.callback_data import CalendarAction, parse_calendar_data
from bot.i18n import Translator
from bot.views.date_picker import BLANK, calendar_keyboard

MARCH = date(2026, 3, 1)
TODAY = date(2026, 3, 12)
WIDE = {"earliest": date(2020, 1, 1), "latest": date(2030, 12, 31)}
TAG = "0a1b"  # the question the calendar answers (bot.callback_data.question_tag)
LOCALES = ["fr", "en", "ar", "fa", "fa_AF", "ps", "ru", "uk", "tr", "bn", "ti", "ka", "sq"]


def translator(locale: str) -> Translator:
    """Return a Translator with no catalog: the calendar only needs Babel's data."""
    return Translator(locale, gettext.NullTranslations())


def build(locale: str = "fr", month: date = MARCH, **bounds: date) -> InlineKeyboardMarkup:
    """Build the calendar of a month, with wide bounds unless given."""
    limits = {**WIDE, **bounds}
    return calendar_keyboard(translator(locale), month=month, today=TODAY, tag=TAG, **limits)


def texts(row: tuple[InlineKeyboardButton, ...]) -> list[str]:
    """Return the labels of a row."""
    return [button.text for button in row]


def buttons(markup: InlineKeyboardMarkup) -> list[InlineKeyboardButton]:
    """Return every button of a keyboard."""
    return [button for row in markup.inline_keyboard for button in row]


def test_march_2026_layout() -> None:
    """March 2026 starts on a Sunday: six blanks, then the 1st; six week rows in all."""
    rows = build().inline_keyboard
    assert texts(rows[0])[1] == "mars 2026"
    assert texts(rows[1]) == ["L", "M", "M", "J", "V", "S", "D"]
    assert texts(rows[2]) == [BLANK] * 6 + ["1"]
    assert texts(rows[3]) == ["2", "3", "4", "5", "6", "7", "8"]
    assert texts(rows[-1]) == ["30", "31"] + [BLANK] * 5
    assert len(rows) == 2 + 6
    assert all(len(row) == 7 for row in rows[1:])


def test_padding_and_names_are_no_ops() -> None:
    """Blanks, weekday names and the month label do nothing when pressed."""
    rows = build().inline_keyboard
    assert rows[0][1].callback_data == NOOP
    assert {button.callback_data for button in rows[1]} == {NOOP}
    assert {button.callback_data for button in rows[2][:6]} == {NOOP}
    assert rows[2][6].callback_data == "cal:d:20260301.0a1b"


@pytest.mark.parametrize(
    ("locale", "label", "day_12"),
    [
        ("fr", "mars 2026", "•12•"),
        ("en", "March 2026", "•12•"),
        ("ru", "март 2026", "•12•"),
        ("ar", "مارس 2026", "•12•"),
        ("fa_AF", "مارچ ۲۰۲۶", "•۱۲•"),
        ("fa", "مارس ۲۰۲۶", "•۱۲•"),
        ("bn", "মার্চ ২০২৬", "•১২•"),
        ("ar_EG", "مارس ٢٠٢٦", "•١٢•"),
    ],
)
def test_month_names_and_digits_per_locale(locale: str, label: str, day_12: str) -> None:
    """Babel's stand-alone month name; native digits where Babel's default system is not Latin."""
    markup = build(locale)
    assert texts(markup.inline_keyboard[0])[1] == label
    today = next(b for b in buttons(markup) if b.callback_data == "cal:d:20260312.0a1b")
    assert today.text == day_12


@pytest.mark.parametrize("locale", LOCALES)
def test_weekday_names_are_in_the_language_script(locale: str) -> None:
    """Seven weekday names in the language's script (Pashto falls back to abbreviated names)."""
    names = texts(build(locale).inline_keyboard[1])
    assert len(names) == 7 and all(name.strip() for name in names)
    assert all(name.isascii() for name in names) == (locale in {"fr", "en", "sq"})


def test_week_starts_on_monday_even_in_right_to_left_locales() -> None:
    """Telegram does not mirror keyboards: Monday stays leftmost; the 2nd is a Monday."""
    rows = build("ar").inline_keyboard
    assert texts(rows[1])[0] == "ن"  # الاثنين
    assert rows[3][0].callback_data == "cal:d:20260302.0a1b"


@pytest.mark.parametrize("locale", ["fr", "ar", "fa_AF"])
def test_arrows_mean_previous_and_next(locale: str) -> None:
    """Left is the previous month, right the next; RTL arrows are isolated so they do not flip."""
    header = build(locale).inline_keyboard[0]
    assert header[0].callback_data == "cal:m:202602.0a1b"
    assert header[2].callback_data == "cal:m:202604.0a1b"
    if locale == "fr":
        assert texts(header)[::2] == ["‹", "›"]
    else:
        assert texts(header)[::2] == ["\u2066‹\u2069", "\u2066›\u2069"]


def test_navigation_stops_at_the_bounds() -> None:
    """No previous arrow in the earliest month, no next arrow in the latest month."""
    header = build(earliest=date(2026, 3, 20), latest=date(2026, 3, 25)).inline_keyboard[0]
    assert [header[0].callback_data, header[2].callback_data] == [NOOP, NOOP]
    assert header[0].text == header[2].text == BLANK
    header = build(earliest=date(2026, 2, 28), latest=date(2026, 4, 1)).inline_keyboard[0]
    assert [header[0].callback_data, header[2].callback_data] == [
        "cal:m:202602.0a1b",
        "cal:m:202604.0a1b",
    ]


def test_month_outside_the_bounds_is_moved_inside() -> None:
    """A month before earliest shows earliest's month; after latest, latest's month."""
    early = build(month=date(2025, 1, 1), earliest=date(2026, 3, 5))
    assert texts(early.inline_keyboard[0])[1] == "mars 2026"
    late = build(month=date(2031, 1, 1), latest=date(2026, 3, 5))
    assert texts(late.inline_keyboard[0])[1] == "mars 2026"


def test_bounds_must_be_ordered() -> None:
    """earliest after latest is a programming error."""
    with pytest.raises(ValueError):
        build(earliest=date(2026, 4, 1), latest=date(2026, 3, 1))


def test_days_outside_the_bounds_are_no_ops() -> None:
    """Days before earliest or after latest are shown as "·" and do nothing."""
    markup = build(earliest=date(2026, 3, 5), latest=date(2026, 3, 20))
    picks = [b.callback_data for b in buttons(markup) if str(b.callback_data).startswith("cal:d:")]
    assert picks == [f"cal:d:202603{day:02d}.{TAG}" for day in range(5, 21)]
    dots = [b for b in buttons(markup) if b.text == "·"]
    assert len(dots) == 31 - 16 and {b.callback_data for b in dots} == {NOOP}


def test_today_is_marked_only_when_shown() -> None:
    """Today carries its mark; another month has no mark."""
    assert sum("•" in b.text for b in buttons(build())) == 1
    assert not any("•" in b.text for b in buttons(build(month=date(2026, 4, 1))))


@pytest.mark.parametrize("locale", LOCALES)
def test_callback_data_is_short_and_round_trips(locale: str) -> None:
    """Every button's data fits 64 bytes and decodes to the month or day it shows."""
    for month in (date(2026, 1, 1), date(2026, 2, 1), date(2028, 2, 1), date(2026, 12, 1)):
        for button in buttons(build(locale, month=month)):
            data = str(button.callback_data)
            assert len(data.encode()) <= 64
            action = parse_calendar_data(data)
            assert action is not None
            if action.kind == "day":
                assert action.value.month == month.month


def test_parse_calendar_data_values() -> None:
    """Month, day and no-op data decode to small frozen values."""
    month = CalendarAction("month", date(2026, 3, 1), TAG)
    assert parse_calendar_data("cal:m:202603.0a1b") == month
    assert parse_calendar_data("cal:d:20280229.0a1b") == CalendarAction(
        "day", date(2028, 2, 29), TAG
    )
    assert parse_calendar_data("cal:x") == CalendarAction("noop", date.min)


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "cal",
        "cal:",
        "cal:x:",
        "cal:x\n",
        "CAL:x",
        " cal:x",
        "cal:d:20260230",
        "cal:d:20260229",
        "cal:d:20261301",
        "cal:d:00000101",
        "cal:d:2026031",
        "cal:d:202603011",
        "cal:m:202613",
        "cal:m:202600",
        "cal:m:000001",
        "cal:m:2026-03",
        "cal:d:２０２６０３０２",
        "cal:d:٢٠٢٦٠٣٠٢",
        "cal:m:202603 ",
        "cal:y:2026",
        "cal:d:20260302",  # no question tag: a calendar sent before tags existed
        "cal:m:202603",
        "cal:d:20260302.",
        "cal:d:20260302.0A1B",
        "cal:d:20260302.0a1b2",
        "cal:x.0a1b",
        "lg:fr",
        "cal:x" + "x" * 100,
    ],
)
def test_forged_or_malformed_data_is_refused(data: str | None) -> None:
    """Anything but exact, real dates in the three shapes, tagged, gives None."""
    assert parse_calendar_data(data) is None


@given(st.text(max_size=80) | st.from_regex(r"cal:[mdx]:[0-9]{0,9}", fullmatch=True))
def test_fuzz_calendar_data(data: str) -> None:
    """Random data never raises and only decodes to a real date in a valid shape."""
    action = parse_calendar_data(data)
    assert action is None or action.kind in {"month", "day", "noop"}


def test_names_survive_babel_leaks_between_locales() -> None:
    """Babel 2.18 leaks stand-alone names between locales; the calendar's names do not change.

    Runs in a child process: the leak corrupts Babel's process-wide cache.
    """
    script = """
from datetime import date
from babel.dates import format_date, get_day_names
from bot.views.date_picker import month_name, weekday_names
get_day_names("abbreviated", context="stand-alone", locale="ps")
format_date(date(2026, 3, 1), "LLLL", locale="he")
print(month_name("fr", 3), month_name("ar", 3), "".join(weekday_names("fr")))
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.stdout.split() == ["mars", "مارس", "LMMJVSD"]
