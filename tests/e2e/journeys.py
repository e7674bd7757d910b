"""Steps of a person's journey, shared by the end-to-end tests."""

from __future__ import annotations

from bot import callback_data as cb
from fake_telegram.state import Button, ChatMessage
from fake_telegram.users import FakeUser

# Buttons bound to a question or a date carry a tag after these prefixes (bot/callback_data.py):
# `press` takes such a prefix for "the button of this kind on the newest question".
CORRECT = f"{cb.CONFIRM}:y."  # "✅ Correct" under a date read back
UNKNOWN = f"{cb.UNKNOWN}:"  # "I don't know" under a question


async def say(user: FakeUser, text: str) -> None:
    """Send a message and wait for the bot's first reaction to it."""
    before = _seen(user)
    await user.send_text(text)
    await user.wait_for(lambda _: _seen(user) != before)


async def press(user: FakeUser, label: str) -> None:
    """Wait until a button with that label, data or data prefix (ending in ":" or ".") is
    shown, press it, wait for the first reaction."""
    message = await user.wait_for(lambda m: any(matches(b, label) for b in m.buttons))
    data = next(b.callback_data for b in message.buttons if matches(b, label))
    before = _seen(user)
    await user.press(data or label)
    await user.wait_for(lambda _: _seen(user) != before)


def matches(button: Button, wanted: str) -> bool:
    """Tell whether a button is the one wanted: by label, by data, or by a data prefix."""
    data = button.callback_data or ""
    prefix = wanted.endswith((":", ".")) and data.startswith(wanted)
    return wanted in (button.text, data) or prefix


async def give_date(user: FakeUser, text: str) -> None:
    """Type a date and confirm it when the bot reads it back ("✅ Correct")."""
    await say(user, text)
    await press(user, CORRECT)


async def card(user: FakeUser, rule_id: str, after: int = 0) -> ChatMessage:
    """Wait for the card of a rule (its "Details" button) sent after message `after`."""
    details = cb.encode(cb.DETAILS, rule_id)
    return await user.wait_for(
        lambda m: m.message_id > after and details in [b.callback_data for b in m.buttons]
    )


def _seen(user: FakeUser) -> tuple[int, int]:
    """Return how many messages and edits the person has seen."""
    return len(user.messages), sum(m.edit_count for m in user.messages)


async def onboard_english(user: FakeUser) -> None:
    """Language, consent, stage, department, procedure, typed dates."""
    await reach_certificate_date(user)
    await give_date(user, "02/03/2026")
    await user.wait_for(lambda m: "valable jusqu'au" in (m.text or ""))


async def reach_certificate_date(user: FakeUser) -> None:
    """Language, consent, stage, department 93, normal procedure: the certificate date asked."""
    await say(user, "/start")
    assert [b.text for b in user.buttons()][:2] == ["English", "Français"]
    await press(user, "English")
    assert "what this bot keeps" in user.last_message.text
    await press(user, "I agree")
    await user.wait_for(lambda m: "Where are you now" in (m.text or ""))
    await press(user, "I received my asylum certificate")
    await user.wait_for(lambda m: "In which department" in (m.text or ""))
    await say(user, "93")
    await user.wait_for(lambda m: "Which procedure" in (m.text or ""))
    await press(user, "Normal (procédure normale)")
    await user.wait_for(lambda m: "first asylum certificate" in (m.text or ""))
