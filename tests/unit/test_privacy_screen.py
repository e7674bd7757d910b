"""/privacy: the information GDPR art. 13 requires, in every language, complete and valid."""

from __future__ import annotations

import pytest

from bot.i18n import supported_languages, translator
from bot.views.privacy import Controller, privacy_information
from fake_telegram.html import parse_html

CODES = [language.code for language in supported_languages()]
OPERATOR = Controller("Entraide Asile 93", "contact@entraide.example", "https://entraide.example/p")


def _text(code: str, controller: Controller = OPERATOR, months: int = 18) -> str:
    return parse_html(privacy_information(translator(code), controller, months).text).text


@pytest.mark.parametrize("code", CODES)
def test_every_language_says_who_why_what_how_long_and_the_rights(code: str) -> None:
    """Valid HTML under Telegram's limit; the operator, the commands, the 18 months, the CNIL and
    the policy address are all there; no English left outside the names."""
    text = _text(code)
    assert len(text) <= 4096
    for needed in ("Entraide Asile 93", "contact@entraide.example", "https://entraide.example/p"):
        assert needed in text, (code, needed)
    for command in ("/mydata", "/delete"):
        assert command in text, (code, command)
    assert "18" in text and "CNIL" in text and "www.cnil.fr" in text
    if code != "en":
        assert "What is kept" not in text and "Legal basis" not in text, code


def test_without_an_operator_it_says_so_and_where_to_ask() -> None:
    text = _text("en", Controller())
    assert "Run by: not stated yet" in text and "Contact" not in text
    assert "Full privacy policy" not in text


def test_without_the_inactivity_rule_it_says_until_delete() -> None:
    text = _text("en", months=0)
    assert "How long: until you erase it with /delete." in text and "months" not in text


def test_a_name_cannot_inject_html() -> None:
    shown = privacy_information(translator("en"), Controller("<b>X</b> & Co", "a<b>"), 18)
    assert "<b>X</b>" not in shown.text and "&lt;b&gt;X&lt;/b&gt; &amp; Co" in shown.text


def test_run_warns_while_people_cannot_be_told_who_runs_the_bot(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli.commands import _warn_if_anonymous
    from bot.config import load_settings

    _warn_if_anonymous(load_settings(env_file=None, operator_name="Entraide"))
    assert "OPERATOR_NAME or OPERATOR_CONTACT is not set" in capsys.readouterr().err
    _warn_if_anonymous(load_settings(env_file=None, operator_name="E", operator_contact="e@x"))
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("code", ["ar", "fa_AF", "ps"])
def test_names_are_isolated_once_in_right_to_left_languages(code: str) -> None:
    """The operator's name and contact sit in the translation's own isolates: no isolate is
    nested in another (two invisible characters more, for nothing)."""
    text = privacy_information(translator(code), OPERATOR, 18).text
    assert "\u2068\u2068" not in text and text.count("\u2068") == text.count("\u2069")
    assert "\u2068Entraide Asile 93\u2069" in text
