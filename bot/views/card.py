"""What is said with the card (/card)."""

from __future__ import annotations

from bot.i18n import Translator


def caption(t: Translator) -> str:
    """Say what the card is for, under the picture (a plain caption)."""
    return t.gettext(
        "Your deadlines on one page, in your language and in French: show it at the SPADA, to a "
        "lawyer or to a volunteer. The PDF below is for printing."
    )
