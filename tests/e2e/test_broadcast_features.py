"""Broadcasts end to end, beyond sending now: scheduled messages and /broadcasts, targeting by
situation, quiet hours, the daily cap, the operator's message to everyone, and the alert an
association receives when a person who shares their deadlines has one 3 days away."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot import callback_data as cb
from bot.app import build_application, running
from bot.callback_data import DraftAction, ShareStep, StaffAction
from bot.clock import ManualClock
from bot.db.models import Follow, Person, Reminder
from fake_telegram.server import FakeTelegram
from fake_telegram.users import FakeUser
from tests.e2e.conftest import PARIS, START, Harness, settings_for
from tests.e2e.journeys import card, onboard_english, press, say
from tests.e2e.test_associations import (
    ADMIN,
    OUTSIDER,
    _rows,
    answer_of,
    create_association,
    join,
    staff_button,
)

OPERATOR = 9500


def seed(
    database_url: str,
    association: str | None,
    people: dict[int, dict[str, object]],
) -> None:
    """Write consented people (following `association` when given) with optional reminders.

    `people` maps a chat id to column values, and optionally "reminders": a list of
    (rule id, due moment, status) rows, as the planner would have written them.
    """
    engine = sa.create_engine(database_url, connect_args={"timeout": 30})
    persons, follows = Person.__table__, Follow.__table__  # type: ignore[attr-defined]
    reminders = Reminder.__table__  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    with engine.begin() as connection:
        association_id = (
            connection.execute(
                sa.text("SELECT id FROM associations WHERE name = :n"), {"n": association}
            ).scalar_one()
            if association
            else None
        )
        for chat_id, values in people.items():
            planned = values.get("reminders", [])
            columns = {
                "chat_id": chat_id,
                "language": "en",
                "consented_at": now,
                "active": True,
                "created_at": now,
                "updated_at": now,
            } | {k: v for k, v in values.items() if k != "reminders"}
            person_id = connection.execute(
                sa.insert(persons).values(**columns).returning(persons.c.id)
            ).scalar_one()
            if association_id is not None:
                connection.execute(
                    sa.insert(follows).values(
                        person_id=person_id, association_id=association_id, created_at=now
                    )
                )
            for rule_id, due, status in planned:  # type: ignore[attr-defined]
                connection.execute(
                    sa.insert(reminders).values(
                        person_id=person_id,
                        rule_id=rule_id,
                        due_at=due,
                        remind_at=due - timedelta(days=1),
                        kind="lead",
                        status=status,
                        created_at=now,
                    )
                )
    engine.dispose()


async def admin_of(bot: Harness, name: str, capsys: pytest.CaptureFixture[str]) -> FakeUser:
    """Create an association and return its first admin, joined."""
    payload = await create_association(bot, name, capsys)
    admin = bot.telegram.user(ADMIN, language_code="en")
    await join(admin, payload)
    return admin


async def compose(user: FakeUser, text: str) -> None:
    """Open the composer of the user's association and write the text."""
    await say(user, "/broadcast")
    await user.wait_for(lambda m: "Write the message" in (m.text or ""))
    await say(user, text)
    await user.wait_for(lambda m: "It will reach" in (m.text or ""))


def got(users: list[FakeUser], needle: str) -> list[int]:
    """Return how many messages containing `needle` each user received."""
    return [sum(needle in (m.text or "") for m in user.messages) for user in users]


async def test_a_scheduled_message_goes_out_at_its_time_and_can_be_cancelled(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Accueil", capsys)
    await asyncio.to_thread(
        seed, bot.database_url, "Accueil", {chat: {"department": "93"} for chat in (701, 702)}
    )
    followers = [bot.telegram.user(chat, language_code="en") for chat in (701, 702)]

    await compose(admin, "Permanence juridique jeudi.")
    await press(admin, cb.encode_draft(DraftAction.LATER))
    assert "When should it go out?" in (admin.last_message.text or "")
    await press(admin, cb.encode_draft(DraftAction.AT, "202603040900"))  # tomorrow 09:00, Paris
    scheduled = await admin.wait_for(lambda m: "is scheduled for" in (m.text or ""))
    assert "Wednesday, March 4, 2026" in (scheduled.text or "")

    # A second message, scheduled by typing a date and time, then cancelled from /broadcasts.
    await compose(admin, "Sortie annulée.")
    await press(admin, cb.encode_draft(DraftAction.LATER))
    await say(admin, "31/02/2026 10:00")
    assert "could not read a future date" in (admin.last_message.text or "")
    await say(admin, "05/03/2026 14h30")
    await admin.wait_for(lambda m: "Thursday, March 5, 2026" in (m.text or ""))
    await say(admin, "/broadcasts")
    history = await admin.wait_for(lambda m: "Latest messages of Accueil" in (m.text or ""))
    assert (history.text or "").count("scheduled for") == 2
    second = max(int(n) for n in re.findall(r"#(\d+)", history.text or ""))
    await press(admin, f"Cancel #{second}")
    await admin.wait_for(lambda m: "was not sent" in (m.text or ""))

    await asyncio.sleep(0.5)  # several dispatcher runs: nothing is due yet
    assert got(followers, "Permanence juridique") == [0, 0]
    bot.clock.set(datetime(2026, 3, 4, 9, 0, 5, tzinfo=PARIS))
    await admin.wait_for(lambda m: "2 of 2 people received it" in (m.text or ""), timeout=30)
    assert got(followers, "Permanence juridique") == [1, 1]
    bot.clock.set(datetime(2026, 3, 5, 15, 0, tzinfo=PARIS))
    await asyncio.sleep(0.5)
    assert got(followers, "Sortie annulée") == [0, 0]
    statuses = _rows(bot, "SELECT status FROM broadcasts ORDER BY id")
    assert statuses == [("done",), ("cancelled",)]


async def test_removed_staff_scheduled_messages_do_not_go_out(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Relais", capsys)
    await say(admin, "/staff")
    await press(admin, staff_button(admin, StaffAction.INVITE_STAFF))
    invite = re.search(r"start=(i_[\w-]+)", admin.last_message.text or "")
    assert invite is not None
    member = bot.telegram.user(OUTSIDER, language_code="en")
    await join(member, invite.group(1))
    await asyncio.to_thread(seed, bot.database_url, "Relais", {703: {}})
    await compose(member, "Message du salarié parti.")
    await press(member, cb.encode_draft(DraftAction.LATER))
    await press(member, cb.encode_draft(DraftAction.AT, "202603040900"))
    await member.wait_for(lambda m: "is scheduled for" in (m.text or ""))
    relais = _rows(bot, "SELECT id FROM associations WHERE name = 'Relais'")[0][0]
    await say(admin, "/staff")
    await press(admin, staff_button(admin, StaffAction.STAFF_LIST))
    await press(admin, cb.encode(cb.STAFF_REMOVE, f"{relais}.{OUTSIDER}"))
    await admin.wait_for(lambda m: "Removed" in (m.text or ""))
    bot.clock.set(datetime(2026, 3, 4, 9, 5, tzinfo=PARIS))
    await asyncio.sleep(0.5)
    assert got([bot.telegram.user(703)], "salarié parti") == [0]
    assert _rows(bot, "SELECT status FROM broadcasts") == [("cancelled",)]


async def test_targeting_by_situation_department_and_stage(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Droit d'asile 93", capsys)
    soon = START + timedelta(days=5)
    later = START + timedelta(days=20)
    await asyncio.to_thread(
        seed,
        bot.database_url,
        "Droit d'asile 93",
        {
            801: {"reminders": [("cnda_appeal_1_month", soon, "pending")]},  # in 5 days
            802: {"reminders": [("cnda_appeal_1_month", later, "pending")]},  # too far
            803: {"reminders": [("cnda_appeal_1_month", soon, "cancelled")]},  # done
            804: {"reminders": [("ofpra_completion_8_days", soon, "pending")]},  # another step
            805: {"department": "93", "stage": "waiting_interview"},
            806: {"department": "75", "stage": "waiting_interview"},
            807: {"department": "93", "stage": "file_sent"},
        },
    )
    users = [bot.telegram.user(chat, language_code="en") for chat in range(801, 808)]

    await compose(admin, "Recours CNDA : permanence avocat mardi.")
    assert "It will reach 7 people now." in (admin.last_message.text or "")
    await press(admin, cb.encode_draft(DraftAction.SITUATIONS))
    await press(admin, cb.encode_draft(DraftAction.SITUATION, "cnda_appeal"))
    await admin.wait_for(lambda m: any(b.text == "🔘 10 days" for b in m.buttons))
    await press(admin, cb.encode_draft(DraftAction.PREVIEW))
    preview = await admin.wait_for(lambda m: "It will reach" in (m.text or ""))
    assert "Appeal to the CNDA, last day within 10 days" in (preview.text or "")
    assert "It will reach 1 person now." in (preview.text or "")
    # A forged situation or window changes nothing.
    for forged in (
        cb.encode_draft(DraftAction.SITUATION, "nothing"),
        cb.encode_draft(DraftAction.WINDOW, "11"),
        cb.encode_draft(DraftAction.WINDOW, "x"),
    ):
        answer = await answer_of(bot.telegram, await admin.press_data(forged))
        assert "no longer valid" in answer
    await press(admin, cb.encode_draft(DraftAction.SEND))
    await admin.wait_for(lambda m: "1 of 1 people received it" in (m.text or ""), timeout=30)
    assert got(users, "permanence avocat") == [1, 0, 0, 0, 0, 0, 0]

    # "Everyone waiting for an interview in department 93".
    await compose(admin, "Préparer son entretien : atelier.")
    await press(admin, cb.encode_draft(DraftAction.MENU_DEPARTMENTS))
    await press(admin, cb.encode_draft(DraftAction.TOGGLE_DEPARTMENT, "93"))
    await press(admin, cb.encode_draft(DraftAction.PREVIEW))
    await press(admin, cb.encode_draft(DraftAction.MENU_STAGES))
    await press(admin, cb.encode_draft(DraftAction.TOGGLE_STAGE, "waiting_interview"))
    await press(admin, cb.encode_draft(DraftAction.PREVIEW))
    await admin.wait_for(lambda m: "It will reach 1 person now." in (m.text or ""))
    await press(admin, cb.encode_draft(DraftAction.SEND))
    await users[4].wait_for(lambda m: "atelier" in (m.text or ""), timeout=30)
    await admin.wait_for(lambda m: (m.text or "").count("1 of 1 people") == 1 and m.edit_count > 1)
    assert got(users, "atelier") == [0, 0, 0, 0, 1, 0, 0]


async def test_quiet_hours_hold_broadcasts_until_morning(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Nuit calme", capsys)
    await asyncio.to_thread(seed, bot.database_url, "Nuit calme", {901: {}, 902: {}})
    followers = [bot.telegram.user(chat, language_code="en") for chat in (901, 902)]
    bot.clock.set(datetime(2026, 3, 3, 22, 30, tzinfo=PARIS))
    await compose(admin, "Distribution demain.")
    assert "Quiet hours now: it goes out from" in (admin.last_message.text or "")
    await press(admin, cb.encode_draft(DraftAction.SEND))
    await admin.wait_for(lambda m: "Paused for the quiet hours" in (m.text or ""))
    await asyncio.sleep(0.5)
    assert got(followers, "Distribution demain") == [0, 0]
    bot.clock.set(datetime(2026, 3, 4, 8, 0, 1, tzinfo=PARIS))
    await admin.wait_for(lambda m: "2 of 2 people received it" in (m.text or ""), timeout=30)
    assert got(followers, "Distribution demain") == [1, 1]


async def test_the_daily_cap_defers_extra_broadcasts_to_the_next_day(
    telegram: FakeTelegram, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = settings_for(
        telegram, f"sqlite:///{tmp_path / 'bot.sqlite3'}", broadcast_daily_cap=1
    )
    clock = ManualClock(START)
    application = build_application(settings, clock=clock)
    async with running(application, poll_timeout=1):
        bot = Harness(telegram, application, settings.database_url, clock)
        admin = await admin_of(bot, "Un par jour", capsys)
        await asyncio.to_thread(seed, bot.database_url, "Un par jour", {911: {}})
        follower = telegram.user(911, language_code="en")
        await compose(admin, "Premier message.")
        await press(admin, cb.encode_draft(DraftAction.SEND))
        await admin.wait_for(lambda m: "1 of 1 people received it" in (m.text or ""))
        await compose(admin, "Second message.")
        await press(admin, cb.encode_draft(DraftAction.SEND))
        waiting = "SELECT status, last_error FROM deliveries WHERE broadcast_id = 2"
        for _ in range(400):  # the dispatcher takes the delivery and puts it back
            if _rows(bot, waiting) == [("pending", "daily_cap")]:
                break
            await asyncio.sleep(0.05)
        assert _rows(bot, waiting) == [("pending", "daily_cap")]
        await asyncio.sleep(0.3)  # more dispatcher runs: it stays back
        assert got([follower], "Second message") == [0]
        clock.advance(timedelta(hours=24, seconds=5))
        await follower.wait_for(lambda m: "Second message" in (m.text or ""), timeout=30)
        await admin.wait_for(lambda m: "1 of 1 people received it" in (m.text or ""))
        assert got([follower], "Premier message") == [1]
        assert got([follower], "Second message") == [1]


async def test_the_operator_writes_to_everyone_and_nobody_else_can(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    settings = settings_for(
        telegram, f"sqlite:///{tmp_path / 'bot.sqlite3'}", bot_operator_ids=str(OPERATOR)
    )
    clock = ManualClock(START)
    async with running(build_application(settings, clock=clock), poll_timeout=1):
        await asyncio.to_thread(
            seed, settings.database_url, None, {921: {}, 922: {"language": "fr"}}
        )
        people = [telegram.user(chat, language_code="en") for chat in (921, 922)]
        outsider = telegram.user(OUTSIDER, language_code="en")
        await say(outsider, "/broadcast")
        assert "for association staff only" in (outsider.last_message.text or "")
        everyone = cb.encode_staff(StaffAction.EVERYONE, 0)
        refused = await answer_of(telegram, await outsider.press_data(everyone))
        assert "staff only" in refused

        operator = telegram.user(OPERATOR, language_code="en")
        await say(operator, "/broadcast")
        await press(operator, "📣 Everyone (operator)")
        await operator.wait_for(lambda m: "Everyone who uses the bot" in (m.text or ""))
        await say(operator, "La loi change le 1er mai.")
        await operator.wait_for(lambda m: "It will reach 2 people now." in (m.text or ""))
        await press(operator, cb.encode_draft(DraftAction.SEND))
        await operator.wait_for(lambda m: "2 of 2 people received it" in (m.text or ""))
        assert got(people, "La loi change") == [1, 1]
        await say(operator, "/broadcasts")
        history = await operator.wait_for(lambda m: "Latest messages of Everyone" in (m.text or ""))
        assert "2 of 2 delivered" in (history.text or "")
        audit = _rows_at(settings.database_url, "SELECT actor_id, action FROM audit_log")
        assert {actor for actor, _ in audit} == {OPERATOR}
        actions = [action for _, action in audit]
        assert actions.count("broadcast") == 1 and "preview_audience" in actions


def _rows_at(database_url: str, query: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(query)).all()]
    finally:
        engine.dispose()


async def test_sharing_deadlines_alerts_the_association_three_days_before(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = await admin_of(bot, "Caseworkers", capsys)
    await say(admin, "/staff")
    await press(admin, staff_button(admin, StaffAction.FOLLOW_LINK))
    link = re.search(r"start=(f_[\w-]+)", admin.last_message.text or "")
    assert link is not None

    person = bot.telegram.user(9300, language_code="en")
    await onboard_english(person)  # certificate of 2 March 2026: Ofpra form by 23 March
    await press(person, "I don't know")
    await card(person, "ofpra_filing_21_days")
    await say(person, f"/start {link.group(1)}")
    await person.wait_for(lambda m: "You now follow" in (m.text or ""))
    assert _alerts(bot) == []  # following alone shares nothing

    await say(person, "/associations")
    await press(person, "Share my deadlines with Caseworkers")
    question = person.last_message.text or ""
    assert "They see nothing else" in question
    await press(person, "No")
    assert "Nothing was shared." in (person.last_message.text or "")
    assert _alerts(bot) == []
    await say(person, "/associations")
    await press(person, "Share my deadlines with Caseworkers")
    await press(person, "Yes, share")
    await person.wait_for(lambda m: "will be alerted 3 days before" in (m.text or ""))
    alerts = _alerts(bot)
    assert ("ofpra_filing_21_days", "pending") in alerts
    # Forged: sharing with an association the person does not follow.
    forged = await answer_of(
        bot.telegram, await person.press_data(cb.encode_share(ShareStep.YES, 999))
    )
    assert "no longer valid" in forged

    # 20 March 10:00, three days before the last day (23 March): the staff are alerted.
    bot.clock.set(datetime(2026, 3, 20, 10, 0, 5, tzinfo=PARIS))
    alert = await admin.wait_for(lambda m: "a deadline in 3 days" in (m.text or ""), timeout=30)
    text = alert.text or ""
    assert "Send your asylum form to Ofpra" in text
    assert "Monday, March 23, 2026" in text
    assert any(e.get("url") == "tg://user?id=9300" for e in alert.entities)
    assert "93" not in text.replace("9300", "")  # nothing else about the person

    # Stopping sharing cancels the alerts still ahead.
    await say(person, "/associations")
    await press(person, "Stop sharing with Caseworkers")
    await person.wait_for(lambda m: "will no longer be alerted" in (m.text or ""))
    assert all(status != "pending" for _, status in _alerts(bot))


def _alerts(bot: Harness) -> list[tuple[object, ...]]:
    return _rows(bot, "SELECT rule_id, status FROM reminders WHERE kind = 'alert'")
