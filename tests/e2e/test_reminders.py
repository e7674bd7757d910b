"""Reminders against the fake Bot API: on time, once, through restarts and Telegram faults."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.fake_api.users import FakeUser
from tests.e2e.conftest import PARIS, Harness
from tests.e2e.journeys import onboard_english, press

# Certificate of 2 March 2026 (normal): 21 days end Monday 23 March; reminders at 09:00 on
# 5, 12, 17, 20, 22 and 23 March (18, 11, 6, 3, 1 and 0 days before).
FIRST = datetime(2026, 3, 5, 9, 0, 30, tzinfo=PARIS)
SECOND = datetime(2026, 3, 12, 9, 0, 30, tzinfo=PARIS)
FILING = "Reminder: Monday, March 23, 2026"


async def _ready(bot: Harness, chat_id: int) -> FakeUser:
    """Onboard a person whose first reminder is due on 5 March."""
    user = bot.telegram.user(chat_id, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await user.wait_for(lambda m: "201 rue Carnot" in (m.text or ""))
    return user


def _reminders(user: FakeUser, text: str = FILING) -> list:
    """Return the reminder messages about one deadline."""
    return [m for m in user.messages if text in (m.text or "")]


def _statuses(bot: Harness, rule: str = "ofpra_filing_21_days") -> dict[str, int]:
    """Count the reminder rows of a rule by status."""
    engine = sa.create_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT status, count(*) FROM reminders WHERE rule_id = :r GROUP BY status"
                ),
                {"r": rule},
            ).all()
    finally:
        engine.dispose()
    return {str(row[0]): int(row[1]) for row in rows}


async def test_reminder_arrives_at_its_moment_with_buttons(bot: Harness) -> None:
    """Nothing before 5 March 09:00; then one reminder with what, when, days left and buttons."""
    user = await _ready(bot, 4001)
    bot.clock.set(FIRST - timedelta(minutes=5))
    await bot.telegram.wait_idle(quiet=0.4)
    assert _reminders(user) == []
    bot.clock.set(FIRST)
    message = await user.wait_for(lambda m: FILING in (m.text or ""))
    assert "(in 18 days)" in message.text and "201 rue Carnot" in message.text
    assert "PM" not in message.text  # the last day ends at 23:59 Paris time: no hour is shown
    assert [b.text for b in message.buttons] == [
        "✅ Done",
        "⏰ Remind me tomorrow",
        "❓ Why this date?",
        "This is not my situation",
    ]
    await bot.telegram.wait_idle(quiet=0.4)
    assert len(_reminders(user)) == 1


async def test_done_stops_the_remaining_reminders(bot: Harness) -> None:
    """ "Done" answers with the next step; no later reminder of that deadline is sent."""
    user = await _ready(bot, 4002)
    bot.clock.set(FIRST)
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await press(user, "✅ Done")
    reply = await user.wait_for(lambda m: "Well done" in (m.text or ""))
    assert "Your next step" in reply.text
    assert _statuses(bot).get("pending", 0) == 0
    bot.clock.set(
        datetime(2026, 3, 24, 9, 0, 30, tzinfo=PARIS)
    )  # past every reminder and the deadline
    await bot.telegram.wait_idle(quiet=0.5)
    assert len(_reminders(user)) == 1
    assert not any("has passed" in (m.text or "") for m in user.messages)


async def test_remind_me_tomorrow(bot: Harness) -> None:
    """ "Remind me tomorrow" brings the reminder back the next morning."""
    user = await _ready(bot, 4003)
    bot.clock.set(FIRST)
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await press(user, "⏰ Remind me tomorrow")
    await user.wait_for(lambda m: "I will remind you tomorrow" in (m.text or ""))
    bot.clock.set(FIRST + timedelta(days=1))
    await user.wait_for(lambda m: "(in 17 days)" in (m.text or ""))


async def test_missed_deadline_is_said_once(bot: Harness) -> None:
    """The morning after the last day, one message says what can still be done; then silence."""
    user = await _ready(bot, 4004)
    bot.clock.set(datetime(2026, 3, 24, 9, 0, 30, tzinfo=PARIS))
    missed = await user.wait_for(lambda m: "has passed" in (m.text or ""))
    assert "9 months" in missed.text  # what can still be done: reopening within 9 months
    bot.clock.set(datetime(2026, 3, 30, 9, 0, 30, tzinfo=PARIS))
    await bot.telegram.wait_idle(quiet=0.5)
    assert sum("has passed" in (m.text or "") for m in user.messages) == 1
    assert _reminders(user) == []  # the late lead reminders were cancelled, never sent


async def test_retry_after_is_honoured(bot: Harness) -> None:
    """A 429 puts the reminder back for retry_after seconds; it then arrives once."""
    user = await _ready(bot, 4005)
    bot.telegram.fail("sendMessage", status=429, retry_after=5, chat_id=4005)
    bot.clock.set(FIRST)
    await bot.telegram.wait_until(lambda: _statuses(bot).get("claimed", 0) == 0 and _was_429(bot))
    assert _reminders(user) == []
    bot.clock.advance(timedelta(seconds=6))
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await bot.telegram.wait_idle(quiet=0.4)
    assert len(_reminders(user)) == 1


async def test_server_errors_are_retried_with_backoff(bot: Harness) -> None:
    """Two 500s: retried after 30 s, then 60 s; delivered once, recorded as sent."""
    user = await _ready(bot, 4006)
    bot.telegram.fail("sendMessage", status=500, times=2, chat_id=4006)
    bot.clock.set(FIRST)
    for failures, wait in ((1, 31), (2, 61)):
        await bot.telegram.wait_until(lambda n=failures: _failures(bot, 500) == n)
        await bot.telegram.wait_until(lambda: _statuses(bot).get("claimed", 0) == 0)
        bot.clock.advance(timedelta(seconds=wait))
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await bot.telegram.wait_idle(quiet=0.4)
    assert len(_reminders(user)) == 1 and _statuses(bot).get("sent") == 1


async def test_timeout_is_retried_and_at_most_duplicated_once(bot: Harness) -> None:
    """A call that times out may still have been delivered: retried, never lost, at most twice."""
    user = await _ready(bot, 4007)
    bot.telegram.delay("sendMessage", 1.5)
    bot.clock.set(FIRST)
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await bot.telegram.wait_idle(quiet=0.4)
    bot.clock.advance(timedelta(seconds=31))
    await bot.telegram.wait_until(lambda: _statuses(bot).get("sent") == 1)
    assert 1 <= len(_reminders(user)) <= 2


async def test_blocked_person_is_suspended_until_start(bot: Harness) -> None:
    """403: the person is inactive and nothing is sent; after /start the reminder comes."""
    user = await _ready(bot, 4008)
    await user.block()
    bot.clock.set(FIRST)
    await bot.telegram.wait_until(
        lambda: bool(bot.telegram.calls("sendMessage")) and _inactive(bot, 4008)
    )
    await user.unblock()
    await user.send_text("/start")
    await user.wait_for(lambda m: FILING in (m.text or ""))
    assert len(_reminders(user)) == 1


def _inactive(bot: Harness, chat_id: int) -> bool:
    """Tell whether the person is marked inactive."""
    engine = sa.create_engine(bot.database_url)
    try:
        with engine.connect() as connection:
            active = connection.execute(
                sa.text("SELECT active FROM persons WHERE chat_id = :c"), {"c": chat_id}
            ).scalar_one()
    finally:
        engine.dispose()
    return not active


def _was_429(bot: Harness) -> bool:
    """Tell whether Telegram (the fake) answered a sendMessage with 429."""
    return _failures(bot, 429) > 0


def _failures(bot: Harness, status: int) -> int:
    """Count the sendMessage calls the fake answered with that status."""
    return sum(call.status == status for call in bot.telegram.calls("sendMessage"))
