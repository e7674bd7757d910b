"""Journeys beyond the first onboarding: calendar, corrections, new letters, /next, odd input."""

from __future__ import annotations

from icalendar import Calendar

from bot.i18n import translator
from tests.e2e.conftest import Harness
from tests.e2e.journeys import CORRECT, card, give_date, onboard_english, press, say


async def test_onboarding_by_calendar_in_french(bot: Harness) -> None:
    """French: Français offered first, every screen in French, dates picked by tapping."""
    fr = translator("fr")
    user = bot.telegram.user(2001, language_code="fr-FR")
    await say(user, "/start")
    assert user.buttons()[0].text == "Français"
    await press(user, "Français")
    await press(user, fr.gettext("I agree"))
    await press(user, fr.gettext("I sent my file to Ofpra"))
    await say(user, "Seine-Saint-Denis")
    await user.wait_for(lambda m: "Bobigny" in (m.text or ""))
    await press(user, fr.gettext("Normal (procédure normale)"))
    await user.wait_for(lambda m: "mars 2026" in (m.text or "") or _has_button(user, "mars 2026"))
    await press(user, "‹")  # back to February 2026
    await user.wait_for(lambda m: _has_button(user, "février 2026"))
    await press(user, "20")  # 20 February 2026
    await user.wait_for(lambda m: "20 février 2026" in (m.text or ""))
    await press(user, fr.gettext("I don't know"))  # Ofpra's registration letter
    await press(user, fr.gettext("I don't know"))  # certificate expiry
    summary = await card(user, "attestation_initial_validity_normal")
    # Certificate of 20 February 2026, valid 10 months: renew by Saturday 19 December 2026. The
    # person said the file is sent: the 21-day deadline is done and not shown.
    assert "samedi 19 décembre 2026" in summary.text
    assert not any("dt:ofpra_filing_21_days" in [b.callback_data for b in m.buttons]
                   for m in user.messages)  # fmt: skip
    english = ("Where are you", "Documents:", "If missed", "Reminders:", "Last day")
    for message in user.messages:
        assert not any(sentence in (message.text or "") for sentence in english), message.text


async def test_wrong_dates_are_explained_and_asked_again(bot: Harness) -> None:
    """An impossible date, a future date for a past event, junk: explained, then asked again."""
    user = bot.telegram.user(2002, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    await say(user, "/dates")
    await press(user, "Change: Asylum certificate issued")
    for typed, problem in (
        ("31/02/2026", "does not exist"),
        ("12/12/2030", "not possible for this question"),
        ("<b>hello</b>", "could not read a date"),
    ):
        before = len(user.messages)
        await say(user, typed)
        # One message: the problem, then the question again with its calendar.
        reply = await user.wait_for(lambda m, p=problem: p in (m.text or ""))
        assert len(user.messages) == before + 1 and reply is user.last_message
        assert "like 03/03/2026" in reply.text and "first asylum" in reply.text
        assert reply.text.index(problem) < reply.text.index("first asylum")
        assert any((b.callback_data or "").startswith("cal:d:") for b in reply.buttons)


async def test_correction_and_removal_say_what_changed(bot: Harness) -> None:
    """Changing a date reports the move; removing one reports what no longer applies."""
    user = bot.telegram.user(2003, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    await say(user, "/dates")
    await press(user, "Change: Asylum certificate issued")
    await give_date(user, "25 February 2026")
    report = await user.wait_for(lambda m: "What changed" in (m.text or ""))
    assert "moved from March 23, 2026 to March 18, 2026" in report.text
    moved = await card(user, "ofpra_filing_21_days", after=report.message_id)
    assert "Last day: Wednesday, March 18, 2026" in moved.text
    await say(user, "/dates")
    await press(user, "Remove")
    report = await user.wait_for(lambda m: "No longer applies" in (m.text or ""))
    assert "Send your asylum form to Ofpra" in report.text


async def test_new_decision_online_then_next_with_calendar_file(bot: Harness) -> None:
    """/add a rejection posted online 20 Feb, opened 24 Feb: CNDA deadlines; /next sends .ics."""
    user = bot.telegram.user(2004, language_code="en")
    await onboard_english(user)
    await press(user, "I don't know")
    await card(user, "ofpra_filing_21_days")
    await say(user, "/add")
    await press(user, "Ofpra decision")
    await press(user, "Rejected (rejet)")
    await press(user, "Ofpra online account")
    await give_date(user, "20/02/2026")
    await user.wait_for(lambda m: "first open the decision" in (m.text or ""))
    await give_date(user, "24/02/2026")
    report = await user.wait_for(lambda m: "What changed" in (m.text or ""))
    appeal = await card(user, "cnda_appeal_1_month", after=report.message_id)
    assert "Wednesday, March 25, 2026" in appeal.text  # 24 Feb + 1 month, franc
    await say(user, "/next")
    await bot.telegram.wait_until(lambda: len(user.documents) == 1)
    document = user.documents[0]
    assert document.filename == "deadlines.ics"
    events = Calendar.from_ical(document.data).walk("VEVENT")
    assert {str(e["dtstart"].to_ical().decode()) for e in events} >= {"20260325", "20260311"}


async def test_odd_input_gets_short_answers(bot: Harness) -> None:
    """Before /start, stickers, voice, unknown commands and edits: a short reply each."""
    user = bot.telegram.user(2005, language_code="en")
    await say(user, "hello")
    assert user.last_message.text == "Send /start to begin."
    await onboard_english(user)
    await user.send_sticker()
    reply = await user.wait_for(lambda m: "I cannot read messages" in (m.text or ""))
    assert "/help" in reply.text and "association" in reply.text
    assert [b.callback_data for b in reply.buttons] == [
        "mn:next",
        "mn:add",
        "mn:associations",
        "mn:help",
    ]
    count = len(user.messages)
    await user.send_voice()
    await user.wait_for(count + 1)
    await say(user, "/frobnicate")
    await user.wait_for(lambda m: "Menu" in (m.text or ""))
    sent = await user.send_text("01/03/2026")  # an expiry before the issue date
    await press(user, CORRECT)
    await user.wait_for(lambda m: "do not fit together" in (m.text or ""))
    await user.wait_for(
        lambda m: "Which procedure" in (m.text or "") and m.message_id > sent.message_id
    )
    count = len(user.messages)
    await user.edit_text(sent.message_id, "02/03/2026")
    reply = await user.wait_for(count + 1)
    assert "send it again" in reply[-1].text


async def test_group_chats_are_left(bot: Harness) -> None:
    """In a group, the bot says it only works in private and leaves."""
    group = bot.telegram.user(-1002001, language_code="en")
    await group.send_text("/start")
    await bot.telegram.wait_until(lambda: bool(bot.telegram.calls("leaveChat")))
    assert "private chat" in group.messages[-1].text


def _has_button(user, label: str) -> bool:
    """Tell whether the newest keyboard has a button with that label."""
    return any(button.text == label for button in user.buttons())
