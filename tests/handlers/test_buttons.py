"""Buttons that are forged or out of date: a polite answer in the person's own language."""

from __future__ import annotations

import pytest

from bot import callback_data as cb
from bot.i18n import translator
from bot.views import errors
from tests.handlers.harness import Handlers
from tests.handlers.steps import agree

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
    sent = len(person.messages)
    for data in FORGED:
        answer = await person.press_data(data, question)
        assert answer.params.get("text") == errors.stale_button(translator(code)), data
    assert len(person.messages) == sent and question.edits == 0
    await person.press(cb.encode(cb.STAGE, "certificate_received"))
    assert question.buttons == [] and len(person.messages) == sent + 1


async def test_a_forged_button_from_a_stranger_is_answered_in_their_apps_language(
    bot: Handlers,
) -> None:
    """No profile yet: the answer follows the Telegram app's language."""
    person = bot.person(310, language_code="fr")
    await person.send("/start")
    answer = await person.press_data("de:certificate_expires")
    assert answer.params.get("text") == errors.stale_button(translator("fr"))
