"""Steps of a person's first minutes with the bot, for the handler tests."""

from __future__ import annotations

from bot import callback_data as cb
from tests.handlers.harness import Person

# Buttons bound to a question or a date carry a tag after these prefixes (bot/callback_data.py);
# Person.press takes a prefix for "the button of this kind on the newest question".
CORRECT = f"{cb.CONFIRM}:y."  # "✅ Correct" under a date read back
UNKNOWN = f"{cb.UNKNOWN}:"  # "I don't know" under a question


async def agree(person: Person, code: str = "en") -> None:
    """/start, the language `code`, then "I agree": the stage question is asked."""
    await person.send("/start")
    await person.press(cb.encode(cb.LANGUAGE, code))
    await person.press(cb.encode(cb.CONSENT, code))


async def onboard_english(person: Person) -> None:
    """Consent, certificate received, department 93, normal procedure, certificate issued on
    2 March 2026 (typed and confirmed), its expiry date unknown: the summary is shown."""
    await agree(person)
    await person.press("I received my asylum certificate")
    await person.send("93")
    await person.press("Normal (procédure normale)")
    await person.send("02/03/2026")
    await person.press(CORRECT)
    await person.press(UNKNOWN)
