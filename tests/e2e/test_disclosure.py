"""A staff member probing what counts reveal, with the default threshold (5): nobody singled out.

Four French speakers and one Tigrinya speaker follow the association. Whatever the staff member
presses, typed or forged, no number under 5 appears, the Tigrinya group is never named, and a
message to fewer than 5 people cannot be sent.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import callback_data as cb
from bot.app import build_application, running
from bot.callback_data import DraftAction, StaffAction
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from fake_telegram.users import FakeUser
from tests.e2e.conftest import START, Harness, settings_for
from tests.e2e.journeys import press, say
from tests.e2e.test_associations import answer_of
from tests.e2e.test_broadcast_features import admin_of, seed

FOLLOWERS = {931: "fr", 932: "fr", 933: "fr", 934: "fr", 935: "ti"}
SMALL = re.compile(r"(?<![\d/:])[1-4](?![\d/:])")  # a count from 1 to 4 on its own


@pytest.fixture
async def strict_bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot with the production threshold (the harness shows every count by default)."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url, count_threshold=5)
    clock = ManualClock(START)
    application = build_application(settings, clock=clock)
    async with running(application, poll_timeout=1):
        yield Harness(telegram, application, url, clock)


def _texts(user: FakeUser) -> list[str]:
    return [m.text or "" for m in user.messages]


async def test_counts_and_previews_never_single_anyone_out(
    strict_bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    bot = strict_bot
    admin = await admin_of(bot, "Entraide", capsys)
    people = {chat: {"language": code, "department": "93"} for chat, code in FOLLOWERS.items()}
    await asyncio.to_thread(seed, bot.database_url, "Entraide", people)
    association = 1

    await admin.press_data(cb.encode_staff(StaffAction.COUNTS, association))
    counts = await admin.wait_for(lambda m: "Followers of Entraide" in (m.text or ""))
    assert "Followers of Entraide: 5" in counts.text
    assert "By language: Français: 4" not in counts.text
    assert "By language: other groups: 5" in counts.text  # 4 + 1, neither named
    assert "ትግርኛ" not in counts.text and not SMALL.search(counts.text)

    await say(admin, "/broadcast")
    await admin.wait_for(lambda m: "Write the message" in (m.text or ""))
    await say(admin, "Permanence juridique mardi.")
    preview = await admin.wait_for(lambda m: "It will reach 5 people now." in (m.text or ""))
    assert any("Send to 5 people" in b.text for b in preview.buttons)

    # No language group reaches 5: the language filter offers nothing to pick.
    await press(admin, cb.encode_draft(DraftAction.MENU_LANGUAGES))
    menu = admin.last_message
    assert not [b for b in menu.buttons if (b.callback_data or "").startswith("bd:tl")]
    # A forged press naming the Tigrinya group is refused, and changes nothing.
    forged = await admin.press_data(cb.encode_draft(DraftAction.TOGGLE_LANGUAGE, "ti"))
    assert "no longer valid" in await answer_of(bot.telegram, forged)
    forged = await admin.press_data(cb.encode_draft(DraftAction.TOGGLE_LANGUAGE, "fr"))
    assert "no longer valid" in await answer_of(bot.telegram, forged)

    # The department filter: 93 has 5; a forged one for an empty department is refused too.
    forged = await admin.press_data(cb.encode_draft(DraftAction.TOGGLE_DEPARTMENT, "75"))
    assert "no longer valid" in await answer_of(bot.telegram, forged)

    reached = [t for t in _texts(admin) if "It will reach" in t]
    assert all("It will reach 5 people" in t for t in reached)
    audit = await asyncio.to_thread(
        _rows, bot, "SELECT action, details FROM audit_log WHERE action LIKE 'preview%'"
    )
    assert audit and all(json.loads(details)["shown"] == 5 for _, details in audit)


async def test_a_message_to_fewer_than_five_cannot_be_sent(
    strict_bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """One follower leaves after the preview: the audience is 4; the preview says so without the
    number, has no Send button, and a forged Send is refused with the reason."""
    bot = strict_bot
    admin = await admin_of(bot, "Relais", capsys)
    people = {chat: {"language": code, "department": "93"} for chat, code in FOLLOWERS.items()}
    await asyncio.to_thread(seed, bot.database_url, "Relais", people)
    await say(admin, "/broadcast")
    await admin.wait_for(lambda m: "Write the message" in (m.text or ""))
    await say(admin, "Distribution jeudi.")
    await admin.wait_for(lambda m: "It will reach 5 people now." in (m.text or ""))

    leave = "DELETE FROM follows WHERE person_id = (SELECT id FROM persons WHERE chat_id = 935)"
    await asyncio.to_thread(_execute, bot, leave)
    await press(admin, cb.encode_draft(DraftAction.MENU_STAGES))
    await press(admin, cb.encode_draft(DraftAction.PREVIEW))
    preview = await admin.wait_for(lambda m: "fewer than 5 people" in (m.text or ""))
    assert "too few to send" in preview.text and not SMALL.search(preview.text)
    assert not any("Send" in b.text for b in preview.buttons)

    refused = await answer_of(
        bot.telegram, await admin.press_data(cb.encode_draft(DraftAction.SEND))
    )
    assert refused.startswith("Too few people for this message")
    later = await admin.press_data(cb.encode_draft(DraftAction.LATER))
    assert (await answer_of(bot.telegram, later)).startswith("Too few people")
    await asyncio.sleep(0.3)
    assert await asyncio.to_thread(_rows, bot, "SELECT count(*) FROM deliveries") == [(0,)]
    followers = [bot.telegram.user(chat, language_code="fr") for chat in FOLLOWERS]
    assert not any("Distribution jeudi" in t for user in followers for t in _texts(user))


def _rows(bot: Harness, query: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(bot.database_url, connect_args={"timeout": 30})
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query)).all()]
    finally:
        engine.dispose()


def _execute(bot: Harness, statement: str) -> None:
    engine = sa.create_engine(bot.database_url, connect_args={"timeout": 30})
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement))
    finally:
        engine.dispose()
