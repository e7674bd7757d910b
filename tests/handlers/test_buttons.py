"""Buttons that are forged or out of date: a polite answer in the person's own language."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from bot import callback_data as cb
from bot.domain.questions import QUESTIONS
from bot.i18n import translator
from bot.views import errors
from bot.views.onboarding import department_prompt
from tests.handlers.harness import Handlers, seen
from tests.handlers.steps import CORRECT, agree

FORGED = (
    "de:certificate_expires",
    "zz:1",
    "st:protected.extra",
    "cal:d:20260230",
    "dl:x",
    "an:dublin",
    "",
)


@pytest.mark.parametrize("code", ["fr", "ar", "uk"])
async def test_forged_buttons_are_refused_in_the_persons_language(bot: Handlers, code: str) -> None:
    """Each forged press is answered "no longer valid" in the language the person chose (not
    their app's), changes nothing, and the question they were at still takes its answer."""
    person = bot.person(300 + len(code), language_code="en")
    await agree(person, code)
    question = person.last_message
    sent, edits = len(person.messages), question.edits
    for data in FORGED:
        answer = await person.press_data(data, question)
        assert answer.params.get("text") == errors.stale_button(translator(code)), data
    assert len(person.messages) == sent and question.edits == edits
    await person.press(cb.encode(cb.STAGE, "certificate_received"))
    # The question answered becomes the next one: the same message, one edit more.
    assert len(person.messages) == sent and question.edits == edits + 1
    assert question.buttons == []  # the department is typed
    assert seen(department_prompt(translator(code))) in (question.text or "")


async def test_a_forged_button_from_a_stranger_is_answered_in_their_apps_language(
    bot: Handlers,
) -> None:
    """No profile yet: the answer follows the Telegram app's language."""
    person = bot.person(310, language_code="fr")
    await person.send("/start")
    answer = await person.press_data("de:certificate_expires")
    assert answer.params.get("text") == errors.stale_button(translator("fr"))


async def test_a_double_tap_edits_the_screen_once(bot: Handlers) -> None:
    """Two taps on "previous month" of the same date picker (both presses carry the screen as
    it was): the first moves the picker, the second is answered without another edit."""
    person = bot.person(320, language_code="en")
    await agree(person)
    await person.press("I received my asylum certificate")
    await person.send("93")
    await person.press("Normal (procédure normale)")
    picker = person.last_message
    previous = cb.calendar_month_data(date(2026, 2, 1), cb.question_tag("certificate_issued.on"))
    assert previous in [data for _, data in picker.buttons]
    stale = copy.deepcopy(picker)  # the screen both taps saw
    before, edited = len(bot.telegram.calls_of("editMessageText")), picker.edits
    await person.press_data(previous, stale)
    edits = len(bot.telegram.calls_of("editMessageText"))
    assert edits == before + 1 and person.last_message.edits == edited + 1
    answer = await person.press_data(previous, stale)
    assert "text" not in answer.params  # answered quietly
    assert len(bot.telegram.calls_of("editMessageText")) == edits
    assert bot.telegram.refused == []


async def test_pressing_a_button_that_shows_the_screen_already_makes_no_edit(
    bot: Handlers,
) -> None:
    """The privacy notice shown, "English" pressed on it again after a restart (this instance
    never edited the message): the press shows the notice is already there, so no edit."""
    person = bot.person(321, language_code="en")
    await person.send("/start")
    await person.press(cb.encode(cb.LANGUAGE, "en"))
    notice = person.last_message
    sender = bot.application.bot_data.sender
    assert sender is not None
    sender._shown.clear()  # as after a restart
    before = len(bot.telegram.calls_of("editMessageText"))
    await person.press_data(cb.encode(cb.LANGUAGE, "en"), notice)
    assert len(bot.telegram.calls_of("editMessageText")) == before


async def test_an_older_questions_buttons_do_not_answer_the_question_asked_since(
    bot: Handlers,
) -> None:
    """A date typed under a calendar leaves that calendar on screen: its days, its "I don't
    know" and an older read-back's "Correct" are refused as out of date, and only the newest
    read-back confirms, so no press answers a question it was not shown for."""
    person = bot.person(330, language_code="en")
    await agree(person)
    await person.press("I received my asylum certificate")
    await person.send("93")
    await person.press("Normal (procédure normale)")
    calendar = copy.deepcopy(person.last_message)  # asks when the certificate was issued
    await person.send("02/03/2026")
    first_read_back = copy.deepcopy(person.last_message)
    await person.send("03/03/2026")  # typed again instead of pressing "Correct"
    stale = errors.stale_button(translator("en"))
    answer = await person.press_data(cb.encode(cb.CONFIRM, "y.20260302"), first_read_back)
    assert answer.params.get("text") == stale
    await person.press(CORRECT)  # the newest read-back: 3 March
    conversation = bot.application.bot_data.services.conversations
    state = await conversation.get(330)
    assert state is not None and state.answers["certificate_issued.on"] == "2026-03-03"
    asked = state.question
    assert asked is not None and asked.id == "certificate_expires.on"
    old_day = next(data for _, data in calendar.buttons if data and data.startswith("cal:d:"))
    old_unknown = next(data for _, data in calendar.buttons if data and data.startswith("dk:"))
    for data in (old_day, old_unknown):
        answer = await person.press_data(data, calendar)
        assert answer.params.get("text") == stale, data
    after = await conversation.get(330)
    assert after is not None and after.question == asked and after.answers == state.answers


def test_question_tags_are_unique() -> None:
    """Each question's buttons carry a tag no other question shares."""
    tags = [cb.question_tag(question_id) for question_id in QUESTIONS]
    assert len(set(tags)) == len(tags)


async def test_change_asks_the_question_again_in_the_read_backs_place(bot: Handlers) -> None:
    """ "Change" under a date read back: that message becomes the question again, with nothing
    on top, and no new message is sent."""
    person = bot.person(331, language_code="en")
    await agree(person)
    await person.press("I received my asylum certificate")
    await person.send("93")
    await person.press("Normal (procédure normale)")
    await person.send("02/03/2026")
    read_back = person.last_message
    sent = len(person.messages)
    await person.press("✏️ Change")
    assert len(person.messages) == sent and person.last_message is read_back
    assert (read_back.text or "").startswith("On which day was your first asylum certificate")
    assert any((data or "").startswith("cal:d:") for _, data in read_back.buttons)
