"""How long a directory entry is trusted, and where a place may be."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.directory import is_shown, needs_check, valid_location

CHECKED = date(2026, 3, 3)


@pytest.mark.parametrize(
    ("today", "shown", "check"),
    [
        (date(2026, 3, 3), True, False),
        (date(2026, 9, 2), True, False),
        (date(2026, 9, 3), True, True),  # six months: its admins are reminded
        (date(2027, 3, 2), True, True),
        (date(2027, 3, 3), False, True),  # twelve months: hidden
    ],
)
def test_an_entry_is_flagged_at_six_months_and_hidden_at_twelve(
    today: date, shown: bool, check: bool
) -> None:
    assert is_shown(CHECKED, today) is shown
    assert needs_check(CHECKED, today) is check


def test_an_entry_never_checked_is_neither_shown_nor_trusted() -> None:
    assert not is_shown(None, CHECKED) and needs_check(None, CHECKED)


@pytest.mark.parametrize(
    ("point", "inside"),
    [
        ((48.9362, 2.3574), True),  # Saint-Denis
        ((41.9, 8.7), True),  # Ajaccio
        ((-21.1, 55.5), True),  # La Réunion
        ((16.2, -61.5), True),  # Guadeloupe
        ((4.9, -52.3), True),  # Cayenne
        ((40.71, -74.0), False),  # New York
        ((0.0, 0.0), False),
    ],
)
def test_a_place_must_be_in_france(point: tuple[float, float], inside: bool) -> None:
    assert valid_location(*point) is inside
