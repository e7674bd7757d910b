"""Reminders against the fake Bot API: on time, once, through restarts and Telegram faults."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from fake_telegram.users import FakeUser
from tests.e2e.conftest import PARIS, Harness
from tests.e2e.journeys import card, onboard_english, press

# Certificate of 2 March 2026 (normal): 21 days end Monday 23 March; reminders at 09:00 on
# 5, 12, 17, 20, 22 and 23 March (18, 11, 6, 3, 1 and 0 days before), and on Thursday 19 March,
# the last day to post the form (4 days for the post).
FIRST = datetime(2026, 3, 5, 9, 0, 30, tzinfo=PARIS)
SECOND = datetime(2026, 3, 12, 9, 0, 30, tzinfo=PARIS)
FILING = "⏰ Send your asylum form to Ofpra"


async def _ready(bot: Harness, chat_id: int) -> FakeUser:
    """Onboard a person whose first reminder is due on 5 March."""
    user = bot.telegram.user(chat_id, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    await bot.answered(user)  # every card of the summary is out
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
    assert (await bot.dispatch_pass()).sent == 0
    assert _reminders(user) == []
    bot.clock.set(FIRST)
    message = await user.wait_for(lambda m: FILING in (m.text or ""))
    assert message.text.splitlines() == [
        "⏰ Send your asylum form to Ofpra",
        "📮 Post it by Thursday, March 19, 2026",
        "Last day: Monday, March 23, 2026 · in 18 days",
    ]
    assert len(message.text) < 300  # a card a stressed person reads to the end
    assert [b.text for b in message.buttons] == [
        "✅ Done",
        "⏰ Remind me tomorrow",
        "📄 Details",
        "❓ Why this date?",
    ]
    assert (await bot.dispatch_pass()).sent == 0  # the pass that sent it has ended: no copy
    assert len(_reminders(user)) == 1


async def test_the_last_day_to_post_is_reminded_then_the_advice_changes(bot: Harness) -> None:
    """A reminder falls on the last day to post; the next ones no longer say "post it" but lead
    with what to do instead, and Details gives the rule's advice for when posting is too late."""
    user = await _ready(bot, 4005)
    bot.clock.set(datetime(2026, 3, 19, 9, 0, 30, tzinfo=PARIS))
    last_post = await user.wait_for(lambda m: "in 4 days" in (m.text or ""))
    assert "📮 Post it by Thursday, March 19, 2026" in last_post.text
    bot.clock.set(datetime(2026, 3, 20, 9, 0, 30, tzinfo=PARIS))
    late = await user.wait_for(lambda m: "in 3 days" in (m.text or ""))
    assert late.text.splitlines() == [
        "⏰ Send your asylum form to Ofpra",
        "⚠️ Too late to post it safely: see Details for today.",
        "Last day: Monday, March 23, 2026 · in 3 days",
    ]
    await press(user, "📄 Details")
    details = await user.wait_for(lambda m: "Fontenay-sous-Bois" in (m.text or ""))
    assert "It may be too late to post it now" in details.text
    assert not any("Post it by" in (m.text or "") for m in user.messages[-2:])


async def test_done_stops_the_remaining_reminders(bot: Harness) -> None:
    """ "Done" answers with the next step; no later reminder of that deadline is sent."""
    user = await _ready(bot, 4002)
    bot.clock.set(FIRST)
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await press(user, "✅ Done")
    reply = await user.wait_for(lambda m: "Well done" in (m.text or ""))
    assert "Your next steps" in reply.text
    await card(user, "attestation_initial_validity_normal")
    assert _statuses(bot).get("pending", 0) == 0
    bot.clock.set(
        datetime(2026, 3, 24, 9, 0, 30, tzinfo=PARIS)
    )  # past every reminder and the deadline
    await bot.dispatch_pass()
    assert len(_reminders(user)) == 1
    assert not any("deadline ended" in (m.text or "") for m in user.messages)


async def test_remind_me_tomorrow(bot: Harness) -> None:
    """ "Remind me tomorrow" brings the reminder back the next morning."""
    user = await _ready(bot, 4003)
    bot.clock.set(FIRST)
    await user.wait_for(lambda m: FILING in (m.text or ""))
    await press(user, "⏰ Remind me tomorrow")
    await user.wait_for(lambda m: "I will remind you tomorrow" in (m.text or ""))
    bot.clock.set(FIRST + timedelta(days=1))
    await user.wait_for(lambda m: "in 17 days" in (m.text or ""))


async def test_missed_deadline_is_said_once(bot: Harness) -> None:
    """The morning after the last day, one message says what can still be done; then silence."""
    user = await _ready(bot, 4004)
    bot.clock.set(datetime(2026, 3, 24, 9, 0, 30, tzinfo=PARIS))
    missed = await user.wait_for(lambda m: "deadline ended" in (m.text or ""))
    assert "March 23, 2026" in missed.text
    assert "9 months" in missed.text  # what can still be done: reopening within 9 months
    bot.clock.set(datetime(2026, 3, 30, 9, 0, 30, tzinfo=PARIS))
    await bot.dispatch_pass()
    assert sum("deadline ended" in (m.text or "") for m in user.messages) == 1
    assert _reminders(user) == []  # the late lead reminders were cancelled, never sent


async def test_retry_after_is_honoured(bot: Harness) -> None:
    """A 429 puts the reminder back for retry_after seconds; it then arrives once."""
    user = await _ready(bot, 4005)
    bot.telegram.fail("sendMessage", status=429, retry_after=5, chat_id=4005)
    bot.clock.set(FIRST)
    await bot.telegram.wait_until(lambda: _was_429(bot))
    assert (await bot.dispatch_pass()).sent == 0  # the refused send is back, for later
    assert _statuses(bot).get("claimed", 0) == 0 and _reminders(user) == []
    bot.clock.advance(timedelta(seconds=6))
    await user.wait_for(lambda m: FILING in (m.text or ""))
    assert (await bot.dispatch_pass()).sent == 0
    assert len(_reminders(user)) == 1


@pytest.mark.slow  # each retry waits for its chat's turn: one message a second per chat
async def test_server_errors_are_retried_with_backoff(bot: Harness) -> None:
    """Two 500s: retried after 30 s, then 60 s; delivered once, recorded as sent."""
    user = await _ready(bot, 4006)
    bot.telegram.fail("sendMessage", status=500, times=2, chat_id=4006)
    bot.clock.set(FIRST)
    for failures, wait in ((1, 31), (2, 61)):
        await bot.telegram.wait_until(lambda n=failures: _failures(bot, 500) == n)
        assert (await bot.dispatch_pass()).sent == 0  # the failed send is back, for later
        assert _statuses(bot).get("claimed", 0) == 0
        bot.clock.advance(timedelta(seconds=wait))
    await user.wait_for(lambda m: FILING in (m.text or ""))
    assert (await bot.dispatch_pass()).sent == 0
    assert len(_reminders(user)) == 1 and _statuses(bot).get("sent") == 1


@pytest.mark.slow  # a real read timeout, then the retry waits for its chat's turn
async def test_timeout_is_retried_and_at_most_duplicated_once(bot: Harness) -> None:
    """A call that times out may still have been delivered: retried, never lost, at most twice."""
    user = await _ready(bot, 4007)
    bot.telegram.delay("sendMessage", 1.5)
    bot.clock.set(FIRST)
    await user.wait_for(lambda m: FILING in (m.text or ""))
    # Once the pass whose call timed out has ended, the reminder waits for its retry.
    assert (await bot.dispatch_pass()).sent == 0
    bot.clock.advance(timedelta(seconds=31))
    await bot.telegram.wait_until(lambda: _statuses(bot).get("sent") == 1)
    assert 1 <= len(_reminders(user)) <= 2


async def test_blocked_person_is_suspended_until_start(bot: Harness) -> None:
    """403: the person is inactive and nothing is sent; after /start the reminder comes."""
    user = await _ready(bot, 4008)
    await user.block()
    bot.clock.set(FIRST)
    await bot.dispatch_pass()  # this pass or the job's found the reminder due and got 403
    assert _inactive(bot, 4008) and _reminders(user) == []
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
