"""A restart in the middle of the questions: the person continues where they were."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.app import build_application, running
from bot.clock import ManualClock
from fake_telegram.server import FakeTelegram
from tests.e2e.conftest import PARIS, START, dispatch_pass, settings_for
from tests.e2e.journeys import card, onboard_english, press, say


async def test_conversation_survives_a_restart(telegram: FakeTelegram, tmp_path: Path) -> None:
    """Stage chosen, bot restarted, then the department typed: the questions go on."""
    settings = settings_for(telegram, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    user = telegram.user(3001, language_code="en")
    async with running(build_application(settings, clock=ManualClock(START)), poll_timeout=1):
        await say(user, "/start")
        await press(user, "English")
        await press(user, "I agree")
        await press(user, "I received Ofpra's decision")
        await user.wait_for(lambda m: "In which department" in (m.text or ""))
    async with running(build_application(settings, clock=ManualClock(START)), poll_timeout=1):
        await say(user, "75")
        await user.wait_for(lambda m: "What does Ofpra's decision" in (m.text or ""))
        await press(user, "File closed (clôture)")
        await user.wait_for(lambda m: "How did the decision reach you" in (m.text or ""))
    assert telegram.protocol_errors == []


async def test_reminders_missed_while_down_are_sent_once_on_start(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """Bot stopped before 5 March, started on 12 March: one reminder (the latest), not two."""
    settings = settings_for(telegram, f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    user = telegram.user(3002, language_code="en")
    async with running(build_application(settings, clock=ManualClock(START)), poll_timeout=1):
        await onboard_english(user)
        await press(user, "I don't know")
        await card(user, "ofpra_filing_21_days")
    later = ManualClock(datetime(2026, 3, 12, 9, 30, tzinfo=PARIS))
    async with running(build_application(settings, clock=later), poll_timeout=1) as application:
        reminder = await user.wait_for(lambda m: "⏰ Send your asylum form" in (m.text or ""))
        assert "Last day: Monday, March 23, 2026 · in 11 days" in reminder.text
        assert (await dispatch_pass(application)).sent == 0
    assert sum("⏰" in (m.text or "") for m in user.messages) == 1
