"""Commands: an unknown one, and /mydata (readable, and as a JSON file)."""

from __future__ import annotations

import json

from bot import callback_data as cb
from bot.i18n import translator
from bot.views import errors
from bot.views.menu import main_menu
from tests.handlers.harness import Handlers, buttons_of, seen
from tests.handlers.steps import agree, onboard_english


async def test_an_unknown_command_before_start_asks_for_start(bot: Handlers) -> None:
    """Someone who never agreed gets one line, in their app's language, and nothing else."""
    person = bot.person(201, language_code="fr")
    await person.send("/frobnicate")
    assert person.texts == [seen(errors.start_first(translator("fr")))]


async def test_an_unknown_command_gets_the_menu(bot: Handlers) -> None:
    """After consent: "I do not know this command", then the menu with one button a command."""
    person = bot.person(202)
    await agree(person)
    before = len(person.messages)
    await person.send("/frobnicate")
    said, menu = person.messages[before:]
    assert said.text == "I do not know this command. Here is the menu:"
    assert menu.text == "Menu: choose what you want to do."
    assert menu.buttons == buttons_of(main_menu(translator("en")))
    assert menu.buttons[:3] == [
        ("My next deadlines", "mn:next"),
        ("My deadlines on one page, to show", "mn:card"),
        ("See or correct my dates", "mn:dates"),
    ]


async def test_mydata_before_anything_is_kept(bot: Handlers) -> None:
    """/mydata from a stranger: the bot says it keeps nothing, in their language, and sends no
    file."""
    person = bot.person(203, language_code="ar")
    await person.send("/mydata")
    assert person.texts == [translator("ar").gettext("The bot keeps nothing about you.")]
    assert person.documents == []


async def test_mydata_shows_the_dates_and_sends_them_as_json(bot: Handlers) -> None:
    """/mydata after onboarding: what is kept, in words, then the same as my-data.json."""
    person = bot.person(204)
    await onboard_english(person)
    before = len(person.messages)
    await person.send("/mydata")
    readable = "\n".join(m.text or "" for m in person.messages[before:])
    for line in (
        "What the bot keeps about you",
        "Language: English",
        "Department: 93 Seine-Saint-Denis",
        "Procedure: Normal (procédure normale)",
        "Agreed on: March 3, 2026",
        "Asylum certificate issued: March 2, 2026",
    ):
        assert line in readable, line
    [(filename, content)] = person.documents
    assert filename == "my-data.json"
    exported = json.loads(content)
    assert exported["person"]["language"] == "en"
    assert exported["dates"][0]["event"] == "certificate_issued"
    assert exported["dates"][0]["date"] == "2026-03-02"


async def test_privacy_is_readable_before_and_after_consent(bot: Handlers) -> None:
    """/privacy works before anything is stored (the phone's language) and after consent (the
    language chosen); the consent screen points to it."""
    person = bot.person(700, language_code="fr")
    await person.send("/privacy")
    before = person.last_message.text
    assert "/mydata" in before and "CNIL" in before and "What is kept" not in before  # French
    await person.send("/start")
    await person.press(cb.encode(cb.LANGUAGE, "en"))
    assert "/privacy" in person.last_message.text  # the consent notice points to it
    await person.press(cb.encode(cb.CONSENT, "en"))
    await person.send("/privacy")
    after = person.last_message.text
    assert after.startswith("Your data in this bot") and "What is kept" in after
    assert before != after
