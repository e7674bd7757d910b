"""The translation gate: every catalog is complete and safe to show; and the gate itself bites."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from bot import cli, i18n
from bot.i18n import supported_languages
from bot.i18n_gate import check_all, check_catalog

SOURCE = "<b>Appeal</b> before {date}, within 15 days. Erase everything with /delete."
PLURAL = ("in {n} day", "in {n} days")


def catalog(
    locale: str,
    text: str,
    forms: tuple[str, ...] = ("dans {n} jour", "dans {n} jours"),
    *,
    fuzzy: bool = False,
) -> Catalog:
    """Return a two-message catalog: one sentence and one plural entry."""
    built = Catalog(locale=locale)
    built.add(SOURCE, text, flags=("fuzzy",) if fuzzy else ())
    built.add(PLURAL, forms)
    return built


def problems(locale: str, text: str, *args: tuple[str, ...], **kwargs: bool) -> list[str]:
    return [
        problem.what for problem in check_catalog(locale, catalog(locale, text, *args, **kwargs))
    ]


def test_every_catalog_of_the_repository_passes() -> None:
    assert [str(problem) for problem in check_all()] == []


def test_twelve_languages_are_offered_and_each_has_a_catalog_or_is_the_source() -> None:
    codes = {language.code for language in supported_languages()}
    assert {"fr", "en", "ar", "fa_AF", "ps", "ti", "ru", "uk", "bn", "tr", "ka", "sq"} <= codes


def test_a_good_translation_passes() -> None:
    assert (
        problems("fr", "<b>Recours</b> avant le {date}, sous 15 jours. Effacez tout avec /delete.")
        == []
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "untranslated"),
        ("<b>Recours</b> avant le {date}, sous 5 jours. Effacez tout avec /delete.", "numbers"),
        ("<b>Recours</b> avant le {jour}. Effacez tout avec /delete.", "placeholders"),
        ("<b>Recours</b> avant le {date}. Effacez tout avec /effacer.", "commands"),
        ("<b>Recours avant le {date}. Effacez tout avec /delete.", "unclosed <b>"),
        ("<b>Recours</i> avant le {date}. Effacez tout avec /delete.", "unbalanced"),
        ("<h1>Recours</h1> avant le {date}. Effacez tout avec /delete.", "not accepted"),
        ("Recours avant le {date}. Effacez tout avec /delete.", "tags"),
        ("<b>Recours</b> " + "x" * 4100 + " {date} /delete", "more than Telegram's 4096"),
    ],
)
def test_each_defect_is_caught(text: str, expected: str) -> None:
    assert any(expected in what for what in problems("fr", text)), problems("fr", text)


def test_a_fuzzy_entry_is_caught() -> None:
    assert "fuzzy" in problems("fr", "<b>Recours</b> avant le {date}. /delete", fuzzy=True)


def test_plural_forms_are_those_of_the_language() -> None:
    good = "<b>Recours</b> avant le {date}, sous 15 jours. Effacez tout avec /delete."
    ukrainian = ("через {n} день", "через {n} дні", "через {n} днів")
    assert problems("uk", good, ukrainian) == []
    assert any("2 plural forms instead of 3" in what for what in problems("uk", good))
    assert any(
        "plural placeholders" in what for what in problems("fr", good, ("demain", "bientôt"))
    )


def test_the_bot_refuses_to_start_with_a_missing_or_broken_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Catalogs are compiled in memory at start-up; one that cannot be read stops the bot with
    a line that names the language, instead of English answers to people who chose another."""
    copy = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, copy)
    monkeypatch.setattr(i18n, "LOCALES_DIR", copy)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "A" * 35)
    for broken in ("uk", "ar"):
        i18n.translator.cache_clear()
        po = copy / broken / "LC_MESSAGES" / "messages.po"
        saved = po.read_bytes()
        if broken == "uk":
            po.unlink()
        else:
            po.write_bytes(saved.replace(b'msgstr "', b'msgstr "\xff', 2))  # not UTF-8
        assert cli.main(["dispatch"]) != 0
        assert f"the {broken} translation cannot be read" in capsys.readouterr().err
        po.write_bytes(saved)
    i18n.translator.cache_clear()


def test_a_text_of_the_template_missing_from_a_catalog_is_a_problem() -> None:
    """`make extract` without `make update-catalogs` leaves new texts out of the catalogs: the
    bot would show them in English; the gate names them."""
    from bot.i18n_gate import load, missing_from, template

    source = template()
    french = load("fr")
    assert missing_from("fr", french, source) == []
    source.add("A text nobody has translated yet.")
    source.add("Open", context="button")
    missing = missing_from("fr", french, source)
    assert [problem.message for problem in missing] == ["A text nobody has translated yet.", "Open"]
