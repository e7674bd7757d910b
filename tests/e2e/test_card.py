"""/card over the fake Bot API: a picture the phone shows and a PDF to print, nothing more."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.card.render import HEIGHT, WIDTH
from bot.i18n import translator
from bot.views.card import caption
from tests.e2e.conftest import Harness
from tests.e2e.journeys import UNKNOWN, card, onboard_english, press, say
from tests.e2e.test_languages import TRANSLATED, onboard

CHAT = 987_654_321


async def test_card_sends_a_picture_and_a_pdf_without_the_persons_identity(bot: Harness) -> None:
    user = bot.telegram.user(CHAT, language_code="en", first_name="Amina")
    await onboard_english(user)
    await press(user, UNKNOWN)
    await card(user, "ofpra_filing_21_days")
    await say(user, "/card")
    await user.wait_for(lambda _: bot.telegram.state.photos and bot.telegram.documents, 15)
    photo = bot.telegram.state.photos[0]
    assert photo.chat_id == CHAT and "show it at the SPADA" in (photo.caption or "")
    picture = Image.open(io.BytesIO(photo.data or b""))
    assert picture.size == (WIDTH, HEIGHT)
    assert not picture.info.get("Comment") and not picture.text  # no text chunks
    pdf = next(d for d in bot.telegram.documents if d.filename == "deadlines.pdf")
    assert pdf.data is not None and pdf.data.startswith(b"%PDF")
    for data in (photo.data or b"", pdf.data):
        assert str(CHAT).encode() not in data and b"Amina" not in data
    assert pdf.message_id > photo.message_id  # the picture first, the PDF under it


async def test_card_before_any_date_or_consent_says_what_to_do(bot: Harness) -> None:
    stranger = bot.telegram.user(CHAT + 1, language_code="en")
    await say(stranger, "/card")
    assert "/start" in (stranger.last_message.text or "")
    assert bot.telegram.state.photos == []


@pytest.mark.parametrize("code", TRANSLATED)
async def test_card_in_each_language(bot: Harness, code: str) -> None:
    """Onboarded in each language: /card sends the picture with its caption in that language,
    and the PDF."""
    chat = 9300 + TRANSLATED.index(code)
    user = bot.telegram.user(chat, language_code=code.split("_")[0])
    await onboard(user, code)
    await say(user, "/card")
    await user.wait_for(
        lambda _: any(
            d.chat_id == chat for d in bot.telegram.documents if d.filename == "deadlines.pdf"
        ),
        15,
    )
    photo = next(p for p in bot.telegram.state.photos if p.chat_id == chat)
    assert photo.caption == caption(translator(code))
    assert Image.open(io.BytesIO(photo.data or b"")).size == (WIDTH, HEIGHT)
