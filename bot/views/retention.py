"""What a person reads before and after being erased for inactivity."""

from __future__ import annotations

from datetime import date

from bot import callback_data as cb
from bot.i18n import Translator
from bot.views.common import Screen, day, keyboard, rtl


def inactivity_notice(t: Translator, months: int, erase_on: date) -> Screen:
    """Tell the person their data will be erased unless they answer, and how to keep it."""
    text = t.ngettext(
        "You have not used this bot for {months} month. To protect your privacy, everything it "
        "keeps about you (your dates, your reminders, your choices) will be erased on {day}, "
        "and no more reminders will be sent.",
        "You have not used this bot for {months} months. To protect your privacy, everything it "
        "keeps about you (your dates, your reminders, your choices) will be erased on {day}, "
        "and no more reminders will be sent.",
        months,
    ).format(months=months, day=day(t, erase_on))
    text += "\n\n" + t.gettext(
        "To keep them, press the button below or send any message to the bot."
    )
    rows = [[(t.gettext("Keep my reminders"), cb.encode(cb.KEEP))]]
    return Screen(rtl(t, text), keyboard(rows))


def kept_after_notice(t: Translator) -> str:
    """Confirm that nothing will be erased."""
    return rtl(t, t.gettext("Thank you: the bot keeps your dates and your reminders."))


def erased_for_inactivity(t: Translator) -> str:
    """Say, once, that the announced erasure happened."""
    return rtl(
        t,
        t.gettext(
            "As announced, the bot has erased everything it kept about you, because you had not "
            "used it for a long time. Send /start to begin again."
        ),
    )
