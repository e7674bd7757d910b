"""What staff may see of their followers: no count below the threshold, no small group named."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.disclosure import disclose, disclose_groups, may_reach
from bot.i18n import translator
from bot.services.associations import Counts
from bot.views.staff import counts as counts_screen
from fake_telegram.html import parse_html


def test_a_count_below_the_threshold_is_never_shown() -> None:
    assert [disclose(n).value for n in range(8)] == [None] * 5 + [5, 6, 7]
    assert disclose(3, 2).value == 3 and disclose(1, 2).hidden
    assert not may_reach(4) and may_reach(5)


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 12)), st.integers(1, 10))
def test_small_groups_are_neither_named_nor_counted_alone(
    groups: dict[str, int], threshold: int
) -> None:
    """Every group shown has at least `threshold`; the rest is one sum, itself hidden when
    small; nothing is lost from the total."""
    shown = disclose_groups(groups, threshold)
    assert all(count >= threshold for count in shown.shown.values())
    assert set(shown.shown) == {key for key, count in groups.items() if count >= threshold}
    assert sum(shown.shown.values()) + shown.others == sum(groups.values())
    assert shown.others_disclosed.hidden == (shown.others < threshold)
    assert list(shown.shown.values()) == sorted(shown.shown.values(), reverse=True)


def test_the_counts_screen_never_shows_a_number_under_five() -> None:
    """Tigrinya 1, Pashto 3: neither named; their sum (4) reads "fewer than 5"."""
    numbers = Counts(
        total=disclose(13),
        by_language=disclose_groups({"fr": 9, "ti": 1, "ps": 3}),
        by_department=disclose_groups({"93": 13}),
        by_stage=disclose_groups({"file_sent": 6, "waiting_interview": 5, "protected": 2}),
    )
    text = parse_html(counts_screen(translator("en"), "Accueil", numbers)).text
    assert text.splitlines() == [
        "Followers of Accueil: 13",
        "By language: Français: 9, other groups: fewer than 5",
        "By department: 93: 13",
        "By stage: I sent my file to Ofpra: 6, Waiting for the Ofpra interview: 5, "
        "other groups: fewer than 5",
        "Counts only: the bot never shows who follows you.",
        "Groups of fewer than 5 people are not shown, so that nobody can be singled out.",
    ]
    numbers_in_text = [int(word) for word in text.replace(",", " ").split() if word.isdigit()]
    assert all(n >= 5 or n == 93 for n in numbers_in_text), numbers_in_text
    assert "ትግርኛ" not in text and "پښتو" not in text


def test_a_small_total_is_hidden_too() -> None:
    numbers = Counts(
        total=disclose(3),
        by_language=disclose_groups({"fr": 3}),
        by_department=disclose_groups({"93": 3}),
        by_stage=disclose_groups({"file_sent": 3}),
    )
    text = parse_html(counts_screen(translator("fr"), "Accueil", numbers)).text
    assert text.splitlines()[0].endswith("moins de 5"), text
    assert "3" not in text


def test_pairs_of_groups_never_reveal_a_small_one() -> None:
    """Whatever two dimensions' lists a staff member compares, no group under 5 is named."""
    followers = {"fr": 7, "ar": 5, "ti": 1, "ps": 2, "uk": 4}
    shown = disclose_groups(followers)
    for first, second in combinations(shown.shown, 2):
        assert followers[first] >= 5 and followers[second] >= 5
    assert set(shown.shown) == {"fr", "ar"} and shown.others == 7
