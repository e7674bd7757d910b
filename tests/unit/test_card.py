"""The card (/card): every language drawn with fonts that have all its characters, on one page,
with the steps in the person's language and in French, and nothing that says whose it is."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot.card.content import FRENCH, Style, card_lines, has_steps
from bot.card.render import HEIGHT, WIDTH, card_for, missing_glyphs
from bot.domain.events import Event, EventKind, Facts, Outcome, Received
from bot.domain.planner import compute_plan
from bot.domain.rules.loader import default_rulebook
from bot.i18n import supported_languages, translator

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 7, 2, 10, 0, tzinfo=PARIS)
LANGUAGES = [language.code for language in supported_languages()]


def busy_plan():  # type: ignore[no-untyped-def]
    """A rejection received by post and a certificate: five steps, more than a page holds."""
    decision = Event(
        EventKind.OFPRA_DECISION, date(2026, 7, 1), outcome=Outcome.REJECTED, received=Received.POST
    )
    certificate = Event(EventKind.CERTIFICATE_ISSUED, date(2026, 6, 20))
    facts = Facts("93", (decision, certificate))
    return compute_plan(facts, default_rulebook(), now=NOW, reminder_time=time(9))


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_language_is_drawn_with_every_character_on_one_page(code: str) -> None:
    t = translator(code)
    plan = busy_plan()
    lines = card_lines(t, plan, NOW.date())
    missing = {line.text: missing_glyphs(line) for line in lines if missing_glyphs(line)}
    assert missing == {}
    assert {line.locale for line in lines} == ({code} if code == FRENCH else {code, FRENCH})
    card = card_for(t, plan, NOW.date())
    picture = Image.open(io.BytesIO(card.png))
    assert picture.format == "PNG" and picture.size == (WIDTH, HEIGHT)
    assert card.pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", card.pdf)) == 1


def test_the_card_leads_with_the_steps_and_says_it_is_not_legal_advice() -> None:
    t = translator("ar")
    lines = card_lines(t, busy_plan(), NOW.date())
    steps = [line for line in lines if line.style is Style.STEP]
    assert steps and all(line.rtl for line in steps)
    french = [line.text for line in lines if line.style is Style.FRENCH]
    assert any("Dernier jour" in text for text in french)
    assert any("conseil juridique" in line.text for line in lines)
    assert not any(c in line.text for line in lines for c in "\u2066\u2067\u2068\u2069\u200f")


def test_a_page_holds_what_fits_and_points_to_the_rest() -> None:
    t = translator("en")
    plan = busy_plan()
    assert len(card_lines(t, plan, NOW.date(), most=2)) < len(card_lines(t, plan, NOW.date()))
    assert any("/next" in line.text for line in card_lines(t, plan, NOW.date(), most=1))


def test_no_card_without_a_step() -> None:
    empty = compute_plan(Facts("93", ()), default_rulebook(), now=NOW, reminder_time=time(9))
    assert not has_steps(empty)
    assert has_steps(busy_plan())
