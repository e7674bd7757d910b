"""Whole journeys as a person plays them on the phone, in English and French."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlmodel import SQLModel

from tests.e2e.conftest import Harness
from tests.e2e.journeys import card, onboard_english, press, say


async def test_onboarding_in_english_with_typed_dates(bot: Harness) -> None:
    """A newcomer reaches a summary whose first card says what to do and by when, in three
    lines; where, the documents and the reminders are behind "Details"."""
    user = bot.telegram.user(1001, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    summary = await card(user, "ofpra_filing_21_days")
    assert summary.text.splitlines() == [
        "⏳ Send your asylum form to Ofpra",
        "📮 Post it by Thursday, March 19, 2026",
        "Last day: Monday, March 23, 2026 · in 20 days",
    ]
    assert [b.text for b in summary.buttons] == ["✅ Done", "📄 Details", "❓ Why this date?"]
    await press(user, "dt:ofpra_filing_21_days")
    details = await user.wait_for(lambda m: "201 rue Carnot" in (m.text or ""))
    assert "Documents:" in details.text and "If missed:" in details.text
    assert "Reminders:" in details.text


async def test_nothing_is_stored_before_consent(bot: Harness) -> None:
    """Choosing a language writes nothing; the person row appears only after "I agree"."""
    user = bot.telegram.user(1002, language_code="en")
    await say(user, "/start")
    await press(user, "English")
    assert _count_rows(bot.database_url) == 0
    await press(user, "I agree")
    await user.wait_for(lambda m: "Where are you now" in (m.text or ""))
    assert _count_rows(bot.database_url) > 0


async def test_mydata_and_delete_leave_no_row(bot: Harness) -> None:
    """/mydata shows the dates and sends a JSON file; /delete erases every row of every table."""
    user = bot.telegram.user(1003, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    await say(user, "/mydata")
    await bot.telegram.wait_until(lambda: len(user.documents) == 1)
    exported = json.loads(user.documents[0].data)
    assert exported["dates"][0] == {
        "event": "certificate_issued",
        "date": "2026-03-02",
        "time": None,
        "outcome": None,
        "received": None,
        "permit": None,
        "detained": None,
        "opened_on": None,
        "decided_on": None,
        "lawyer_notified_on": None,
        "estimated": False,
        "date_unknown": False,
    }
    readable = next(m for m in user.messages if "What the bot keeps about you" in (m.text or ""))
    for line in (
        "Language: English",
        "Department: 93 Seine-Saint-Denis",
        "Procedure: Normal (procédure normale)",
        "Agreed on: March 3, 2026",
        "Last used: March 3, 2026",
        "Asylum certificate issued: March 2, 2026",
        "Steps you marked done",
        "0 messages received from associations.",
    ):
        assert line in readable.text, line
    await say(user, "/delete")
    await press(user, "Yes, erase everything")
    assert "Everything is erased" in user.last_message.text
    assert _count_rows(bot.database_url) == 0


async def test_forged_and_stale_buttons_are_refused_politely(bot: Harness) -> None:
    """Forged callback data, another person's date, a stale stage button: polite refusal only."""
    user = bot.telegram.user(1004, language_code="en")
    await onboard_english(user)
    forged = (
        "de:certificate_expires",
        "zz:1",
        "st:protected",
        "cal:d:20260230",
        "dl:x",
        "an:dublin",
    )
    for data in forged:
        answered = len(bot.telegram.callback_answers) + 1
        await user.press_data(data)
        await bot.telegram.wait_until(lambda n=answered: len(bot.telegram.callback_answers) >= n)
        assert bot.telegram.callback_answers[-1].text == "This button is no longer valid."
    # The question the person was at is still waiting for its answer.
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")


def _count_rows(url: str) -> int:
    """Count the rows of every table of the application (migrations' own table excluded)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return sum(
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for table in SQLModel.metadata.sorted_tables
            )
    finally:
        engine.dispose()
