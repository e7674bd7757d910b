"""The onboarding a benchmark's simulated person goes through, and how they press a button."""

from __future__ import annotations

from bot import callback_data as cb
from fake_telegram.state import ChatMessage
from fake_telegram.users import FakeUser


def onboarding_steps(code: str, typed_date: str) -> list[tuple[str, str]]:
    """Language, consent, stage, department 93, normal procedure, a typed date confirmed, then
    "I don't know" for the certificate's expiry. A question's buttons carry its tag after the
    prefix (bot/callback_data.py), so presses name a prefix ending in ":" or "."."""
    return [
        ("text", "/start"),
        ("press", cb.encode(cb.LANGUAGE, code)),
        ("press", cb.encode(cb.CONSENT, code)),
        ("press", cb.encode(cb.STAGE, "certificate_received")),
        ("text", "93"),
        ("press", f"{cb.ANSWER}:normal."),
        ("text", typed_date),
        ("press", f"{cb.CONFIRM}:y."),
        ("press", f"{cb.UNKNOWN}:"),
    ]


def is_button(data: str | None, wanted: str) -> bool:
    """Tell whether callback data is the wanted one, or starts with a wanted prefix."""
    data = data or ""
    return data == wanted or (wanted.endswith((":", ".")) and data.startswith(wanted))


async def press(user: FakeUser, wanted: str, timeout: float) -> ChatMessage:
    """Wait for the button, press it on the newest message that has it; return that message."""
    target: ChatMessage = await user.wait_for(
        lambda m: any(is_button(b.callback_data, wanted) for b in m.buttons), timeout
    )
    data = next(b.callback_data for b in target.buttons if is_button(b.callback_data, wanted))
    assert data is not None
    await user.press_data(data, target.message_id)
    return target
