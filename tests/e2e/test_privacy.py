"""Privacy promises, end to end: /delete leaves nothing in any table, logs carry nothing a person
typed, and people who stop using the bot are told, then erased."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from bot import callback_data as cb
from bot import logs
from bot.app import build_application, running
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from fake_telegram.users import FakeUser
from tests.e2e.conftest import PARIS, START, Harness, settings_for
from tests.e2e.journeys import card, give_date, onboard_english, press, reach_certificate_date, say
from tests.e2e.test_associations import ADMIN, staff_button
from tests.e2e.test_broadcast_features import admin_of, seed

PERSON = 987_654_321  # distinctive: found as a substring anywhere it was left behind
NEIGHBOUR = 987_000_001


def leftovers(database_url: str, chat_id: int, person_id: int | None) -> list[str]:
    """Return "table.column=value" for every value in every table that still names the person.

    Every table of the metadata and every column: a column referring to persons.id holding
    `person_id`, or any value equal to or containing the Telegram id (JSON details included).
    """
    engine = sa.create_engine(database_url)
    found: list[str] = []
    try:
        with engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                person_columns = {
                    key.parent.name
                    for key in table.foreign_keys
                    if key.column.table.name == "persons" and key.column.name == "id"
                }
                for row in connection.execute(sa.select(table)).mappings():
                    for column, value in row.items():
                        if person_id is not None and table.name == "persons" and column == "id":
                            hit = value == person_id
                        elif column in person_columns:
                            hit = value == person_id
                        else:
                            hit = value == chat_id or str(chat_id) in str(value)
                        if hit:
                            found.append(f"{table.name}.{column}={value!r}")
    finally:
        engine.dispose()
    return found


def person_id_of(database_url: str, chat_id: int) -> int:
    """Return the persons.id of a chat."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(
                connection.execute(
                    sa.text("SELECT id FROM persons WHERE chat_id = :c"), {"c": chat_id}
                ).scalar_one()
            )
    finally:
        engine.dispose()


async def follow_share_and_receive(bot: Harness, admin: FakeUser, user: FakeUser) -> None:
    """The person follows the admin's association, shares deadlines, and receives a broadcast."""
    await say(admin, "/staff")
    await press(admin, staff_button(admin, cb.StaffAction.FOLLOW_LINK))
    link = re.search(r"start=(f_[\w-]+)", admin.last_message.text or "")
    assert link is not None
    await say(user, f"/start {link.group(1)}")
    await user.wait_for(lambda m: "You now follow" in (m.text or ""))
    await say(user, "/associations")
    await press(user, "Share my deadlines with Entraide")
    await press(user, "Yes, share")
    await user.wait_for(lambda m: "will be alerted 3 days before" in (m.text or ""))
    await press(admin, staff_button(admin, cb.StaffAction.BROADCAST))
    await say(admin, "Permanence juridique jeudi.")
    await press(admin, cb.encode_draft(cb.DraftAction.SEND))
    await user.wait_for(lambda m: "Permanence juridique" in (m.text or ""), timeout=30)


async def test_delete_leaves_no_row_about_the_person_in_any_table(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dates, reminders, a saved conversation, a step done, a follow, shared deadlines (alerts),
    a broadcast received: after /delete no column of any table holds the person's ids; others
    keep theirs."""
    admin = await admin_of(bot, "Entraide", capsys)
    bot.telegram.user(NEIGHBOUR, language_code="en")
    await asyncio.to_thread(seed, bot.database_url, "Entraide", {NEIGHBOUR: {"department": "75"}})
    user = bot.telegram.user(PERSON, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    await follow_share_and_receive(bot, admin, user)
    await say(user, "/add")  # leaves a saved conversation mid-question
    person_id = person_id_of(bot.database_url, PERSON)
    before = leftovers(bot.database_url, PERSON, person_id)
    assert {entry.split(".")[0] for entry in before} >= {
        "persons",
        "key_dates",
        "reminders",
        "follows",
        "deliveries",
    }

    await say(user, "/delete")
    await press(user, "Yes, erase everything")
    await user.wait_for(lambda m: "Everything is erased" in (m.text or ""))

    assert leftovers(bot.database_url, PERSON, person_id) == []
    neighbour = person_id_of(bot.database_url, NEIGHBOUR)
    assert leftovers(bot.database_url, NEIGHBOUR, neighbour)  # nobody else was touched
    assert leftovers(bot.database_url, ADMIN, None)


async def test_a_staff_member_who_deletes_leaves_the_staff_and_no_trace(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    """An admin who also uses the bot: /delete warns they leave the staff; afterwards their
    broadcast and the audit entries stay, signed by nobody, and no row names them."""
    admin = await admin_of(bot, "Entraide", capsys)
    await asyncio.to_thread(seed, bot.database_url, "Entraide", {NEIGHBOUR: {}})
    await say(admin, "/staff")
    await press(admin, staff_button(admin, cb.StaffAction.BROADCAST))
    await say(admin, "Fermeture exceptionnelle.")
    await press(admin, cb.encode_draft(cb.DraftAction.SEND))
    neighbour = bot.telegram.user(NEIGHBOUR, language_code="en")
    await neighbour.wait_for(lambda m: "Fermeture exceptionnelle" in (m.text or ""), timeout=30)
    await admin.wait_for(lambda m: "1 of 1" in (m.text or ""), timeout=30)

    await say(admin, "/delete")
    assert "you will be removed from it" in (admin.last_message.text or "")
    await press(admin, "Yes, erase everything")
    await admin.wait_for(lambda m: "Everything is erased" in (m.text or ""))

    assert leftovers(bot.database_url, ADMIN, None) == []
    engine = sa.create_engine(bot.database_url)
    with engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT status, author_id FROM broadcasts")).all()
        actions = connection.execute(sa.text("SELECT action FROM audit_log")).scalars().all()
    engine.dispose()
    assert [tuple(row) for row in kept] == [("done", 0)]
    assert {"join_staff", "broadcast"} <= set(actions)
    await say(admin, "/staff")
    assert staff_button_absent(admin)


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log record of the run, at DEBUG, through the bot's own formatter (JSON lines)."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (root.level,)
    names = (logs.OWN_LOGGER, *logs.QUIET_LIBRARIES)
    saved_levels = {name: logging.getLogger(name).level for name in names}
    logs.configure("DEBUG", "json", stream)
    try:
        yield stream
    finally:
        for handler in [h for h in root.handlers if h.get_name() == logs.HANDLER_NAME]:
            root.removeHandler(handler)
        root.setLevel(saved[0])
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)


async def test_logs_of_a_full_run_hold_nothing_the_person_typed(
    bot: Harness, captured_logs: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    """Onboarding with typed dates and department, free text, a broadcast, a failing handler and
    Telegram faults: at DEBUG level no log line contains a typed value, a date or the name."""
    typed_date, typed_iso = "19/02/2026", "2026-02-19"
    secret_text = "Je m'appelle Zarmina Haidari, né le 04/05/1990"
    admin = await admin_of(bot, "Entraide", capsys)
    user = bot.telegram.user(PERSON, first_name="Zarmina", last_name="Haidari", language_code="en")
    await reach_certificate_date(user)
    await say(user, "31/02/2026")  # impossible: a clear answer, not a log line with it
    await give_date(user, typed_date)
    await user.wait_for(lambda m: "valable jusqu'au" in (m.text or ""))
    await say(user, secret_text)
    await user.send_sticker()
    bot.telegram.fail("sendMessage", status=502, times=1, chat_id=PERSON)
    await say(user, "/next")
    await say(user, "/next")
    await follow_share_and_receive(bot, admin, user)

    # A handler failing on an error whose message holds what the person typed.
    services = bot.application.bot_data.services
    assert services is not None
    people = services.people

    async def failing_export(chat_id: int) -> None:
        raise ValueError(f"could not read {secret_text!r} of {chat_id}")

    original, people.export = people.export, failing_export  # type: ignore[method-assign]
    before = user.last_message.message_id
    try:
        await say(user, "/mydata")
        await user.wait_for(
            lambda m: "something went wrong" in (m.text or "") and m.message_id > before
        )
    finally:
        people.export = original  # type: ignore[method-assign]
    await bot.answered(user)

    text = captured_logs.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert any(line["level"] == "ERROR" and "ValueError" in line["error"] for line in lines)
    assert any(line["logger"].startswith("telegram") for line in lines)  # libraries log too
    forbidden = [
        typed_date,
        typed_iso,
        "31/02/2026",
        "Zarmina",
        "Haidari",
        "04/05/1990",
        "Permanence juridique",
        "Fermeture",
        str(PERSON),
    ]
    leaked = [line for line in text.splitlines() if any(value in line for value in forbidden)]
    assert leaked == [], "\n".join(leaked)


async def test_inactive_people_are_told_then_erased_unless_they_answer(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """18 months unseen: one notice in the person's language; answering keeps everything;
    30 days after an unanswered notice the person is erased and told."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    settings = settings_for(telegram, url, retention_interval=0.2)
    clock = ManualClock(START)
    application = build_application(settings, clock=clock)
    async with running(application, poll_timeout=1):
        harness = Harness(telegram, application, url, clock)
        stays = telegram.user(4001, language_code="en")
        leaves = telegram.user(4002, language_code="en")
        for user in (stays, leaves):
            await onboard_english(user)
        notice = "You have not used this bot for 18 months"

        clock.set(START + timedelta(days=18 * 31))
        for user in (stays, leaves):
            await user.wait_for(lambda m: notice in (m.text or ""), timeout=15)
            assert "Keep my reminders" in [b.text for b in user.buttons()]
        await press(stays, "Keep my reminders")
        await stays.wait_for(lambda m: "the bot keeps your dates" in (m.text or ""))

        clock.set(clock.now() + timedelta(days=31))
        await leaves.wait_for(lambda m: "As announced" in (m.text or ""), timeout=15)
        await telegram.wait_idle()
        assert leftovers(url, 4002, None) == []
        assert person_id_of(url, 4001) > 0
        assert sum(notice in (m.text or "") for m in stays.messages) == 1
        assert harness.clock.now() > datetime(2027, 9, 1, tzinfo=PARIS)


def staff_button_absent(user: FakeUser) -> bool:
    """Tell whether the bot's last message to the user offers no staff action."""
    return not any(
        (b.callback_data or "").startswith(f"{cb.STAFF}:") for b in user.last_message.buttons
    )
