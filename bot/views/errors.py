"""Short answers to what the bot cannot use: wrong dates, stale buttons, stickers, errors."""

from __future__ import annotations

from datetime import date

from bot import callback_data as cb
from bot.i18n import N_, Translator
from bot.views.common import Screen, day, esc, keyboard, rtl

DATE_PROBLEMS: dict[str, str] = {
    "empty": N_("I did not receive a date."),
    "not_a_date": N_("I could not read a date in this message."),
    "impossible": N_("This date does not exist in the calendar."),
    "incomplete": N_("The day, the month and the year are all needed."),
    "too_early": N_("This date is too far in the past for this question."),
    "too_late": N_("This date is not possible for this question: check the year."),
    "too_long": N_("This message is too long to be a date."),
}


def date_problem(t: Translator, code: str, example: date) -> str:
    """Say what was wrong with a typed date and show an example."""
    problem = t.gettext(DATE_PROBLEMS.get(code, DATE_PROBLEMS["not_a_date"]))
    hint = t.gettext("Type it like {numeric} or {words}, or pick it on the calendar.").format(
        numeric=esc(f"{example:%d/%m/%Y}"), words=day(t, example)
    )
    return rtl(t, f"{problem} {hint}")


def time_problem(t: Translator) -> str:
    """Say a typed time was not understood."""
    return rtl(t, t.gettext("I could not read a time. Type it like 09:30 or 14:00."))


def facts_problem(t: Translator) -> str:
    """Say dates contradict each other (e.g. a decision opened before it was posted)."""
    return rtl(t, t.gettext("These dates do not fit together. Please check them and answer again."))


def use_buttons(t: Translator) -> str:
    """Ask to answer with the buttons."""
    return rtl(t, t.gettext("Please answer with one of the buttons above."))


def not_understood(t: Translator) -> Screen:
    """Answer text, stickers, photos or voice notes the bot cannot use, with what it can do:
    the steps, adding a letter, and how to reach a person (associations, /help)."""
    text = t.gettext(
        "I am a bot: I cannot read messages, photos or voice notes, only dates and buttons. "
        "To talk to a person, contact an association: /help gives addresses and phone numbers."
    )
    rows = [
        [
            (t.gettext("My next deadlines"), cb.encode(cb.MENU, "next")),
            (t.gettext("Add a new letter or event"), cb.encode(cb.MENU, "add")),
        ],
        [
            (t.gettext("Associations I follow"), cb.encode(cb.MENU, "associations")),
            (t.gettext("Help: words and contacts"), cb.encode(cb.MENU, "help")),
        ],
    ]
    return Screen(rtl(t, text), keyboard(rows))


def unknown_command(t: Translator) -> str:
    """Answer a command the bot does not have."""
    return rtl(t, t.gettext("I do not know this command. Here is the menu:"))


def stale_button(t: Translator) -> str:
    """Answer a button that is no longer valid (old message, forged data)."""
    return t.gettext("This button is no longer valid.")


def start_first(t: Translator) -> str:
    """Ask someone who never agreed to start."""
    return rtl(t, t.gettext("Send /start to begin."))


def private_only(t: Translator) -> str:
    """Say the bot only works in private chats."""
    return t.gettext("This bot only works in a private chat. Open it directly to use it.")


def sorry(t: Translator) -> str:
    """Apologise for an unexpected error without details."""
    return rtl(t, t.gettext("Sorry, something went wrong. Your data is safe; please try again."))


def department_needed(t: Translator) -> str:
    """Say which department is needed before deadlines can be shown."""
    return rtl(t, t.gettext("I need your department first: send /start."))


def slow_down(t: Translator) -> str:
    """Ask someone sending a flood of messages to slow down (their extra ones are not read)."""
    return rtl(
        t,
        t.gettext(
            "You sent many messages at once and I could not read them all. Wait a few "
            "seconds, then send your last message again."
        ),
    )
