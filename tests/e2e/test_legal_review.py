"""The second legal review in the conversation (issue 13), over the fake Bot API.

Detention asked when it matters (and the shorter period when not known), legal aid stopping and
restarting the CNDA appeal, "Why this date?" under each deadline, and the message a person gets
when a correction of the rules moves their date. The clock stands on 3 March 2026.
"""

from __future__ import annotations

from datetime import date

from bot.i18n import translator
from bot.services.plans import PlanService
from bot.services.replan import ReplanService
from tests.e2e.conftest import Harness
from tests.e2e.journeys import card, give_date, onboard_english, press, say
from tests.support.rulebooks import rules_before_the_review


async def _ready(bot: Harness, chat_id: int):
    """A person onboarded in English with a certificate of 2 March 2026 (93)."""
    user = bot.telegram.user(chat_id, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    return user


async def _report_after(user, message_id: int):
    """Wait for a "What changed" report newer than `message_id`."""
    return await user.wait_for(
        lambda m: "What changed" in (m.text or "") and m.message_id > message_id
    )


async def test_dublin_transfer_asks_detention_and_explains_the_date(bot: Harness) -> None:
    """/add a transfer decision of 2 March, free: 7 days (9 March), act by day 6 (8 March is a
    Sunday: by Sat 7 March); "Why this date?" lists the calculation."""
    user = await _ready(bot, 6001)
    await say(user, "/add")
    await press(user, "Dublin transfer decision")
    await give_date(user, "02/03/2026")
    await user.wait_for(lambda m: "house arrest" in (m.text or ""))
    await press(user, "No, I am free")
    report = await user.wait_for(lambda m: "What changed" in (m.text or ""))
    appeal = await card(user, "dublin_transfer_appeal", after=report.message_id)
    assert appeal.text.splitlines()[1:] == [
        "👉 Act by Saturday, March 7, 2026",
        "Last day: Monday, March 9, 2026 · in 6 days",
        "⚠️ Check the period printed on your paper.",
    ]
    await press(user, "wy:dublin_transfer_appeal")
    why = await user.wait_for(lambda m: "Why this date?" in (m.text or "") and "•" in m.text)
    assert "Counted from: Dublin transfer decision, March 2, 2026." in why.text
    assert "7 days, the day of the event not counted: March 9, 2026." in why.text
    assert "act by March 7, 2026" in why.text
    assert "Legal basis: CESEDA L572-4" in why.text and "checked on December 4, 2026" in why.text


async def test_detention_not_known_gives_48_hours_and_says_why(bot: Harness) -> None:
    """OQTF handed on 2 March at 16:40, detention not known: 48 hours, until 4 March 16:40."""
    user = await _ready(bot, 6002)
    await say(user, "/add")
    await press(user, "Order to leave France (OQTF)")
    await give_date(user, "02/03/2026")
    await press(user, "I don't know")
    await user.wait_for(lambda m: "shorter period is used: 48 hours" in (m.text or ""))
    await user.wait_for(lambda m: "At what time" in (m.text or ""))
    await say(user, "16:40")
    report = await user.wait_for(lambda m: "What changed" in (m.text or ""))
    appeal = await card(user, "oqtf_after_asylum_rejection_appeal", after=report.message_id)
    assert "Last day: Wednesday, March 4, 2026 4:40" in appeal.text
    assert "⚠️ 48 hours, because you did not say whether you are detained." in appeal.text


async def test_legal_aid_stops_the_appeal_then_it_runs_again(bot: Harness) -> None:
    """Rejected, received 25 Feb: appeal due 26 March. Legal aid asked 2 March (day 5): stopped
    with 24 days left (3..26 March); the decision on legal aid reached the person on 3 March:
    3 March + 24 days = Fri 27 March."""
    user = await _ready(bot, 6003)
    await say(user, "/add")
    await press(user, "Ofpra decision")
    await press(user, "Rejected (rejet)")
    await press(user, "Registered letter")
    await give_date(user, "25/02/2026")
    first = await user.wait_for(lambda m: "What changed" in (m.text or ""))
    await say(user, "/add")
    await press(user, "I asked for legal aid (aide juridictionnelle)")
    await give_date(user, "02/03/2026")
    report = await _report_after(user, first.message_id)
    assert "stopped until the decision on legal aid; then 24 days will be left" in report.text
    await say(user, "/next")
    listing = await user.wait_for(lambda m: "Your next steps" in (m.text or ""))
    stopped = await card(user, "cnda_appeal_1_month", after=listing.message_id)
    assert "⏸ Stopped until the decision on legal aid" in stopped.text
    await say(user, "/add")
    await press(user, "Decision on my legal aid")
    await give_date(user, "03/03/2026")
    await press(user, "I don't know")  # the lawyer's day
    report = await _report_after(user, report.message_id)
    assert "moved from March 26, 2026 to March 27, 2026" in report.text


async def test_why_this_date_in_french(bot: Harness) -> None:
    """The reminder's "Why this date?" in French: every step translated, dates in French."""
    fr = translator("fr")
    user = bot.telegram.user(6004, language_code="fr")
    await say(user, "/start")
    await press(user, "Français")
    await press(user, fr.gettext("I agree"))
    await press(user, fr.gettext("I received my asylum certificate"))
    await say(user, "93")
    await press(user, fr.gettext("Normal (procédure normale)"))
    await give_date(user, "02/03/2026")
    await press(user, fr.gettext("I don't know"))
    await card(user, "ofpra_filing_21_days")
    await press(user, "wy:ofpra_filing_21_days")
    why = await user.wait_for(lambda m: fr.gettext("<b>Why this date?</b>")[3:10] in (m.text or ""))
    assert "2 mars 2026" in why.text and "23 mars 2026" in why.text
    assert "Counted from" not in why.text and "Legal basis" not in why.text


async def test_a_corrected_rule_sends_one_message_with_old_and_new_date(bot: Harness) -> None:
    """Plans made by an older rule book (no franc day for the CNDA): the replan finds the moved
    date and the dispatcher sends one message with both dates and "Why this date?"."""
    user = await _ready(bot, 6005)
    services = bot.application.bot_data.services
    assert services is not None
    old = PlanService(
        services.plans.sessions,
        rules_before_the_review(),
        services.plans.clock,
        services.plans.zone,
        services.plans.reminder_time,
    )
    from bot.domain.events import Event, EventKind, Outcome, Received

    decision = Event(
        EventKind.OFPRA_DECISION, date(2026, 3, 2), outcome=Outcome.REJECTED, received=Received.POST
    )
    await old.save(6005, (decision,))
    report = await ReplanService(services.plans).run()
    assert (report.moved, report.notified) == (1, 1)
    message = await user.wait_for(lambda m: "A date changed" in (m.text or ""))
    assert "Now: Friday, April 3, 2026" in message.text  # 2 April + 1, franc
    assert "Before: Thursday, April 2, 2026" in message.text
    assert [b.text for b in message.buttons] == ["❓ Why this date?", "✅ Done"]
    await press(user, "❓ Why this date?")
    why = await user.wait_for(lambda m: "franc" in (m.text or ""))
    assert "one more day, April 3, 2026" in why.text
