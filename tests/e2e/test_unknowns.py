"""A person who knows none of their dates, at every stage: never told that nothing is due.

For each stage a newcomer can choose, "I don't know" is answered to every question that allows it
(the first choice otherwise). The summary keeps the stage they chose, shows a "date unknown"
card for every paper whose steps may be running, and never says that no deadline is running.
In English, French and Arabic (right to left).
"""

from __future__ import annotations

import pytest

from bot import callback_data as cb
from bot.domain.questions import PICKABLE_STAGES
from bot.domain.stages import Stage
from bot.i18n import translator
from bot.views.onboarding import STAGE_LABELS
from bot.views.plan import nothing_yet
from fake_telegram.users import FakeUser
from tests.e2e.conftest import Harness
from tests.e2e.journeys import press, say

# The papers whose steps stay on screen when their date is unknown, per stage chosen.
STANDING = {
    Stage.CERTIFICATE_RECEIVED: "ofpra_filing_21_days",
    Stage.FILE_SENT: "attestation_initial_validity_normal",
    Stage.DECISION_RECEIVED: "cnda_appeal_1_month",
}
FALSE_REASSURANCE = ("No deadline is running", "Well done. No other deadline")


async def answer_everything_unknown(bot: Harness, user: FakeUser, done: str) -> None:
    """Answer "I don't know" (or the first choice) until a message with a line starting with
    `done` arrives (the summary's header names the stage)."""

    def finished(text: str | None) -> bool:
        # The last question answered becomes the summary's title: a line of its own.
        lines = (text or "").split("\n")
        return any(line.lstrip("\u200f").startswith(done) for line in lines)

    for _ in range(20):
        message = await user.wait_for(
            lambda m: finished(m.text) or _question(m.buttons) is not None
        )
        if finished(message.text):
            return
        await press(user, _question(message.buttons) or "")
    raise AssertionError("the questions never ended")


def _question(buttons: list) -> str | None:
    """Return the button to press on a question: "I don't know", else its first choice."""
    data = [b.callback_data or "" for b in buttons]
    unknown = next((d for d in data if d.startswith(f"{cb.UNKNOWN}:")), None)
    if unknown is not None:
        return unknown
    return next((d for d in data if d.startswith(f"{cb.ANSWER}:")), None)


@pytest.mark.parametrize("code", ["en", "fr", "ar"])
@pytest.mark.parametrize("stage", PICKABLE_STAGES, ids=str)
async def test_nothing_known_at_any_stage(bot: Harness, stage: Stage, code: str) -> None:
    t = translator(code)
    chat_id = 12_000 + PICKABLE_STAGES.index(stage) * 10 + ["en", "fr", "ar"].index(code)
    user = bot.telegram.user(chat_id, language_code=code)
    await say(user, "/start")
    await press(user, cb.encode(cb.LANGUAGE, code))
    await press(user, cb.encode(cb.CONSENT, code))
    await press(user, cb.encode(cb.STAGE, stage.value))
    book = bot.application.bot_data.book
    assert book is not None
    guide = book.stage(stage.value)
    assert guide is not None
    title = t.pgettext(f"stage:{guide.id}:title", guide.title)
    await say(user, "93")
    await answer_everything_unknown(bot, user, title)  # the summary names the stage chosen
    await bot.answered(user)
    texts = [m.text or "" for m in user.messages if m.from_bot]
    assert not any(phrase in text for text in texts for phrase in FALSE_REASSURANCE)
    if stage in STANDING:
        details = cb.encode(cb.DETAILS, STANDING[stage])
        standing = await user.wait_for(lambda m: details in [b.callback_data for b in m.buttons])
        assert any((b.callback_data or "").startswith("de:") for b in standing.buttons)
    else:
        assert any(nothing_yet(t) in text for text in texts)
    await say(user, "/next")
    await bot.answered(user)
    assert not any(phrase in (m.text or "") for m in user.messages for phrase in FALSE_REASSURANCE)
    assert STAGE_LABELS[stage.value]  # every pickable stage has a label (the picker's buttons)
