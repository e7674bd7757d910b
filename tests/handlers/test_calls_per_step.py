"""What each onboarding step costs in Bot API calls that spend the shared 30 messages/s.

Every send and edit takes a place in the send window that every person, reminder and broadcast
shares; answering a button press (answerCallbackQuery) does not. The counts are pinned here so
that a change that adds a call to a step is seen and weighed.
"""

from __future__ import annotations

from bot import callback_data as cb
from tests.handlers.harness import Handlers
from tests.handlers.steps import CORRECT, UNKNOWN

PACED = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument")
STEPS = [
    ("send", "/start"),
    ("press", cb.encode(cb.LANGUAGE, "en")),
    ("press", cb.encode(cb.CONSENT, "en")),
    ("press", "I received my asylum certificate"),
    ("send", "93"),
    ("press", "Normal (procédure normale)"),
    ("send", "02/03/2026"),
    ("press", CORRECT),
    ("press", UNKNOWN),
]


async def test_each_onboarding_step_costs_one_paced_call(bot: Handlers) -> None:
    person = bot.person(600)
    costs = []
    for kind, value in STEPS:
        before = len(bot.telegram.calls)
        if kind == "send":
            await person.send(value)
        else:
            await person.press(value)
        made = [call.method for call in bot.telegram.calls[before:]]
        costs.append(sum(method in PACED for method in made))
    # A typed answer costs its read-back or the next question; a pressed one turns the question
    # into the next one (one edit, the answer on top). The last step turns the question into the
    # summary's title, with the note on the date not given, then sends one card per step (2
    # here). 11 in all; 18 when a pressed answer closed its question and sent the next one.
    assert costs == [1, 1, 1, 1, 1, 1, 1, 1, 3], costs
