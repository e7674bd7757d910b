"""Every rule's reminder and missed-deadline message, rendered in every language, is valid."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.rules.loader import default_rulebook
from bot.fake_api.html import parse_html
from bot.i18n import FSI, PDI, supported_languages, translator
from bot.views.reminder import reminder_message

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
            text, rows = reminder_message(t, rule, due.replace(hour=23, minute=59), NOW, kind)
            parsed = parse_html(text)  # raises like Telegram on a broken tag
            assert 0 < len(parsed.text) <= 4096, (rule.id, kind)
            assert all(0 < len(label) <= 64 for row in rows for label, _ in row)
            if t.is_rtl:
                assert latin_outside_isolates(parsed.text) == "", (rule.id, kind, parsed.text)
