"""Every rule's reminder and missed-deadline message, rendered in every language, is valid."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.basis import Step
from bot.domain.rules.loader import default_rulebook
from bot.i18n import FSI, PDI, supported_languages, translator
from bot.views.basis import why_text
from bot.views.reminder import reminder_message
from fake_telegram.html import parse_html
from tests.unit.plans import ev, plan, rejected

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
CODES = [language.code for language in supported_languages()]


def latin_outside_isolates(text: str) -> str:
    """Return the ASCII letters and digits outside FSI ... PDI (right-to-left texts)."""
    depth, outside = 0, []
    for char in text:
        depth += (char == FSI) - (char == PDI)
        if depth == 0 and char.isascii() and char.isalnum():
            outside.append(char)
    return "".join(outside)


@pytest.mark.parametrize("code", CODES)
def test_every_reminder_is_valid_telegram_html_within_4096_characters(code: str) -> None:
    t = translator(code)
    for rule in default_rulebook().rules:
        for kind, due in (("lead", NOW + timedelta(days=3)), ("missed", NOW - timedelta(days=1))):
            screen = reminder_message(t, rule, due.replace(hour=23, minute=59), NOW, kind)
            parsed = parse_html(screen.text)  # raises like Telegram on a broken tag
            assert 0 < len(parsed.text) <= 4096, (rule.id, kind)
            assert screen.keyboard is not None
            assert all(0 < len(button.text) <= 64 for button in screen.keyboard.buttons())
            if t.is_rtl:
                assert latin_outside_isolates(parsed.text) == "", (rule.id, kind, parsed.text)


# Plans whose deadlines, together, use every kind of step a "Why this date?" can show.
WHY_PLANS = (
    ((rejected("2026-03-30"),), "57"),
    ((rejected("2025-11-24"),), "57"),
    ((rejected("2027-06-04"), ev("legal_aid_requested", "2027-06-10")), "93"),
    (
        (
            rejected("2027-06-04"),
            ev("legal_aid_requested", "2027-06-10"),
            ev("legal_aid_decided", "2027-09-01"),
        ),
        "93",
    ),
    ((rejected("2027-06-04"), ev("legal_aid_requested", "2027-06-21")), "93"),
    ((rejected("2027-06-04"), ev("legal_aid_decided", "2027-09-01")), "93"),
    ((ev("dublin_transfer_notified", "2025-12-19"),), "67"),
    ((ev("dublin_transfer_notified", "2025-12-19", detained="no"),), "67"),
    ((ev("entry_refused", "2026-03-28", at="10:00"),), "93"),
    ((ev("ofpra_decision", "2026-06-08", outcome="closure", received="online"),), "93"),
    ((ev("ofpra_decision", "2026-06-08", received="online", opened_on="2026-06-10"),), "93"),
    ((ev("permit_expires", "2030-06-30"),), "93"),
    ((ev("certificate_issued", "2026-03-02", estimated="1"),), "93"),
    ((ev("cnda_decision", "2027-02-03", outcome="rejected"),), "93"),
    ((ev("claim_presented", "2026-04-02"),), "54"),
    ((ev("ofpra_completion_request", "2026-03-14"),), "93"),
    ((ev("certificate_issued", "2026-03-02"), ev("certificate_expires", "2026-12-31")), "93"),
    ((ev("ofpra_interview", "2026-04-14", at="09:30"),), "93"),
    ((ev("child_born", "2010-05-15"),), "93"),
    ((rejected("2026-06-08", received="online"),), "93"),
    (
        (ev("ofpra_decision", "2026-06-08", outcome="closure", decided_on="2026-06-01"),),
        "93",
    ),
)


def _why_deadlines():
    for events, department in WHY_PLANS:
        yield from plan(*events, department=department).deadlines


def test_the_why_plans_show_every_kind_of_step() -> None:
    """The plans below cover every step a "Why this date?" can show (the test is not vacuous)."""
    shown = {step.step for deadline in _why_deadlines() for step in deadline.basis}
    assert set(Step) - shown == set()


@pytest.mark.parametrize("code", CODES)
def test_why_this_date_and_changed_dates_in_every_language(code: str) -> None:
    """Every step of every "Why this date?" and the "a date changed" message: valid Telegram
    HTML, within 4096 characters, every sentence translated, Latin runs isolated in RTL."""
    from tests.e2e.test_languages import english_left

    t = translator(code)
    texts = [why_text(t, deadline) for deadline in _why_deadlines()]
    rule = default_rulebook().rule("cnda_appeal_1_month")
    due = NOW + timedelta(days=20)
    for previous in (None, NOW + timedelta(days=19)):
        screen = reminder_message(t, rule, due, NOW, "changed", previous)
        texts.append(screen.text)
        assert screen.keyboard is not None
        assert all(0 < len(button.text) <= 64 for button in screen.keyboard.buttons())
    for text in texts:
        parsed = parse_html(text)
        assert 0 < len(parsed.text) <= 4096
        if code != "en":
            assert english_left(code, parsed.text) == [], parsed.text
        if t.is_rtl:
            assert latin_outside_isolates(parsed.text) == "", parsed.text


@pytest.mark.parametrize("code", CODES)
def test_every_reminder_card_is_short_in_every_language(code: str) -> None:
    """A reminder leads with what to do and by when, in at most four lines (one a warning) and
    under 300 characters as shown: it is read to the end on a small phone."""
    t = translator(code)
    for rule in default_rulebook().rules:
        due = (NOW + timedelta(days=20)).replace(hour=23, minute=59)
        for kind, when in (("lead", NOW), ("lead", due - timedelta(days=1)), ("standing", NOW)):
            shown = parse_html(reminder_message(t, rule, due, when, kind).text).text
            assert len(shown) < 300 and len(shown.splitlines()) <= 4, (rule.id, kind, shown)


@pytest.mark.parametrize("code", CODES)
def test_the_glossary_names_each_term_once(code: str) -> None:
    """No term is repeated in /help's glossary, in any language."""
    from bot.views.help import GLOSSARY

    t = translator(code)
    terms = [t.gettext(term).casefold() for term, _ in GLOSSARY]
    assert len(terms) == len(set(terms))
