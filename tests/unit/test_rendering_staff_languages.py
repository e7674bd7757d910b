"""The association screens added for scheduling, situations, sharing and alerts, rendered in every
language: valid Telegram HTML, buttons within Telegram's limits, and translated (not English)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.disclosure import disclose, disclose_groups
from bot.domain.permissions import Role
from bot.domain.rules.loader import default_rulebook
from bot.i18n import supported_languages, translator
from bot.services.associations import Counts
from bot.services.audience import Audience
from bot.services.broadcasts import Report
from bot.services.drafts import Draft
from bot.services.follows import Followed
from bot.views import broadcasts, composer, follow, staff
from bot.views.common import Screen
from fake_telegram.html import parse_html

NOW = datetime(2026, 3, 3, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
CODES = [language.code for language in supported_languages() if language.code != "en"]
DRAFT = Draft(
    id=7,
    association_id=1,
    author_id=42,
    status="scheduled",
    waiting_for=None,
    default_language="fr",
    texts={"default": "Permanence <b>jeudi</b>."},
    audience=Audience(departments=("93",)).with_situation("cnda_appeal", 10),
    created_at=NOW,
    send_at=NOW + timedelta(days=1),
)


def screens(code: str) -> list[Screen]:
    """Render every new screen in one language."""
    t = translator(code)
    rule = default_rulebook().by_id["cnda_appeal_1_month"]
    sending = Report(7, "sending", {"sent": 3, "pending": 9})
    return [
        follow.followed_list(t, [Followed(1, "Accueil", True), Followed(2, "Relais", False)]),
        follow.share_question(t, 1, "Accueil"),
        Screen(follow.sharing_now(t, "Accueil")),
        Screen(follow.sharing_stopped(t, "Accueil")),
        Screen(follow.sharing_declined(t)),
        Screen(staff.alert_message(t, "Accueil", rule, NOW + timedelta(days=3), NOW, 9300)),
        composer.pick_situation(t, DRAFT),
        composer.pick_schedule(t, NOW),
        Screen(composer.schedule_not_understood(t, NOW)),
        broadcasts.scheduled(t, DRAFT, "Accueil", NOW),
        broadcasts.broadcast_progress(t, DRAFT, sending, NOW + timedelta(hours=12)),
        broadcasts.history(t, "Accueil", [(Report(7, "scheduled", {}), DRAFT)], NOW),
        staff.staff_menu(t, [], operator=True),
        Screen(staff.no_broadcast_rights(t)),
        *composer.draft_preview(t, DRAFT, "Accueil", disclose(12), NOW + timedelta(hours=12)),
        *composer.draft_preview(t, DRAFT, "Accueil", disclose(3)),  # too few to send
        Screen(composer.too_few(t)),
        Screen(staff.counts(t, "Accueil", COUNTS)),
        staff.staff_list(
            t, 1, "Accueil", [(1, Role.ADMIN), (2, Role.STAFF)], 1, [(5, Role.STAFF, NOW)]
        ),
        Screen(staff.invitation_cancelled(t)),
    ]


# 14 followers: French 9, two small groups (3 + 2) counted together as "other groups: 5".
COUNTS = Counts(
    total=disclose(14),
    by_language=disclose_groups({"fr": 9, "ti": 3, "ps": 2}),
    by_department=disclose_groups({"93": 14}),
    by_stage=disclose_groups({"file_sent": 11, "interview": 3}),
)


@pytest.mark.parametrize("code", CODES)
def test_the_new_association_screens_are_translated_and_valid(code: str) -> None:
    english = screens("en")
    for screen, source in zip(screens(code), english, strict=True):
        parsed = parse_html(screen.text)  # raises like Telegram on a broken tag
        assert 0 < len(parsed.text) <= 4096
        assert screen.text != source.text, (code, source.text[:60])
        for row in screen.keyboard.inline_keyboard if screen.keyboard else ():
            for button in row:
                assert 0 < len(button.text) <= 64
                assert len((button.callback_data or "").encode()) <= 64
